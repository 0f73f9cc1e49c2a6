import { isTracing } from "@lyceum/core"
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
  type Tracer,
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
import type { DirectAsk, DirectReceiver, Receiver, TransportService } from "../Transport.js"
import { decoderFor } from "./Codec.js"
import { Mailbox } from "./Mailbox.js"
import { resultSchema } from "./resultSchema.js"

/** A decoded message waiting in (or being processed from) a mailbox; for a direct ask also its `DirectAsk`. */
class Item implements DirectAsk {
  constructor(
    readonly id: string,
    readonly request: Message,
    /** Present for asks until answered; cleared when the asker gives up. */
    public reply: ((reply: Reply, encoded: boolean) => void) | undefined,
    /** Handed over in process (`DirectReceiver`): the asker takes the handler's own, checked value. */
    readonly direct: boolean,
    /** The sender's span, when it was traced: the handler's turn is traced under it. */
    readonly parent?: Tracer.AnySpan,
  ) {}

  cancel(): void {
    this.reply = undefined
  }
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

/** `encoded`: the reply's value or error is Schema-encoded (always so for envelopes and remembered replies). */
const respond = (item: Item, reply: Reply, encoded = true): void => {
  const resume = item.reply
  if (resume === undefined) return
  item.reply = undefined
  resume(reply, encoded)
}

const rejected = (error: DeliveryError): Reply => ({ _tag: "Rejected", error })

type Check = (u: unknown) => Either.Either<unknown, ParseResult.ParseError>

// One encoder and one validator per reply Schema, shared by every actor.
const encoders = new WeakMap<object, Check>()
const validators = new WeakMap<object, Check>()
const cached = (
  cache: WeakMap<object, Check>,
  schema: Schema.Schema<unknown, unknown>,
  make: (schema: Schema.Schema<unknown, unknown>) => Check,
): Check => {
  let check = cache.get(schema)
  if (check === undefined) {
    check = make(schema)
    cache.set(schema, check)
  }
  return check
}

/**
 * One actor. It holds no fiber while idle: an accepted message starts an activation fiber that builds the
 * handlers if needed, drains the mailbox one message at a time and ends when the mailbox is empty. So an
 * idle actor costs its mailbox, this object and its state; a busy one also a fiber. A defect ends the
 * incarnation; supervision waits out the backoff (inside the activation) and builds fresh state, or gives up
 * and stops the actor. The cell is also the actor's `Receiver`.
 */
class ActorCell<R> implements Receiver, LocalActor {
  readonly direct: DirectReceiver
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
  /** Whether a tracer that exports is installed where the actor runs: then each handled message is a span. */
  private readonly tracing: boolean

  constructor(
    readonly address: ActorAddress,
    private readonly behaviour: Behaviour<Message, R>,
    private readonly runtime: Runtime.Runtime<R>,
    private readonly host: Host,
  ) {
    this.mailbox = new Mailbox(behaviour.mailboxCapacity)
    this.decode = decoderFor(behaviour.protocol)
    this.tracing = isTracing(runtime.fiberRefs)
    this.direct = {
      protocol: behaviour.protocol,
      tell: (id, request, parent) => this.enqueue(new Item(id, request, undefined, true, parent)),
      ask: (id, request, reply, parent) => {
        const item = new Item(id, request, reply, true, parent)
        return this.enqueue(item) ?? item
      },
    }
  }

  // --- Receiver: called by the transport, in the sender's (or the transport's) fiber ---

  tell(envelope: Envelope): Effect.Effect<void, MailboxFull | MalformedMessage | ActorStopped> {
    return Effect.suspend((): Effect.Effect<void, MailboxFull | MalformedMessage | ActorStopped> => {
      const refusal = this.offer(envelope)
      return refusal === undefined ? Effect.void : Effect.fail(refusal)
    })
  }

  ask(envelope: Envelope): Effect.Effect<Reply> {
    return Effect.async<Reply>((resume) => {
      const pending = this.request(envelope, (reply) => resume(Effect.succeed(reply)))
      if (!(pending instanceof Item)) {
        resume(Effect.succeed(rejected(pending)))
        return
      }
      return Effect.sync(() => pending.cancel())
    })
  }

  offer(envelope: Envelope): MailboxFull | MalformedMessage | ActorStopped | undefined {
    const decoded = this.decode(envelope.payload)
    if (Either.isLeft(decoded)) return this.malformed(envelope, decoded.left)
    return this.enqueue(new Item(envelope.id, decoded.right, undefined, false))
  }

  request(
    envelope: Envelope,
    reply: (reply: Reply) => void,
  ): Item | MailboxFull | MalformedMessage | ActorStopped {
    const decoded = this.decode(envelope.payload)
    if (Either.isLeft(decoded)) return this.malformed(envelope, decoded.left)
    const item = new Item(envelope.id, decoded.right, reply, false)
    return this.enqueue(item) ?? item
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
  private enqueue(item: Item): MailboxFull | ActorStopped | undefined {
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
    // Not started in the sender's stack: the sender goes on offering, and the activation drains a batch.
    const fiber = Runtime.runFork(this.runtime)(this.run(), { immediate: false })
    if (this.activation === "starting") this.activation = fiber
  }

  // --- The activation fiber ---

  private run(): Effect.Effect<void, never, R> {
    return Effect.suspend(() => this.next())
  }

  /**
   * The drain loop: takes messages until the mailbox is empty or the actor stops. Remembered replies are
   * answered in the loop itself; a handler runs as one `matchCauseEffect` whose continuation loops again.
   */
  private next(): Effect.Effect<void, never, R> {
    while (!this.stopped) {
      const incarnation = this.incarnation
      if (incarnation === undefined) {
        return Effect.flatMap(this.build(), (cause) =>
          cause === undefined ? this.next() : this.afterDefect(cause),
        )
      }
      const item = this.mailbox.poll()
      if (item === undefined) {
        // Checked and cleared in one synchronous step: a later offer starts a new activation.
        this.activation = undefined
        return Effect.void
      }
      const previous = incarnation.seen?.get(item.id)
      if (previous !== undefined) {
        this.mailbox.done()
        respond(item, previous)
        continue
      }
      const context: MessageContext = { messageId: item.id, self: this.address }
      const handler = incarnation.handlers[item.request._tag]!
      const handled = Effect.suspend(() => handler(item.request, context))
      return Effect.matchCauseEffect(
        // One span per turn (the model calls it makes nest under it), under the sender's span in process.
        item.parent === undefined && !this.tracing
          ? handled
          : Effect.withSpan(handled, "lyceum.agent.turn", {
              parent: item.parent,
              captureStackTrace: false,
              attributes: {
                "lyceum.actor": formatAddress(this.address),
                "lyceum.message": item.request._tag,
              },
            }),
        {
          onFailure: (cause) => this.failed(incarnation, item, cause),
          onSuccess: (value) => {
            this.mailbox.done()
            if (item.reply !== undefined || incarnation.seen !== undefined) {
              this.answer(incarnation, item, true, value)
            }
            return this.next()
          },
        },
      )
    }
    return Effect.void
  }

  /** After a handler failed: answers the asker, and restarts (or stops) the actor on a defect. */
  private failed(
    incarnation: Incarnation,
    item: Item,
    cause: Cause.Cause<unknown>,
  ): Effect.Effect<void, never, R> {
    this.mailbox.done()
    const failure = Cause.failureOption(cause)
    if (Option.isNone(failure) || Cause.isDie(cause)) {
      const defect = Cause.pretty(cause)
      respond(item, rejected(new ActorCrashed({ address: this.address, messageId: item.id, defect })))
      return this.afterDefect(cause)
    }
    if (item.reply === undefined && incarnation.seen === undefined) {
      return Effect.zipRight(
        Effect.logDebug("tell failed", failure.value).pipe(
          Effect.annotateLogs({ actor: formatAddress(this.address), messageId: item.id }),
        ),
        this.next(),
      )
    }
    this.answer(incarnation, item, false, failure.value)
    return this.next()
  }

  private afterDefect(cause: Cause.Cause<unknown>): Effect.Effect<void, never, R> {
    return Effect.flatMap(this.recover(cause), (stopped) => (stopped ? Effect.void : this.next()))
  }

  /**
   * Answers a handler's success or typed failure. A direct ask to an actor that remembers no replies gets the
   * value itself, once it passed the request's success or failure Schema; otherwise the reply is encoded
   * with that Schema (as a wire carries it, and as the idempotency memory keeps it).
   */
  private answer(incarnation: Incarnation, item: Item, success: boolean, value: unknown): void {
    const schema = resultSchema(item.request, success ? "success" : "failure")
    const plain = item.direct && incarnation.seen === undefined
    const check = plain
      ? cached(validators, schema, (s) => Schema.validateEither(s))
      : cached(encoders, schema, (s) => Schema.encodeEither(s))
    const checked = check(value)
    let reply: Reply
    if (Either.isLeft(checked)) {
      const reason = `${success ? "reply" : "failure"} does not match its Schema: ${checked.left.message}`
      reply = rejected(new MalformedMessage({ address: this.address, messageId: item.id, reason }))
    } else {
      reply = success ? { _tag: "Success", value: checked.right } : { _tag: "Failure", error: checked.right }
    }
    if (!plain) incarnation.seen?.remember(item.id, reply)
    respond(item, reply, !plain)
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
