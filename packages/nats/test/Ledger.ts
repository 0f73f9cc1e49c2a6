import { Actor, ActorAddress, type Envelope } from "@lyceum/actors"
import { Effect, Queue, Ref, Schema } from "effect"

// A small idempotent actor for the transport tests: it applies values and reports every application.

/** Applies `value` (a lesson, say). */
export class Record extends Schema.TaggedRequest<Record>()("Record", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.Number },
}) {}

/** What was applied, in order. */
export class Recorded extends Schema.TaggedRequest<Recorded>()("Recorded", {
  failure: Schema.Never,
  success: Schema.Array(Schema.Number),
  payload: {},
}) {}

export const LedgerProtocol = Schema.Union(Record, Recorded)

export interface LedgerHooks {
  /** Every application, as `[messageId, value]`. */
  readonly applied: Queue.Queue<readonly [string, number]>
}

export const makeLedgerHooks: Effect.Effect<LedgerHooks> = Effect.map(
  Queue.unbounded<readonly [string, number]>(),
  (applied) => ({ applied }),
)

export const ledgerActor = (hooks: LedgerHooks) =>
  Actor.make(
    LedgerProtocol,
    Effect.gen(function* () {
      const ledger = yield* Ref.make<ReadonlyArray<number>>([])
      return {
        Record: ({ value }, { messageId }) =>
          Effect.zipRight(
            Ref.update(ledger, (l) => [...l, value]),
            Queue.offer(hooks.applied, [messageId, value] as const),
          ),
        Recorded: () => Ref.get(ledger),
      }
    }),
    { idempotent: true, mailboxCapacity: 10_000 },
  )

export const at = (id: string, run = "r1") => ActorAddress.make({ run, kind: "ledger", id })

const encode = Schema.encodeSync(LedgerProtocol)

/** An envelope with a `Record`, as a ref would send it. */
export const recordEnvelope = (to: ActorAddress, id: string, value: number): Envelope => ({
  id,
  to,
  payload: encode(new Record({ value })),
})
