import {
  Cause,
  Clock,
  Duration,
  Effect,
  Either,
  Equal,
  Exit,
  Fiber,
  Option,
  type ParseResult,
  Runtime,
  Schedule,
  Schema,
  Scope,
} from "effect"
import type { Behaviour, Message, MessageContext } from "../Actor.js"
import { type ActorAddress, formatAddress } from "../ActorAddress.js"
import {
  ActorCrashed,
  ActorFailed,
  ActorStopped,
  type AddressInUse,
  type DeliveryError,
  MailboxFull,
  MalformedMessage,
  type TransportError,
} from "../ActorError.js"
import { ActorEvent, type StopReason } from "../ActorEvent.js"
import type { Envelope, Reply } from "../Envelope.js"
import { SeenIds } from "../SeenIds.js"
import type { Receiver, TransportService } from "../Transport.js"
import { Mailbox } from "./Mailbox.js"
import { resultSchema } from "./resultSchema.js"

/** A decoded message waiting in (or being processed from) a mailbox. */
interface Item {
  readonly id: string
  readonly request: Message
  /** Present for asks until answered; cleared when the asker gives up. */
  reply: ((reply: Reply) => void) | undefined
}

type AnyHandler = (request: Message, context: MessageContext) => Effect.Effect<unknown, unknown>

/** One life of an actor: the handlers its build step returned (their closure is the state). */
interface Incarnation {
  readonly handlers: Record<string, AnyHandler>
  readonly seen: SeenIds<Reply> | undefined
}

/** A running actor as its system sees it. */
export interface LocalActor {
  /** Stops the actor; every message it accepted but did not answer is answered with `ActorStopped`. */
  readonly stop: (reason: StopReason) => Effect.Effect<void>
}

/** What an actor needs from the system hosting it. */
export interface Host {
  readonly transport: TransportService
  /** Publishes a lifecycle event (dropped once the system has shut its event hub). */
  readonly publish: (event: ActorEvent) => Effect.Effect<void>
  /** Called once when the actor exhausts its supervision and stops. */
  readonly onFailure: (failure: ActorFailed) => Effect.Effect<void>
  /** Called once when the actor is gone, whatever the reason. */
  readonly onStopped: (address: ActorAddress) => void
}

const respond = (item: Item, reply: Reply): void => {
  const resume = item.reply
  if (resume === undefined) return
  item.reply = undefined
  resume(reply)
}

const rejected = (error: DeliveryError): Reply => ({ _tag: "Rejected", error })

// One decoder per behaviour, shared by all its actors.
const decoders = new WeakMap<object, (u: unknown) => Either.Either<Message, ParseResult.ParseError>>()
const decoderFor = (behaviour: Behaviour<Message, never>) => {
  let decode = decoders.get(behaviour)
  if (decode === undefined) {
    decode = Schema.decodeUnknownEither(behaviour.protocol)
    decoders.set(behaviour, decode)
  }
  return decode
}

/**
 * One actor. It holds no fiber while idle: an accepted message starts an activation fiber that builds the
 * handlers if needed, drains the mailbox one message at a time and ends when the mailbox is empty. So an
 * idle actor costs its mailbox, this object and its state; a busy one also a fiber. A defect ends the
 * incarnation; supervision waits out the backoff (inside the activation) and builds fresh state, or gives up
 * and stops the actor. The cell is also the actor's `Receiver`.
 */
class ActorCell<R> implements Receiver, LocalActor {
  private readonly mailbox: Mailbox<Item>
  private readonly decode: (u: unknown) => Either.Either<Message, ParseResult.ParseError>
  private incarnation: Incarnation | undefined = undefined
  /** The scope the current (or currently building) incarnation acquired its resources in. */
  private incarnationScope: Scope.CloseableScope | undefined = undefined
  /** The activation fiber; "starting" while `runFork` has not returned it yet (it may even finish first). */
  private activation: Fiber.RuntimeFiber<void> | "starting" | undefined = undefined
  private restarts = 0
  private lastCause: Cause.Cause<unknown> = Cause.empty
  private recentRestarts: Array<number> | undefined = undefined
  private backoff: Schedule.ScheduleDriver<unknown, unknown> | undefined = undefined
  private stopped = false

  constructor(
    readonly address: ActorAddress,
    private readonly behaviour: Behaviour<Message, R>,
    private readonly runtime: Runtime.Runtime<R>,
    private readonly host: Host,
  ) {
    this.mailbox = new Mailbox(behaviour.mailboxCapacity)
    this.decode = decoderFor(behaviour as Behaviour<Message, never>)
  }

  // --- Receiver: called by the transport, in the sender's (or the transport's) fiber ---

  tell(envelope: Envelope): Effect.Effect<void, MailboxFull | MalformedMessage | ActorStopped> {
    return Effect.suspend((): Effect.Effect<void, MailboxFull | MalformedMessage | ActorStopped> => {
      const decoded = this.decode(envelope.payload)
      if (Either.isLeft(decoded)) return Effect.fail(this.malformed(envelope, decoded.left))
      const refusal = this.offer({ id: envelope.id, request: decoded.right, reply: undefined })
      return refusal === undefined ? Effect.void : Effect.fail(refusal)
    })
  }

  ask(envelope: Envelope): Effect.Effect<Reply> {
    return Effect.async<Reply>((resume) => {
      const decoded = this.decode(envelope.payload)
      if (Either.isLeft(decoded)) {
        resume(Effect.succeed(rejected(this.malformed(envelope, decoded.left))))
        return
      }
      const item: Item = {
        id: envelope.id,
        request: decoded.right,
        reply: (reply) => resume(Effect.succeed(reply)),
      }
      const refusal = this.offer(item)
      if (refusal !== undefined) {
        resume(Effect.succeed(rejected(refusal)))
        return
      }
      return Effect.sync(() => {
        item.reply = undefined
      })
    })
  }

  /**
   * Refuses new messages, answers every pending one with `ActorStopped`, ends the activation and the
   * incarnation's scope, then unregisters (so latecomers meanwhile get `ActorStopped`, later
   * `UnknownRecipient`). Idempotent.
   */
  stop(reason: StopReason): Effect.Effect<void> {
    return this.stopAs(reason, false)
  }

  /** `byActivation`: the activation fiber itself is stopping the actor, so it must not be interrupted. */
  private stopAs(reason: StopReason, byActivation: boolean): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.stopped) return Effect.void
      // Synchronously, so that no message slips in between and no new activation starts.
      this.stopped = true
      const stopped = rejected(new ActorStopped({ address: this.address }))
      for (const item of this.mailbox.close()) respond(item, stopped)
      const activation = byActivation ? undefined : this.activation
      this.activation = undefined
      const scope = this.incarnationScope
      this.incarnation = undefined
      this.incarnationScope = undefined
      const self = this
      return Effect.gen(function* () {
        if (activation !== undefined && activation !== "starting") {
          // A handler may stop its own actor; it cannot wait for its own interruption.
          const current = yield* Effect.fiberId
          yield* Equal.equals(current, activation.id())
            ? Fiber.interruptFork(activation)
            : Fiber.interrupt(activation)
        }
        if (scope !== undefined) yield* Scope.close(scope, Exit.void)
        yield* self.host.publish(ActorEvent.Stopped({ address: self.address, reason }))
        yield* self.host.transport.unregister(self.address, self)
        self.host.onStopped(self.address)
      })
    }).pipe(Effect.uninterruptible)
  }

  private malformed(envelope: Envelope, error: ParseResult.ParseError): MalformedMessage {
    return new MalformedMessage({ address: this.address, messageId: envelope.id, reason: error.message })
  }

  /** Enqueues and makes sure an activation will process it; returns the refusal, if any. */
  private offer(item: Item): MailboxFull | ActorStopped | undefined {
    const outcome = this.mailbox.offer(item)
    if (outcome === "full") return new MailboxFull({ address: this.address, capacity: this.mailbox.capacity })
    if (outcome === "closed") return new ActorStopped({ address: this.address })
    this.activate()
    return undefined
  }

  /** Starts the activation fiber unless one is running (it will see the new message). */
  activate(): void {
    if (this.activation !== undefined || this.stopped) return
    this.activation = "starting"
    const fiber = Runtime.runFork(this.runtime)(this.run())
    if (this.activation === "starting") this.activation = fiber
  }

  // --- The activation fiber ---

  private run(): Effect.Effect<void, never, R> {
    const self = this
    return Effect.gen(function* () {
      while (!self.stopped) {
        if (self.incarnation === undefined) {
          const cause = yield* self.build()
          if (cause !== undefined) {
            if (yield* self.recover(cause)) return
            continue
          }
        }
        const item = self.mailbox.poll()
        if (item === undefined) {
          // Checked and cleared in one synchronous step: a later offer starts a new activation.
          self.activation = undefined
          return
        }
        const cause = yield* self.handle(self.incarnation!, item)
        if (cause !== undefined && (yield* self.recover(cause))) return
      }
    })
  }

  /** Runs the build step in a fresh scope; returns the cause if it died. */
  private build(): Effect.Effect<Cause.Cause<unknown> | undefined, never, R> {
    const self = this
    return Effect.gen(function* () {
      const scope = yield* Scope.make()
      self.incarnationScope = scope
      const built = yield* Effect.exit(Scope.extend(self.behaviour.build, scope))
      if (Exit.isFailure(built)) return built.cause
      if (self.stopped) {
        // Stopped by something the build step itself did; the new state is not wanted.
        yield* Scope.close(scope, Exit.void)
        return undefined
      }
      const capacity = self.behaviour.idempotencyCapacity
      self.incarnation = {
        handlers: built.value as unknown as Record<string, AnyHandler>,
        seen: capacity > 0 ? new SeenIds<Reply>(capacity) : undefined,
      }
      yield* self.host.publish(
        self.restarts === 0
          ? ActorEvent.Started({ address: self.address })
          : ActorEvent.Restarted({ address: self.address, restarts: self.restarts, cause: self.lastCause }),
      )
      return undefined
    })
  }

  /** Processes one message and answers it; returns the cause when the handler crashed. */
  private handle(
    incarnation: Incarnation,
    item: Item,
  ): Effect.Effect<Cause.Cause<unknown> | undefined, never, R> {
    const previous = incarnation.seen?.get(item.id)
    if (previous !== undefined) {
      this.mailbox.done()
      respond(item, previous)
      return Effect.succeed(undefined)
    }
    const context: MessageContext = { messageId: item.id, self: this.address }
    const handler = incarnation.handlers[item.request._tag]!
    return Effect.exit(Effect.suspend(() => handler(item.request, context))).pipe(
      Effect.flatMap((exit) => {
        this.mailbox.done()
        const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
        if (Exit.isFailure(exit) && (Option.isNone(failure) || Cause.isDie(exit.cause))) {
          const defect = Cause.pretty(exit.cause)
          respond(item, rejected(new ActorCrashed({ address: this.address, messageId: item.id, defect })))
          return Effect.succeed(exit.cause)
        }
        if (item.reply === undefined && incarnation.seen === undefined) {
          if (Option.isNone(failure)) return Effect.succeed(undefined)
          return Effect.as(
            Effect.logDebug("tell failed", failure.value).pipe(
              Effect.annotateLogs({ actor: formatAddress(this.address), messageId: item.id }),
            ),
            undefined,
          )
        }
        const reply = this.encodeOutcome(item, exit, Option.getOrUndefined(failure))
        incarnation.seen?.remember(item.id, reply)
        respond(item, reply)
        return Effect.succeed(undefined)
      }),
    )
  }

  private encodeOutcome(item: Item, exit: Exit.Exit<unknown, unknown>, failure: unknown): Reply {
    const success = Exit.isSuccess(exit)
    const schema = resultSchema(item.request, success ? "success" : "failure")
    const encoded = Schema.encodeEither(schema)(success ? exit.value : failure)
    if (Either.isLeft(encoded)) {
      const reason = `${success ? "reply" : "failure"} does not match its Schema: ${encoded.left.message}`
      return rejected(new MalformedMessage({ address: this.address, messageId: item.id, reason }))
    }
    return success ? { _tag: "Success", value: encoded.right } : { _tag: "Failure", error: encoded.right }
  }

  /**
   * After a defect: releases the dead incarnation, then either waits out the backoff (the caller rebuilds)
   * and returns false, or escalates and stops the actor and returns true.
   */
  private recover(cause: Cause.Cause<unknown>): Effect.Effect<boolean> {
    const self = this
    return Effect.gen(function* () {
      const scope = self.incarnationScope
      self.incarnation = undefined
      self.incarnationScope = undefined
      if (scope !== undefined) yield* Scope.close(scope, Exit.failCause(cause))
      const { backoff, maxRestarts, window } = self.behaviour.supervision
      const now = yield* Clock.currentTimeMillis
      const recent = self.recentRestarts ?? []
      self.recentRestarts = recent
      while (recent.length > 0 && now - recent[0]! >= Duration.toMillis(window)) recent.shift()
      if (recent.length < maxRestarts) {
        const driver = self.backoff ?? (yield* Schedule.driver(backoff))
        self.backoff = driver
        if (recent.length === 0) yield* driver.reset
        yield* Effect.logWarning("actor crashed; restarting", cause).pipe(
          Effect.annotateLogs({ actor: formatAddress(self.address), restarts: self.restarts }),
        )
        if (Either.isRight(yield* Effect.either(driver.next(cause)))) {
          recent.push(now)
          self.restarts++
          self.lastCause = cause
          return false
        }
      }
      const failure = new ActorFailed({ address: self.address, restarts: self.restarts, cause })
      yield* Effect.logError("actor failed; stopping", cause).pipe(
        Effect.annotateLogs({ actor: formatAddress(self.address), restarts: self.restarts }),
      )
      yield* self.host.onFailure(failure)
      yield* self.stopAs("failed", true)
      return true
    })
  }
}

/** Starts one actor: registers it with the transport and runs its first build step. */
export const startLocalActor = <Req extends Message, R>(
  address: ActorAddress,
  behaviour: Behaviour<Req, R>,
  runtime: Runtime.Runtime<R>,
  host: Host,
): Effect.Effect<LocalActor, AddressInUse | TransportError> =>
  Effect.suspend(() => {
    const cell = new ActorCell(address, behaviour as unknown as Behaviour<Message, R>, runtime, host)
    return Effect.as(
      Effect.tap(host.transport.register(address, cell), () => cell.activate()),
      cell,
    )
  })
