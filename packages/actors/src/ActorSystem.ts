import { randomUUID } from "node:crypto"
import {
  Context,
  Deferred,
  Duration,
  Effect,
  Layer,
  PubSub,
  type Queue,
  Runtime,
  type Schema,
  type Scope,
} from "effect"
import type { Behaviour, Message } from "./Actor.js"
import { type ActorAddress, formatAddress } from "./ActorAddress.js"
import { type ActorFailed, AddressInUse, type TransportError } from "./ActorError.js"
import type { ActorEvent } from "./ActorEvent.js"
import type { ActorRef } from "./ActorRef.js"
import { Deadlines } from "./internal/Deadlines.js"
import { type Host, type LocalActor, startLocalActor } from "./internal/LocalActor.js"
import { makeRef, type RefContext } from "./internal/RemoteRef.js"
import { Transport } from "./Transport.js"

export interface ActorSystemOptions {
  /** Default ask timeout. Default 30 seconds. */
  readonly askTimeout?: Duration.DurationInput
  /** Lifecycle events buffered per subscriber; a subscriber that falls further behind loses the oldest. */
  readonly eventBuffer?: number
}

export interface ActorSystemService {
  /**
   * Starts an actor at `address` on this system and makes it reachable through the transport. It lives
   * until `stop(address)`, until supervision gives up, or until the system's scope closes. Its handlers run
   * with the services in context here (`R`) and the system's fiber refs (clock, logger, log level).
   */
  readonly spawn: <Req extends Message, R>(
    address: ActorAddress,
    behaviour: Behaviour<Req, R>,
  ) => Effect.Effect<ActorRef<Req>, AddressInUse | TransportError, R>
  /** A ref to an actor that may live on this system or elsewhere; nothing is checked until a message is sent. */
  readonly refFor: <Req extends Message, I>(
    address: ActorAddress,
    protocol: Schema.Schema<Req, I>,
  ) => ActorRef<Req>
  /** Stops a local actor (its pending asks fail with `ActorStopped`); does nothing if it is not here. */
  readonly stop: (address: ActorAddress) => Effect.Effect<void>
  /** Subscribes to lifecycle events from now on, for as long as the scope is open. */
  readonly events: Effect.Effect<Queue.Dequeue<ActorEvent>, never, Scope.Scope>
  /** Fails with the first `ActorFailed`: an actor that crashed more often than its supervision allows. */
  readonly awaitFailure: Effect.Effect<never, ActorFailed>
}

const make = (
  options: ActorSystemOptions = {},
): Effect.Effect<ActorSystemService, never, Transport | Scope.Scope> =>
  Effect.gen(function* () {
    const transport = yield* Transport
    const systemRuntime = yield* Effect.runtime<never>()
    const events = yield* Effect.acquireRelease(
      PubSub.sliding<ActorEvent>(options.eventBuffer ?? 1024),
      PubSub.shutdown,
    )
    const failure = yield* Deferred.make<never, ActorFailed>()
    const actors = new Map<string, LocalActor | "starting">()
    // Ids are unique across systems (processes) without coordination: a random prefix and a counter.
    const prefix = randomUUID().slice(0, 8)
    let counter = 0
    const refs: RefContext = {
      transport,
      deadlines: new Deadlines(yield* Effect.clock, systemRuntime),
      nextId: () => `${prefix}-${(counter++).toString(36)}`,
      askTimeout: Duration.decode(options.askTimeout ?? Duration.seconds(30)),
    }
    // Finalizers run in reverse: first the actors stop (while the PubSub still takes their Stopped events),
    // then asks still waiting fail instead of hanging and no timer outlives the system.
    yield* Effect.addFinalizer(() => refs.deadlines.close)
    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        actors.values(),
        (actor) => (actor === "starting" ? Effect.void : actor.stop("shutdown")),
        {
          discard: true,
        },
      ),
    )

    const host: Host = {
      transport,
      publish: (event) =>
        Effect.asVoid(Effect.unlessEffect(PubSub.publish(events, event), PubSub.isShutdown(events))),
      onFailure: (error) => Deferred.fail(failure, error),
      onStopped: (address) => actors.delete(formatAddress(address)),
    }

    const spawn = <Req extends Message, R>(address: ActorAddress, behaviour: Behaviour<Req, R>) =>
      Effect.gen(function* () {
        const key = formatAddress(address)
        if (actors.has(key)) return yield* new AddressInUse({ address })
        actors.set(key, "starting")
        // The system's fiber refs, shared by all its actors, with this spawn's services.
        const runtime = Runtime.make({
          context: yield* Effect.context<R>(),
          fiberRefs: systemRuntime.fiberRefs,
          runtimeFlags: systemRuntime.runtimeFlags,
        })
        const actor = yield* startLocalActor(address, behaviour, runtime, host).pipe(
          Effect.tapError(() => Effect.sync(() => actors.delete(key))),
        )
        actors.set(key, actor)
        return makeRef(refs, address, behaviour.protocol)
      })

    return {
      spawn,
      refFor: <Req extends Message, I>(address: ActorAddress, protocol: Schema.Schema<Req, I>) =>
        makeRef(refs, address, protocol as unknown as Schema.Schema<Req, unknown>),
      stop: (address) =>
        Effect.suspend(() => {
          const actor = actors.get(formatAddress(address))
          return actor === undefined || actor === "starting" ? Effect.void : actor.stop("stopped")
        }),
      events: PubSub.subscribe(events),
      awaitFailure: Deferred.await(failure),
    }
  })

/**
 * Hosts actors and gives typed refs to actors anywhere, over the `Transport` in context. Closing the scope it
 * was built in stops every actor it hosts, answering every pending ask with `ActorStopped`.
 */
export class ActorSystem extends Context.Tag("@lyceum/actors/ActorSystem")<
  ActorSystem,
  ActorSystemService
>() {
  static readonly make = make
  static readonly layer = (options?: ActorSystemOptions): Layer.Layer<ActorSystem, never, Transport> =>
    Layer.scoped(ActorSystem, make(options))
}
