/**
 * The transport contract: what every `Transport` must do, checked through the public `ActorSystem` API.
 * Run it from a transport's own test file:
 *
 *   transportContract({ name: "NATS", network: natsNetworkLayer, node: NatsTransport.make(...) })
 *
 * Every test gets a fresh `network` and builds two nodes on it (as if two processes): actors are hosted on
 * one and addressed from the other, so nothing passes unless it really crossed the transport. A transport with
 * a size limit declares it (`maxMessageBytes`) and one with a durable path describes it (`durable`); their
 * cases run only then.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  Deferred,
  Effect,
  Either,
  Exit,
  Fiber,
  type Layer,
  Option,
  Queue,
  Ref,
  Schedule,
  Schema,
  Scope,
  Stream,
  TestClock,
} from "effect"
import {
  Actor,
  ActorAddress,
  type ActorRef,
  ActorSystem,
  type ActorSystemOptions,
  type ActorSystemService,
  type Envelope,
  Transport,
  type TransportService,
} from "../src/index.js"
import {
  Append,
  Block,
  Crash,
  Hang,
  History,
  Incarnation,
  makeHooks,
  ProbeProtocol,
  type ProbeRequest,
  probeActor,
  SkewedAppend,
  SkewedProtocol,
  Withdraw,
} from "./ProbeActor.js"

/** A dead letter as the contract checks it. */
export interface ContractDeadLetter {
  /** The envelope id, when the message was an envelope. */
  readonly messageId: string | undefined
  readonly reason: string
}

/** A transport's durable path (at-least-once delivery that survives crashes), for its contract cases. */
export interface DurableHarness<N> {
  /** Stores `envelope` for delivery; resolves once stored. */
  readonly tell: (node: N, envelope: Envelope) => Effect.Effect<unknown, unknown>
  /** Dead letters of `run` from now on, while the scope is open. */
  readonly deadLetters: (
    node: N,
    run: string,
  ) => Effect.Effect<Stream.Stream<ContractDeadLetter, unknown>, unknown, Scope.Scope>
  /** Deliveries before a message that keeps failing becomes a dead letter, as the nodes are configured. */
  readonly maxDeliveries: number
  /** How long a delivery may stay unsettled before it is redelivered, as the nodes are configured. */
  readonly ackWaitMs: number
}

export interface TransportHarness<R, E, N extends TransportService = TransportService> {
  readonly name: string
  /** A fresh network, built for each test (e.g. a run id on a shared server). */
  readonly network: Layer.Layer<R, E>
  /** One node on that network, as one process would have; every node reaches every other. */
  readonly node: Effect.Effect<N, E, R | Scope.Scope>
  /** The largest encoded message the transport carries, if it has a limit. */
  readonly maxMessageBytes?: number
  /** The durable path, if the transport has one. */
  readonly durable?: DurableHarness<N>
}

const address = (id: string) => ActorAddress.make({ run: "r1", kind: "probe", id })

// --- An actor for the size cases ---------------------------------------------------------------------------

class Echo extends Schema.TaggedRequest<Echo>()("Echo", {
  failure: Schema.Never,
  success: Schema.String,
  payload: { text: Schema.String },
}) {}

/** Replies with `size` characters. */
class Grow extends Schema.TaggedRequest<Grow>()("Grow", {
  failure: Schema.Never,
  success: Schema.String,
  payload: { size: Schema.Number },
}) {}

const SizedProtocol = Schema.Union(Echo, Grow)

const sizedActor = Actor.make(
  SizedProtocol,
  Effect.succeed({
    Echo: ({ text }) => Effect.succeed(text),
    Grow: ({ size }) => Effect.succeed("y".repeat(size)),
  }),
)

// --- An actor for the durable cases -------------------------------------------------------------------------

/** Applies `value` to the ledger. */
class Record extends Schema.TaggedRequest<Record>()("Record", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.Number },
}) {}

/** What the ledger applied, in order. */
class Recorded extends Schema.TaggedRequest<Recorded>()("Recorded", {
  failure: Schema.Never,
  success: Schema.Array(Schema.Number),
  payload: {},
}) {}

/** Signals `started`, waits for `gate`, then applies `value`. */
class Slow extends Schema.TaggedRequest<Slow>()("Slow", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.Number },
}) {}

/** Dies on the first delivery of its id (as if the process crashed after applying), applies on the next. */
class Flaky extends Schema.TaggedRequest<Flaky>()("Flaky", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { value: Schema.Number },
}) {}

/** Dies on every delivery. */
class Poison extends Schema.TaggedRequest<Poison>()("Poison", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

const LedgerProtocol = Schema.Union(Record, Recorded, Slow, Flaky, Poison)
type LedgerRequest = typeof LedgerProtocol.Type

interface LedgerHooks {
  /** Every value applied, as it is applied. */
  readonly applied: Queue.Queue<number>
  /** The message id of every handler call, across restarts. */
  readonly calls: Ref.Ref<ReadonlyArray<string>>
  readonly started: Deferred.Deferred<void>
  readonly gate: Deferred.Deferred<void>
}

const makeLedgerHooks: Effect.Effect<LedgerHooks> = Effect.all({
  applied: Queue.unbounded<number>(),
  calls: Ref.make<ReadonlyArray<string>>([]),
  started: Deferred.make<void>(),
  gate: Deferred.make<void>(),
})

/** Idempotent; restarts at once and often, so that a poison message cannot stop it. */
const ledgerActor = (hooks: LedgerHooks) =>
  Actor.make(
    LedgerProtocol,
    Effect.gen(function* () {
      const ledger = yield* Ref.make<ReadonlyArray<number>>([])
      const apply = (value: number) =>
        Effect.zipRight(
          Ref.update(ledger, (l) => [...l, value]),
          Queue.offer(hooks.applied, value),
        )
      const call = (id: string) => Ref.updateAndGet(hooks.calls, (calls) => [...calls, id])
      return {
        Record: ({ value }) => apply(value),
        Recorded: () => Ref.get(ledger),
        Slow: ({ value }, { messageId }) =>
          call(messageId).pipe(
            Effect.zipRight(Deferred.succeed(hooks.started, undefined)),
            Effect.zipRight(Deferred.await(hooks.gate)),
            Effect.zipRight(apply(value)),
          ),
        Flaky: ({ value }, { messageId }) =>
          Effect.flatMap(call(messageId), (calls) =>
            calls.filter((id) => id === messageId).length === 1
              ? Effect.die(new Error("crashed after applying"))
              : apply(value),
          ),
        Poison: (_, { messageId }) => Effect.zipRight(call(messageId), Effect.die(new Error("poison"))),
      }
    }),
    {
      idempotent: true,
      supervision: { backoff: Schedule.spaced("10 millis"), maxRestarts: 100 },
    },
  )

const encodeLedger = Schema.encodeSync(LedgerProtocol)
const ledgerEnvelope = (id: string, message: LedgerRequest): Envelope => ({
  id,
  to: address("ledger"),
  payload: encodeLedger(message),
})

export const transportContract = <R, E, N extends TransportService>(
  harness: TransportHarness<R, E, N>,
): void => {
  const hostedSystem = (
    options?: ActorSystemOptions,
  ): Effect.Effect<{ readonly node: N; readonly system: ActorSystemService }, E, R | Scope.Scope> =>
    Effect.flatMap(harness.node, (node) =>
      ActorSystem.make(options).pipe(
        Effect.provideService(Transport, node),
        Effect.map((system) => ({ node, system })),
      ),
    )
  const system = (options?: ActorSystemOptions): Effect.Effect<ActorSystemService, E, R | Scope.Scope> =>
    Effect.map(hostedSystem(options), ({ system }) => system)
  /** A host and a client system on one network. */
  const twoNodes = Effect.all({ host: system(), client: system() })
  /** Two nodes, a probe actor at `a` on the host, and a ref to it from the client. */
  const probeOnTwoNodes = Effect.gen(function* () {
    const { host, client } = yield* twoNodes
    const hooks = yield* makeHooks
    yield* host.spawn(address("a"), probeActor(hooks))
    return { host, client, hooks, ref: client.refFor(address("a"), ProbeProtocol) }
  })

  describe(`Transport contract: ${harness.name}`, () => {
    it.scoped("ask returns the handler's reply across nodes", () =>
      Effect.gen(function* () {
        const { ref } = yield* probeOnTwoNodes
        yield* ref.ask(new Append({ value: 3 }))
        yield* ref.ask(new Append({ value: 4 }))
        expect(yield* ref.ask(new History())).toEqual([3, 4])
        expect(yield* ref.ask(new Withdraw({ amount: 5 }))).toBe(2)
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("a typed handler failure is returned to the asker and does not restart the actor", () =>
      Effect.gen(function* () {
        const { ref } = yield* probeOnTwoNodes
        yield* ref.tell(new Append({ value: 1 }))
        const error = yield* Effect.flip(ref.ask(new Withdraw({ amount: 10 })))
        expect(error._tag).toBe("Insufficient")
        expect(error).toMatchObject({ balance: 1 })
        expect(yield* ref.ask(new Incarnation())).toBe(0)
        expect(yield* ref.ask(new History())).toEqual([1])
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("messages from one sender are processed in the order sent, per sender", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const other = yield* system()
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const fromClient = client.refFor(address("a"), ProbeProtocol)
        const fromOther = other.refFor(address("a"), ProbeProtocol)
        const values = (base: number) => Array.from({ length: 50 }, (_, i) => base + i)
        // First while the actor is blocked, so the messages really queue up in its mailbox...
        const blocked = yield* Effect.fork(fromClient.ask(new Block()))
        yield* Deferred.await(hooks.started)
        const tellAll = (ref: ActorRef<ProbeRequest>, base: number) =>
          Effect.forEach(values(base), (value) => ref.tell(new Append({ value })))
        yield* Effect.all([tellAll(fromClient, 0), tellAll(fromOther, 1000)], { concurrency: 2 })
        yield* Deferred.succeed(hooks.gate, undefined)
        yield* Fiber.join(blocked)
        // ...then while it keeps up, mixing tells and asks.
        const mixAll = (ref: ActorRef<ProbeRequest>, base: number) =>
          Effect.forEach(values(base), (value) =>
            value % 2 === 0 ? ref.tell(new Append({ value })) : ref.ask(new Append({ value })),
          )
        yield* Effect.all([mixAll(fromClient, 100), mixAll(fromOther, 1100)], { concurrency: 2 })
        const history = yield* fromClient.ask(new History())
        expect(history).toHaveLength(200)
        expect(history.filter((v) => v < 1000)).toEqual([...values(0), ...values(100)])
        expect(history.filter((v) => v >= 1000)).toEqual([...values(1000), ...values(1100)])
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("an ask without a reply fails with AskTimeout", () =>
      Effect.gen(function* () {
        const { ref } = yield* probeOnTwoNodes
        const pending = yield* Effect.fork(ref.ask(new Hang(), { timeout: "2 seconds", id: "hang-1" }))
        yield* TestClock.adjust("2 seconds")
        const error = yield* Effect.flip(Fiber.join(pending))
        expect(error._tag).toBe("AskTimeout")
        expect(error).toMatchObject({ address: address("a"), messageId: "hang-1", timeoutMillis: 2000 })
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("a message to an address nobody hosts fails with UnknownRecipient", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("nobody"), ProbeProtocol)
        const told = yield* Effect.flip(ref.tell(new Append({ value: 1 })))
        const asked = yield* Effect.flip(ref.ask(new History()))
        expect(told._tag).toBe("UnknownRecipient")
        expect(asked._tag).toBe("UnknownRecipient")
        expect(asked).toMatchObject({ address: address("nobody") })
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("a full mailbox fails the sender at once with MailboxFull", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks, { mailboxCapacity: 2 }))
        const ref = client.refFor(address("a"), ProbeProtocol)
        const blocked = yield* Effect.fork(ref.ask(new Block()))
        yield* Deferred.await(hooks.started)
        yield* ref.tell(new Append({ value: 1 }))
        yield* ref.tell(new Append({ value: 2 }))
        const told = yield* Effect.flip(ref.tell(new Append({ value: 3 })))
        const asked = yield* Effect.flip(ref.ask(new History()))
        expect(told._tag).toBe("MailboxFull")
        expect(told).toMatchObject({ capacity: 2 })
        expect(asked._tag).toBe("MailboxFull")
        yield* Deferred.succeed(hooks.gate, undefined)
        yield* Fiber.join(blocked)
        expect(yield* ref.ask(new History())).toEqual([1, 2])
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped(
      "a payload that fails the recipient's Schema is MalformedMessage and the actor keeps working",
      () =>
        Effect.gen(function* () {
          const { host, client } = yield* twoNodes
          const hooks = yield* makeHooks
          yield* host.spawn(address("a"), probeActor(hooks))
          const skewed = client.refFor(address("a"), SkewedProtocol)
          const told = yield* Effect.flip(skewed.tell(new SkewedAppend({ value: "seven" })))
          const asked = yield* Effect.flip(
            skewed.ask(new SkewedAppend({ value: "seven" }), { id: "skewed-1" }),
          )
          expect(told._tag).toBe("MalformedMessage")
          expect(asked._tag).toBe("MalformedMessage")
          expect(asked).toMatchObject({ messageId: "skewed-1" })
          const ref = client.refFor(address("a"), ProbeProtocol)
          yield* ref.tell(new Append({ value: 7 }))
          expect(yield* ref.ask(new History())).toEqual([7])
          expect(yield* ref.ask(new Incarnation())).toBe(0)
        }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("a defect fails its asker with ActorCrashed; the restarted actor serves later messages", () =>
      Effect.gen(function* () {
        const { ref } = yield* probeOnTwoNodes
        yield* ref.tell(new Append({ value: 1 }))
        const crashed = yield* Effect.flip(ref.ask(new Crash(), { id: "crash-1" }))
        expect(crashed._tag).toBe("ActorCrashed")
        expect(crashed).toMatchObject({ messageId: "crash-1" })
        const next = yield* Effect.fork(ref.ask(new History()))
        yield* TestClock.adjust("10 seconds")
        expect(yield* Fiber.join(next)).toEqual([])
        expect(yield* ref.ask(new Incarnation())).toBe(1)
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("closing the host answers the in-flight ask with ActorStopped and leaves no ask hanging", () =>
      Effect.gen(function* () {
        const client = yield* system()
        const hostScope = yield* Scope.make()
        const host = yield* system().pipe(Scope.extend(hostScope))
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("a"), ProbeProtocol)
        const inFlight = yield* Effect.fork(ref.ask(new Block()))
        yield* Deferred.await(hooks.started)
        const queued = yield* Effect.forEach([1, 2, 3], () => Effect.fork(ref.ask(new History())))
        yield* Scope.close(hostScope, Exit.void)
        const first = yield* Effect.flip(Fiber.join(inFlight))
        expect(first._tag).toBe("ActorStopped")
        for (const fiber of queued) {
          const outcome = yield* Effect.either(Fiber.join(fiber))
          // Depending on the transport's latency a queued ask reached the mailbox (and was rejected with
          // it) or arrived after the actor was gone; it is never left without an answer.
          expect(Either.isLeft(outcome) && outcome.left._tag).toMatch(/^(ActorStopped|UnknownRecipient)$/)
        }
        const after = yield* Effect.flip(ref.tell(new Append({ value: 1 })))
        expect(after._tag).toBe("UnknownRecipient")
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("an idempotent actor applies a redelivered message id once", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("once"), probeActor(hooks, { idempotent: true }))
        yield* host.spawn(address("plain"), probeActor(hooks))
        for (const id of ["once", "plain"]) {
          const ref = client.refFor(address(id), ProbeProtocol)
          yield* ref.tell(new Append({ value: 1 }), { id: "m1" })
          yield* ref.tell(new Append({ value: 1 }), { id: "m1" })
          yield* ref.tell(new Append({ value: 2 }), { id: "m2" })
          const first = yield* ref.ask(new Withdraw({ amount: 1 }), { id: "w1" })
          const again = yield* ref.ask(new Withdraw({ amount: 1 }), { id: "w1" })
          if (id === "once") {
            expect(yield* ref.ask(new History())).toEqual([1, 2, -1])
            expect(again).toBe(first)
          } else {
            expect(yield* ref.ask(new History())).toEqual([1, 1, 2, -1, -1])
          }
        }
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    it.scoped("actors hosted on two nodes are each reachable from a third", () =>
      Effect.gen(function* () {
        const first = yield* system()
        const second = yield* system()
        const client = yield* system()
        const hooks = yield* makeHooks
        yield* first.spawn(address("a"), probeActor(hooks))
        yield* second.spawn(address("b"), probeActor(hooks))
        const a = client.refFor(address("a"), ProbeProtocol)
        const b = client.refFor(address("b"), ProbeProtocol)
        for (let i = 0; i < 20; i++) {
          yield* a.tell(new Append({ value: i }))
          yield* b.ask(new Append({ value: 100 + i }))
        }
        expect(yield* a.ask(new History())).toEqual(Array.from({ length: 20 }, (_, i) => i))
        expect(yield* b.ask(new History())).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i))
      }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    const limit = harness.maxMessageBytes
    it.scoped.skipIf(limit === undefined)(
      "a message or reply over the size limit fails at once with a TransportError that says so",
      () =>
        Effect.gen(function* () {
          const max = limit!
          const { host, client } = yield* twoNodes
          yield* host.spawn(address("sized"), sizedActor)
          const ref = client.refFor(address("sized"), SizedProtocol)
          const big = new Echo({ text: "x".repeat(max + 1) })
          const told = yield* Effect.flip(ref.tell(big, { id: "big-1" }))
          const asked = yield* Effect.flip(ref.ask(big, { id: "big-2" }))
          const replied = yield* Effect.flip(ref.ask(new Grow({ size: max + 1 }), { id: "big-3" }))
          for (const error of [told, asked, replied]) {
            expect(error._tag).toBe("TransportError")
            expect(error.message).toMatch(/\d+ bytes/)
          }
          expect(told.message).toContain("big-1")
          expect(yield* ref.ask(new Echo({ text: "small" }))).toBe("small")
        }).pipe(Effect.scoped, Effect.provide(harness.network)),
    )

    const durable = harness.durable
    const durableCase = (
      name: string,
      body: (d: DurableHarness<N>) => Effect.Effect<void, unknown, R | Scope.Scope>,
    ) =>
      it.scopedLive.skipIf(durable === undefined)(name, () =>
        body(durable!).pipe(Effect.scoped, Effect.provide(harness.network)),
      )
    /** The ledger on a host node, and a client node to send from. */
    const ledgerSetup = Effect.gen(function* () {
      const host = yield* hostedSystem()
      const client = yield* hostedSystem()
      const hooks = yield* makeLedgerHooks
      yield* host.system.spawn(address("ledger"), ledgerActor(hooks))
      const ref = client.system.refFor(address("ledger"), LedgerProtocol)
      return { client: client.node, hooks, ref }
    })
    const firstDeadLetter = (letters: Stream.Stream<ContractDeadLetter, unknown>) =>
      Effect.flatMap(
        Stream.runHead(letters),
        Option.match({
          onNone: () => Effect.dieMessage("the dead letters ended"),
          onSome: Effect.succeed,
        }),
      )

    durableCase("a durable tell crosses nodes and is applied once per id, even when sent twice", (d) =>
      Effect.gen(function* () {
        const { client, hooks, ref } = yield* ledgerSetup
        yield* d.tell(client, ledgerEnvelope("d1", new Record({ value: 1 })))
        yield* d.tell(client, ledgerEnvelope("d1", new Record({ value: 1 })))
        yield* d.tell(client, ledgerEnvelope("d2", new Record({ value: 2 })))
        expect([yield* Queue.take(hooks.applied), yield* Queue.take(hooks.applied)]).toEqual([1, 2])
        expect(yield* ref.ask(new Recorded())).toEqual([1, 2])
      }),
    )

    durableCase("a durable message the recipient cannot decode becomes a dead letter with the reason", (d) =>
      Effect.gen(function* () {
        const { client, hooks, ref } = yield* ledgerSetup
        const letters = yield* d.deadLetters(client, "r1")
        const skewed = { id: "bad-1", to: address("ledger"), payload: { _tag: "Record", value: "seven" } }
        yield* d.tell(client, skewed)
        yield* d.tell(client, ledgerEnvelope("good-1", new Record({ value: 3 })))
        const letter = yield* firstDeadLetter(letters)
        expect(letter.messageId).toBe("bad-1")
        expect(letter.reason).toMatch(/malformed/i)
        expect(yield* Queue.take(hooks.applied)).toBe(3)
        expect(yield* ref.ask(new Recorded())).toEqual([3])
      }),
    )

    durableCase(
      "a durable message whose handler crashed is redelivered with the same id and applied once",
      (d) =>
        Effect.gen(function* () {
          const { client, hooks, ref } = yield* ledgerSetup
          yield* d.tell(client, ledgerEnvelope("flaky-1", new Flaky({ value: 5 })))
          expect(yield* Queue.take(hooks.applied)).toBe(5)
          expect(yield* Ref.get(hooks.calls)).toEqual(["flaky-1", "flaky-1"])
          expect(yield* ref.ask(new Recorded())).toEqual([5])
        }),
    )

    durableCase(
      "a durable message that keeps crashing its handler becomes a dead letter after the last delivery",
      (d) =>
        Effect.gen(function* () {
          const { client, hooks, ref } = yield* ledgerSetup
          const letters = yield* d.deadLetters(client, "r1")
          yield* d.tell(client, ledgerEnvelope("poison-1", new Poison()))
          const letter = yield* firstDeadLetter(letters)
          expect(letter.messageId).toBe("poison-1")
          expect(letter.reason).toMatch(/crashed/)
          expect(yield* Ref.get(hooks.calls)).toEqual(
            Array.from({ length: d.maxDeliveries }, () => "poison-1"),
          )
          yield* d.tell(client, ledgerEnvelope("after-poison", new Record({ value: 7 })))
          expect(yield* Queue.take(hooks.applied)).toBe(7)
          expect(yield* ref.ask(new Recorded())).toEqual([7])
        }),
    )

    durableCase(
      "a durable message waiting longer than the ack wait behind a busy handler is delivered once",
      (d) =>
        Effect.gen(function* () {
          const { client, hooks, ref } = yield* ledgerSetup
          const letters = yield* d.deadLetters(client, "r1")
          yield* d.tell(client, ledgerEnvelope("slow-1", new Slow({ value: 9 })))
          yield* Deferred.await(hooks.started)
          yield* d.tell(client, ledgerEnvelope("queued-1", new Record({ value: 10 })))
          // Unless the transport tells the server they are still being worked on, both messages are delivered
          // again after every ack wait, and end as dead letters after the last delivery.
          yield* Effect.sleep((d.maxDeliveries + 1) * d.ackWaitMs)
          yield* Deferred.succeed(hooks.gate, undefined)
          expect([yield* Queue.take(hooks.applied), yield* Queue.take(hooks.applied)]).toEqual([9, 10])
          expect(yield* ref.ask(new Recorded())).toEqual([9, 10])
          // Had either been given up, its dead letter would come before this one.
          yield* d.tell(client, ledgerEnvelope("poison-2", new Poison()))
          expect((yield* firstDeadLetter(letters)).messageId).toBe("poison-2")
          expect((yield* Ref.get(hooks.calls)).filter((id) => id === "slow-1")).toEqual(["slow-1"])
        }),
    )
  })
}
