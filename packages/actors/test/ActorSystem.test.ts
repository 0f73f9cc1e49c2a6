import { describe, expect, it } from "@effect/vitest"
import {
  Context,
  Deferred,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Queue,
  Schedule,
  Schema,
  Scope,
  TestClock,
} from "effect"
import { Actor, ActorAddress, type ActorEvent, ActorSystem, LocalTransport, Transport } from "../src/index.js"
import {
  Append,
  Block,
  Crash,
  Hang,
  History,
  Incarnation,
  makeHooks,
  ProbeProtocol,
  probeActor,
  Withdraw,
} from "./ProbeActor.js"

const address = (id: string) => ActorAddress.make({ run: "r1", kind: "probe", id })
const SystemLive = ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer()))

/** The next event for `id`, skipping events of other actors. */
const nextEventOf = (events: Queue.Dequeue<ActorEvent>, id: string): Effect.Effect<ActorEvent> =>
  Effect.flatMap(Queue.take(events), (event) =>
    event.address.id === id ? Effect.succeed(event) : nextEventOf(events, id),
  )

describe("ActorSystem", () => {
  it.scoped("spawn refuses an address that is already taken", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      yield* system.spawn(address("a"), probeActor(hooks))
      const error = yield* Effect.flip(system.spawn(address("a"), probeActor(hooks)))
      expect(error._tag).toBe("AddressInUse")
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("publishes Started, Restarted and Stopped", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const events = yield* system.events
      const hooks = yield* makeHooks
      const ref = yield* system.spawn(address("a"), probeActor(hooks))
      expect(yield* nextEventOf(events, "a")).toMatchObject({ _tag: "Started", address: address("a") })
      yield* Effect.flip(ref.ask(new Crash()))
      yield* TestClock.adjust("1 second")
      expect(yield* nextEventOf(events, "a")).toMatchObject({ _tag: "Restarted", restarts: 1 })
      yield* system.stop(address("a"))
      expect(yield* nextEventOf(events, "a")).toMatchObject({ _tag: "Stopped", reason: "stopped" })
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("a defect restarts the actor with fresh state, after the backoff", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      const backoff = Schedule.spaced("1 minute")
      const ref = yield* system.spawn(address("a"), probeActor(hooks, { supervision: { backoff } }))
      yield* ref.tell(new Append({ value: 1 }))
      yield* ref.tell(new Append({ value: 2 }))
      expect(yield* ref.ask(new History())).toEqual([1, 2])
      const crash = yield* Effect.flip(ref.ask(new Crash()))
      expect(crash._tag).toBe("ActorCrashed")
      // Accepted while the actor waits out its backoff; served by the next incarnation.
      yield* ref.tell(new Append({ value: 3 }))
      const history = yield* Effect.fork(ref.ask(new History(), { timeout: "1 hour" }))
      yield* TestClock.adjust("59 seconds")
      expect(Option.isNone(yield* Fiber.poll(history))).toBe(true)
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(history)).toEqual([3])
      expect(yield* ref.ask(new Incarnation())).toBe(1)
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("a build step that dies is restarted like a handler defect", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const builds = yield* Deferred.make<void>()
      let attempts = 0
      const flaky = Actor.make(
        ProbeProtocol,
        Effect.gen(function* () {
          attempts++
          if (attempts === 1) return yield* Effect.die(new Error("cannot build"))
          yield* Deferred.succeed(builds, undefined)
          return yield* probeActor(yield* makeHooks).build
        }),
      )
      const ref = yield* system.spawn(address("flaky"), flaky)
      const history = yield* Effect.fork(ref.ask(new History()))
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(history)).toEqual([])
      expect(attempts).toBe(2)
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("too many restarts within the window stop the actor and escalate", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const events = yield* system.events
      const hooks = yield* makeHooks
      const supervision = {
        backoff: Schedule.spaced("1 second"),
        maxRestarts: 2,
        window: "1 minute",
      } as const
      const ref = yield* system.spawn(address("a"), probeActor(hooks, { supervision }))
      const failure = yield* Effect.fork(system.awaitFailure)
      yield* nextEventOf(events, "a") // Started
      for (const restarts of [1, 2]) {
        expect((yield* Effect.flip(ref.ask(new Crash())))._tag).toBe("ActorCrashed")
        yield* TestClock.adjust("1 second")
        expect(yield* nextEventOf(events, "a")).toMatchObject({ _tag: "Restarted", restarts })
      }
      expect((yield* Effect.flip(ref.ask(new Crash())))._tag).toBe("ActorCrashed")
      const escalated = yield* Effect.flip(Fiber.join(failure))
      expect(escalated).toMatchObject({ _tag: "ActorFailed", address: address("a"), restarts: 2 })
      expect(yield* nextEventOf(events, "a")).toMatchObject({ _tag: "Stopped", reason: "failed" })
      expect((yield* Effect.flip(ref.ask(new History())))._tag).toBe("UnknownRecipient")
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("restarts spread wider than the window do not add up", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      const supervision = {
        backoff: Schedule.spaced("1 second"),
        maxRestarts: 1,
        window: "1 minute",
      } as const
      const ref = yield* system.spawn(address("a"), probeActor(hooks, { supervision }))
      for (let i = 1; i <= 3; i++) {
        yield* Effect.flip(ref.ask(new Crash()))
        yield* TestClock.adjust("2 minutes")
        expect(yield* ref.ask(new Incarnation())).toBe(i)
      }
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("a typed failure does not restart the actor", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const events = yield* system.events
      const hooks = yield* makeHooks
      const ref = yield* system.spawn(address("a"), probeActor(hooks))
      yield* nextEventOf(events, "a") // Started
      expect((yield* Effect.flip(ref.ask(new Withdraw({ amount: 1 }))))._tag).toBe("Insufficient")
      yield* TestClock.adjust("1 minute")
      expect(yield* ref.ask(new Incarnation())).toBe(0)
      expect(yield* Queue.size(events)).toBe(0)
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("asks with different timeouts expire independently, each at its own deadline", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      yield* system.spawn(address("slow"), probeActor(hooks))
      yield* system.spawn(address("fast"), probeActor(hooks))
      const slow = system.refFor(address("slow"), ProbeProtocol)
      const fast = system.refFor(address("fast"), ProbeProtocol)
      const long = yield* Effect.fork(slow.ask(new Hang(), { timeout: "10 seconds" }))
      const short = yield* Effect.fork(slow.ask(new History(), { timeout: "1 second" }))
      const answered = yield* Effect.fork(fast.ask(new History(), { timeout: "1 second" }))
      yield* TestClock.adjust("1 second")
      expect((yield* Effect.flip(Fiber.join(short)))._tag).toBe("AskTimeout")
      expect(yield* Fiber.join(answered)).toEqual([])
      expect(Option.isNone(yield* Fiber.poll(long))).toBe(true)
      yield* TestClock.adjust("9 seconds")
      expect(yield* Effect.flip(Fiber.join(long))).toMatchObject({
        _tag: "AskTimeout",
        timeoutMillis: 10_000,
      })
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("an ask still waiting when its own system closes fails instead of hanging", () =>
    Effect.gen(function* () {
      const network = yield* LocalTransport.makeNetwork
      const onNode = <A, E, R>(effect: Effect.Effect<A, E, R | Transport>) =>
        Effect.provideService(effect, Transport, LocalTransport.make(network))
      const host = yield* onNode(ActorSystem.make())
      const hooks = yield* makeHooks
      yield* host.spawn(address("h"), probeActor(hooks))
      const clientScope = yield* Scope.make()
      const client = yield* onNode(ActorSystem.make()).pipe(Scope.extend(clientScope))
      const pending = yield* Effect.fork(client.refFor(address("h"), ProbeProtocol).ask(new Hang()))
      yield* Effect.yieldNow()
      yield* Scope.close(clientScope, Exit.void)
      expect((yield* Effect.flip(Fiber.join(pending)))._tag).toBe("AskTimeout")
    }),
  )

  it.scoped("an actor can stop itself from one of its handlers", () =>
    Effect.gen(function* () {
      class Quit extends Schema.TaggedRequest<Quit>()("Quit", {
        failure: Schema.Never,
        success: Schema.Void,
        payload: {},
      }) {}
      const system = yield* ActorSystem
      const events = yield* system.events
      const quitter = Actor.make(Quit, Effect.succeed({ Quit: (_, { self }) => system.stop(self) }))
      const ref = yield* system.spawn(address("q"), quitter)
      expect(yield* nextEventOf(events, "q")).toMatchObject({ _tag: "Started" })
      expect((yield* Effect.flip(ref.ask(new Quit())))._tag).toBe("ActorStopped")
      expect(yield* nextEventOf(events, "q")).toMatchObject({ _tag: "Stopped", reason: "stopped" })
      expect((yield* Effect.flip(ref.tell(new Quit())))._tag).toBe("UnknownRecipient")
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("shutdown answers the in-flight and every queued ask with ActorStopped", () =>
    Effect.gen(function* () {
      const systemScope = yield* Scope.make()
      const system = Context.get(yield* Layer.buildWithScope(SystemLive, systemScope), ActorSystem)
      const hooks = yield* makeHooks
      const ref = yield* system.spawn(address("a"), probeActor(hooks, { mailboxCapacity: 3 }))
      const inFlight = yield* Effect.fork(ref.ask(new Block()))
      yield* Deferred.await(hooks.started)
      const queued = yield* Effect.forEach([1, 2, 3], () => Effect.fork(ref.ask(new History())))
      // The mailbox is full exactly when all three asks are queued.
      yield* Effect.yieldNow().pipe(Effect.repeat({ until: () => false, times: 10 }))
      expect((yield* Effect.flip(ref.tell(new Append({ value: 1 }))))._tag).toBe("MailboxFull")
      yield* Scope.close(systemScope, Exit.void)
      expect((yield* Effect.flip(Fiber.join(inFlight)))._tag).toBe("ActorStopped")
      for (const fiber of queued) expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("ActorStopped")
    }),
  )

  it.scoped("stop rejects pending asks, and later messages find nobody", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      const ref = yield* system.spawn(address("a"), probeActor(hooks))
      const inFlight = yield* Effect.fork(ref.ask(new Block()))
      yield* Deferred.await(hooks.started)
      yield* system.stop(address("a"))
      expect((yield* Effect.flip(Fiber.join(inFlight)))._tag).toBe("ActorStopped")
      expect((yield* Effect.flip(ref.tell(new Append({ value: 1 }))))._tag).toBe("UnknownRecipient")
      // The address is free again.
      const again = yield* system.spawn(address("a"), probeActor(hooks))
      expect(yield* again.ask(new History())).toEqual([])
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("handlers can use services provided where the actor was spawned", () =>
    Effect.gen(function* () {
      class Greeting extends Context.Tag("Greeting")<Greeting, string>() {}
      class Greet extends Schema.TaggedRequest<Greet>()("Greet", {
        failure: Schema.Never,
        success: Schema.String,
        payload: { name: Schema.String },
      }) {}
      const greeter = Actor.make(
        Greet,
        Effect.succeed({ Greet: ({ name }) => Effect.map(Greeting, (g) => `${g}, ${name}`) }),
      )
      const system = yield* ActorSystem
      const ref = yield* system
        .spawn(address("greeter"), greeter)
        .pipe(Effect.provideService(Greeting, "Hello"))
      expect(yield* ref.ask(new Greet({ name: "Ada" }))).toBe("Hello, Ada")
    }).pipe(Effect.provide(SystemLive)),
  )

  it.scoped("serialize: true catches payloads whose encoded form is not plain JSON", () =>
    Effect.gen(function* () {
      class Stamp extends Schema.TaggedRequest<Stamp>()("Stamp", {
        failure: Schema.Never,
        success: Schema.Number,
        payload: { at: Schema.DateFromSelf },
      }) {}
      const stamper = Actor.make(Stamp, Effect.succeed({ Stamp: ({ at }) => Effect.succeed(at.getTime()) }))
      const message = new Stamp({ at: new Date(5) })
      const plain = Context.get(yield* Layer.build(SystemLive), ActorSystem)
      yield* plain.spawn(address("s"), stamper)
      expect(yield* plain.refFor(address("s"), Stamp).ask(message)).toBe(5)
      const wireLayer = ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer({ serialize: true })))
      const wire = Context.get(yield* Layer.build(wireLayer), ActorSystem)
      yield* wire.spawn(address("s"), stamper)
      expect((yield* Effect.flip(wire.refFor(address("s"), Stamp).ask(message)))._tag).toBe(
        "MalformedMessage",
      )
    }),
  )

  it.scoped("thousands of actors answer asks sent in parallel", () =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const hooks = yield* makeHooks
      const ids = Array.from({ length: 2000 }, (_, i) => `p${i}`)
      const refs = yield* Effect.forEach(ids, (id) => system.spawn(address(id), probeActor(hooks)))
      yield* Effect.forEach(refs, (ref, i) => ref.tell(new Append({ value: i })), {
        concurrency: "unbounded",
      })
      const histories = yield* Effect.forEach(refs, (ref) => ref.ask(new History()), {
        concurrency: "unbounded",
      })
      expect(histories).toEqual(ids.map((_, i) => [i]))
    }).pipe(Effect.provide(SystemLive)),
  )
})
