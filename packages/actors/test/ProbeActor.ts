import { Deferred, Effect, Ref, Schema } from "effect"
import { Actor } from "../src/index.js"

// A protocol with one request per behaviour the runtime must support, for the test suites.

export class Insufficient extends Schema.TaggedError<Insufficient>()("Insufficient", {
  balance: Schema.Number,
}) {}

/** Appends a value to the actor's history (its state). */
export class Append extends Schema.TaggedRequest<Append>()("Append", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.Number },
}) {}

export class History extends Schema.TaggedRequest<History>()("History", {
  failure: Schema.Never,
  success: Schema.Array(Schema.Number),
  payload: {},
}) {}

/** Fails with a typed error when the history's sum is below `amount`. */
export class Withdraw extends Schema.TaggedRequest<Withdraw>()("Withdraw", {
  failure: Insufficient,
  success: Schema.Number,
  payload: { amount: Schema.Number },
}) {}

/** Dies: a defect in the handler. */
export class Crash extends Schema.TaggedRequest<Crash>()("Crash", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

/** Signals `started`, then waits for `gate`. */
export class Block extends Schema.TaggedRequest<Block>()("Block", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

/** Never replies. */
export class Hang extends Schema.TaggedRequest<Hang>()("Hang", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

/** Which incarnation (0 = first build) is serving. */
export class Incarnation extends Schema.TaggedRequest<Incarnation>()("Incarnation", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: {},
}) {}

export const ProbeProtocol = Schema.Union(Append, History, Withdraw, Crash, Block, Hang, Incarnation)
export type ProbeRequest = typeof ProbeProtocol.Type

/** The same `Append` tag with a payload of another shape: a sender on a different protocol version. */
export class SkewedAppend extends Schema.TaggedRequest<SkewedAppend>()("Append", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.String },
}) {}
export const SkewedProtocol = Schema.Union(SkewedAppend)

export interface ProbeHooks {
  /** Completed when a `Block` handler starts. */
  readonly started: Deferred.Deferred<void>
  /** `Block` handlers wait for it. */
  readonly gate: Deferred.Deferred<void>
  /** Incremented by every build. */
  readonly builds: Ref.Ref<number>
}

export const makeHooks: Effect.Effect<ProbeHooks> = Effect.all({
  started: Deferred.make<void>(),
  gate: Deferred.make<void>(),
  builds: Ref.make(0),
})

export const probeActor = (hooks: ProbeHooks, options?: Actor.Options) =>
  Actor.make(
    ProbeProtocol,
    Effect.gen(function* () {
      const incarnation = yield* Ref.getAndUpdate(hooks.builds, (n) => n + 1)
      const history = yield* Ref.make<ReadonlyArray<number>>([])
      return {
        Append: ({ value }) => Ref.update(history, (h) => [...h, value]),
        History: () => Ref.get(history),
        Withdraw: ({ amount }) =>
          Effect.gen(function* () {
            const balance = (yield* Ref.get(history)).reduce((a, b) => a + b, 0)
            if (balance < amount) return yield* new Insufficient({ balance })
            yield* Ref.update(history, (h) => [...h, -amount])
            return balance - amount
          }),
        Crash: () => Effect.die(new Error("boom")),
        Block: () => Effect.zipRight(Deferred.succeed(hooks.started, undefined), Deferred.await(hooks.gate)),
        Hang: () => Effect.never,
        Incarnation: () => Effect.succeed(incarnation),
      }
    }),
    options,
  )
