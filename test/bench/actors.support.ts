import { Actor, type ActorAddress, ActorSystem, Transport } from "@lyceum/actors"
import { NatsClient, type NatsServer, NatsTransport } from "@lyceum/nats"
import { Deferred, Effect, Schema } from "effect"
import { connect } from "nats"
import { median } from "./BenchResults.js"

// What the actor benchmarks share: one message shape, a counting actor, and timing helpers.

/** A message with a note, so that an encoded envelope is about the size of a small lesson reference (~300 B). */
export class Add extends Schema.TaggedRequest<Add>()("Add", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { by: Schema.Number, note: Schema.String },
}) {}

export const note = "x".repeat(160)

/** `count` messages, built before any clock starts. */
export const messages = (count: number): ReadonlyArray<Add> =>
  Array.from({ length: count }, (_, i) => new Add({ by: i % 7, note }))

/** Counts what it handled; completes `done` at the `expected`-th message. */
export const counter = (expected: () => number, done: () => Deferred.Deferred<void>) =>
  Actor.make(
    Add,
    Effect.sync(() => {
      let handled = 0
      return {
        Add: ({ by }) =>
          Effect.suspend(() => {
            handled++
            const finished = handled === expected() ? Deferred.succeed(done(), undefined) : Effect.void
            return Effect.as(finished, by)
          }),
      }
    }),
    { mailboxCapacity: 1_000_000 },
  )

/** Milliseconds an effect takes. */
export const timed = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<number, E, R> =>
  Effect.suspend(() => {
    const start = performance.now()
    return Effect.map(self, () => performance.now() - start)
  })

/** Runs both sides `trials` times, alternating which goes first; the medians as rates. */
export const compare = <E, R>(options: {
  readonly trials: number
  readonly count: number
  readonly ours: Effect.Effect<number, E, R>
  readonly baseline: Effect.Effect<number, E, R>
}) =>
  Effect.gen(function* () {
    const ours: Array<number> = []
    const baseline: Array<number> = []
    for (let trial = 0; trial < options.trials; trial++) {
      if (trial % 2 === 0) {
        ours.push(yield* options.ours)
        baseline.push(yield* options.baseline)
      } else {
        baseline.push(yield* options.baseline)
        ours.push(yield* options.ours)
      }
    }
    const rate = (ms: ReadonlyArray<number>) => options.count / (median(ms) / 1000)
    return { ours: rate(ours), baseline: rate(baseline), oursMs: ours, baselineMs: baseline }
  })

/**
 * The bytes our transport puts on the wire for `message` (the Schema-encoded envelope, with an id of the
 * usual length), for the raw side: it sends the same bytes and parses them on arrival, as any receiver that
 * uses the data must (ours also decodes the payload into an `Add` and runs a handler).
 */
export const wireBytes = (message: Add, to: ActorAddress): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({ id: "0123abcd-1a2b", to, payload: Schema.encodeSync(Add)(message) }),
  )

const utf8 = new TextDecoder()
let parsed: unknown

/** What a raw receiver does with a message: parse its JSON (kept, so that the work cannot be skipped). */
export const parseJson = (data: Uint8Array): void => {
  parsed = JSON.parse(utf8.decode(data))
}

/** The value `parseJson` parsed last. */
export const lastParsed = (): unknown => parsed

/** One "process" on `server`: its own connection, a NatsTransport and an actor system. */
export const natsNode = (server: NatsServer.NatsServer, options: NatsTransport.NatsTransportOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* NatsClient.make({ servers: [server.url] })
    const transport = yield* NatsTransport.make(client, options)
    const system = yield* ActorSystem.make().pipe(Effect.provideService(Transport, transport))
    return { client, transport, system }
  })

/** A raw `nats` connection for the baselines, closed with the scope. */
export const rawConnection = (server: NatsServer.NatsServer) =>
  Effect.acquireRelease(
    Effect.promise(() => connect({ servers: server.url })),
    (nc) => Effect.promise(() => nc.close()),
  )

/** Runs `task(i)` for i < count with at most `concurrency` promises in flight. */
export const pool = async (count: number, concurrency: number, task: (i: number) => Promise<unknown>) => {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
