/**
 * The transport contract: what every `Transport` must do, checked through the public `ActorSystem` API.
 * Run it from a transport's own test file:
 *
 *   transportContract({ name: "NATS", network: natsNetworkLayer, node: NatsTransport.make(...) })
 *
 * Every test gets a fresh `network` and builds two nodes on it (as if two processes): actors are hosted on
 * one and addressed from the other, so nothing passes unless it really crossed the transport.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, Exit, Fiber, type Layer, Scope, TestClock } from "effect"
import {
  ActorAddress,
  type ActorRef,
  ActorSystem,
  type ActorSystemOptions,
  type ActorSystemService,
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

export interface TransportHarness<R, E> {
  readonly name: string
  /** A fresh network, built for each test (e.g. a run id on a shared server). */
  readonly network: Layer.Layer<R, E>
  /** One node on that network, as one process would have; every node reaches every other. */
  readonly node: Effect.Effect<TransportService, E, R | Scope.Scope>
}

const address = (id: string) => ActorAddress.make({ run: "r1", kind: "probe", id })

export const transportContract = <R, E>(harness: TransportHarness<R, E>): void => {
  const system = (options?: ActorSystemOptions): Effect.Effect<ActorSystemService, E, R | Scope.Scope> =>
    Effect.flatMap(harness.node, (transport) =>
      ActorSystem.make(options).pipe(Effect.provideService(Transport, transport)),
    )
  /** A host and a client system on one network. */
  const twoNodes = Effect.all({ host: system(), client: system() })

  describe(`Transport contract: ${harness.name}`, () => {
    it.scoped("ask returns the handler's reply across nodes", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("a"), ProbeProtocol)
        yield* ref.ask(new Append({ value: 3 }))
        yield* ref.ask(new Append({ value: 4 }))
        expect(yield* ref.ask(new History())).toEqual([3, 4])
        expect(yield* ref.ask(new Withdraw({ amount: 5 }))).toBe(2)
      }).pipe(Effect.provide(harness.network)),
    )

    it.scoped("a typed handler failure is returned to the asker and does not restart the actor", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("a"), ProbeProtocol)
        yield* ref.tell(new Append({ value: 1 }))
        const error = yield* Effect.flip(ref.ask(new Withdraw({ amount: 10 })))
        expect(error._tag).toBe("Insufficient")
        expect(error).toMatchObject({ balance: 1 })
        expect(yield* ref.ask(new Incarnation())).toBe(0)
        expect(yield* ref.ask(new History())).toEqual([1])
      }).pipe(Effect.provide(harness.network)),
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
      }).pipe(Effect.provide(harness.network)),
    )

    it.scoped("an ask without a reply fails with AskTimeout", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("a"), ProbeProtocol)
        const pending = yield* Effect.fork(ref.ask(new Hang(), { timeout: "2 seconds", id: "hang-1" }))
        yield* TestClock.adjust("2 seconds")
        const error = yield* Effect.flip(Fiber.join(pending))
        expect(error._tag).toBe("AskTimeout")
        expect(error).toMatchObject({ address: address("a"), messageId: "hang-1", timeoutMillis: 2000 })
      }).pipe(Effect.provide(harness.network)),
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
      }).pipe(Effect.provide(harness.network)),
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
      }).pipe(Effect.provide(harness.network)),
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
        }).pipe(Effect.provide(harness.network)),
    )

    it.scoped("a defect fails its asker with ActorCrashed; the restarted actor serves later messages", () =>
      Effect.gen(function* () {
        const { host, client } = yield* twoNodes
        const hooks = yield* makeHooks
        yield* host.spawn(address("a"), probeActor(hooks))
        const ref = client.refFor(address("a"), ProbeProtocol)
        yield* ref.tell(new Append({ value: 1 }))
        const crashed = yield* Effect.flip(ref.ask(new Crash(), { id: "crash-1" }))
        expect(crashed._tag).toBe("ActorCrashed")
        expect(crashed).toMatchObject({ messageId: "crash-1" })
        const next = yield* Effect.fork(ref.ask(new History()))
        yield* TestClock.adjust("10 seconds")
        expect(yield* Fiber.join(next)).toEqual([])
        expect(yield* ref.ask(new Incarnation())).toBe(1)
      }).pipe(Effect.provide(harness.network)),
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
      }).pipe(Effect.provide(harness.network)),
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
      }).pipe(Effect.provide(harness.network)),
    )
  })
}
