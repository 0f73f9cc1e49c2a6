/**
 * The actor runtime's `Transport` over NATS.
 *
 * **Addressing.** An actor is `lyceum.<run>.<kind>.<id>`. A process holds one subscription per actor it hosts,
 * on exactly that subject, made when the actor registers and drained when it stops, so the server sends a
 * message only to the process hosting its recipient (a worker sees its own agents' traffic, not the whole
 * run's). Processes that only send hold none. `received` counts what arrived on them.
 *
 * **Tell and ask** are request/reply. A tell resolves when the recipient's mailbox accepted it and fails with
 * its refusal; with `acknowledgeTells: false` it is a plain publish (at most once, refusals only logged where
 * they happen). An ask waits for the `Reply`; its timeout is passed to the request so that the inbox is freed.
 * Nobody hosts the address: `UnknownRecipient` at once (NATS "no responders"), however many processes serve
 * the run. A message (or a reply) larger than the server's `max_payload` fails with a `TransportError` that
 * says so, before it is sent. A request routed to an actor just as it stopped is answered `UnknownRecipient`.
 *
 * **Durable delivery** (lessons): a stream `LYCEUM_<run>` holds `lyceum-durable.<run>.<kind>.<id>` (and the
 * run's dead letters); every process serving the run pulls from one durable consumer per run (default name
 * "lyceum"), so a message reaches any live process, which hands it to the local receiver or forwards it over
 * core NATS to the process hosting the address. An actor protocol opts in by message tag: the process that
 * sends configures `durable: { route: NatsTransport.byTag("Learn") }`, and every `tell` of a `Learn` (from any
 * ref) is then stored instead of requested; or code that knows NATS calls `tellDurable(envelope)`. Semantics:
 * - stored once per envelope id (`Nats-Msg-Id`, within `duplicateWindowMs`); `tellDurable` resolves when stored
 *   and retries, with the same id, while the server is unreachable;
 * - delivered at least once, with `Receiver.ask`: acknowledged when the handler replied (success or its typed
 *   failure); while the handler runs (or the message waits in the mailbox) the server is told it is in progress;
 *   a full mailbox is waited out in place; other refusals and crashes are redelivered with backoff; a process
 *   that dies leaves its messages to be redelivered after `ackWaitMs`;
 * - a message that is malformed, or not settled after `maxDeliveries`, is published as a `DeadLetter` on
 *   `lyceum.<run>.dead-letter` with the reason, then terminated;
 * - so the recipient must apply idempotently: `Actor.make(..., { idempotent: true })`, or its own dedup on
 *   `MessageContext.messageId` (a crash restarts the actor with fresh state, and its memory of ids with it).
 *   Per-address order holds as long as nothing is redelivered.
 *
 * **Closing** the transport's scope (after the actor systems on it) drains the subscriptions left, answers
 * what had already arrived, stops consuming (unsettled durable messages are redelivered elsewhere).
 */
import {
  type Ack,
  type ActorAddress,
  AddressInUse,
  AskTimeout,
  type DeliveryError,
  type Envelope,
  formatAddress,
  MalformedMessage,
  type Receiver,
  type Reply,
  type TellError,
  Transport,
  TransportError,
  type TransportService,
  UnknownRecipient,
} from "@lyceum/actors"
import {
  Cause,
  Clock,
  Context,
  Deferred,
  Duration,
  Effect,
  Either,
  Exit,
  Fiber,
  FiberId,
  Layer,
  Runtime,
  Schedule,
  Scope,
  Stream,
} from "effect"
import type { DeadLetter } from "./DeadLetter.js"
import * as NatsClient from "./NatsClient.js"
import type {
  NatsConnectionError,
  NatsCredentialsError,
  NatsError,
  NatsPermissionDenied,
} from "./NatsError.js"
import * as Subjects from "./Subjects.js"
import * as TransportSubjects from "./TransportSubjects.js"
import * as Wire from "./Wire.js"

/** How durable tells are stored and delivered (see "Durable delivery" above). */
export interface DurableOptions {
  /**
   * Which `tell`s go through JetStream instead of core request/reply, e.g. `byTag("ApplyLesson")`. Such a
   * tell resolves once the server stored the message, not when a mailbox accepted it. Default: none (only
   * `tellDurable` is durable).
   */
  readonly route?: (envelope: Envelope) => boolean
  /** Consume the durable messages of every run this process serves. Default true; false = publish only. */
  readonly consume?: boolean
  /** Name of each run's durable consumer, shared by all processes serving the run. Default "lyceum". */
  readonly consumer?: string
  /** Deliveries before a message that keeps failing becomes a dead letter. Default 5. */
  readonly maxDeliveries?: number
  /**
   * Redeliver a message not settled within this time (its process died). Also how long a process waits for
   * the host of the address when it forwards a durable message it pulled. Default 30 s.
   */
  readonly ackWaitMs?: number
  /** Durable messages in flight per run (delivered, not yet settled). Default 1000. */
  readonly maxAckPending?: number
  /** First delay before a failed message is redelivered; doubles per delivery, capped at 30 s. Default 250 ms. */
  readonly redeliveryDelayMs?: number
  /** A message id published again within this window is stored once. Default 10 minutes. */
  readonly duplicateWindowMs?: number
  /** Default "file": the stream survives a server restart. */
  readonly storage?: "file" | "memory"
  /** How long `tellDurable` keeps retrying (with the same message id) while the server is unreachable. Default 30 s. */
  readonly publishTimeoutMs?: number
}

export interface NatsTransportOptions {
  /** Runs to serve from the start; any other run is served when its first actor registers here. */
  readonly runs?: ReadonlyArray<string>
  /**
   * `true` (default): a tell is a request, resolved when the recipient's mailbox accepted it, failed with its
   * refusal or `UnknownRecipient`. `false`: a tell is a plain publish, resolved when handed to the connection;
   * refusals are only logged by the recipient's process. Several times the throughput, at most once.
   */
  readonly acknowledgeTells?: boolean
  /** How long an acknowledged tell waits for its acknowledgement. Default 10 s. */
  readonly tellTimeoutMs?: number
  /** Durable delivery through JetStream. Absent: no stream or consumer is created unless `tellDurable` is called. */
  readonly durable?: DurableOptions
}

export interface NatsTransportLayerOptions extends NatsTransportOptions {
  /** The connection (servers, credentials, TLS, name). */
  readonly nats: NatsClient.NatsClientOptions
}

/** The server's answer to a durable tell. */
export interface DurableReceipt {
  /** Position in the run's stream. */
  readonly sequence: number
  /** The message id was already stored (a retried publish); the message will not be delivered twice. */
  readonly duplicate: boolean
}

/** A `Transport` over NATS, with the durable path and the dead letters on top. */
export interface NatsTransportService extends TransportService {
  /**
   * Serves `run` now: with durable delivery, consumes its stream (a process does so for every run it hosts
   * an actor of). Idempotent.
   */
  readonly serve: (run: string) => Effect.Effect<void, TransportError>
  /**
   * Stores `envelope` in its run's stream, with `Nats-Msg-Id` = `envelope.id` so a retried publish is stored
   * once, and resolves when the server has it. A process serving the run delivers it with `Receiver.ask` and
   * acknowledges once the handler replied (success or typed failure); it is redelivered after a refusal, a
   * crash or a dead process, and becomes a dead letter when malformed or after `maxDeliveries`.
   */
  readonly tellDurable: (
    envelope: Envelope,
  ) => Effect.Effect<DurableReceipt, MalformedMessage | TransportError>
  /** Dead letters of `run` published from now on, for as long as the scope is open. */
  readonly deadLetters: (
    run: string,
  ) => Effect.Effect<Stream.Stream<DeadLetter, TransportError>, TransportError, Scope.Scope>
  /** Messages that arrived on this process's actor subscriptions so far (requests and publishes, every run). */
  readonly received: Effect.Effect<number>
}

/** The NATS transport, for code that needs `tellDurable`, `serve` or `deadLetters`. Also provided as `Transport`. */
export class NatsTransport extends Context.Tag("@lyceum/nats/NatsTransport")<
  NatsTransport,
  NatsTransportService
>() {}

/** A durable route: tells whose request tag (the encoded payload's `_tag`) is one of `tags`. */
export const byTag =
  (...tags: ReadonlyArray<string>) =>
  (envelope: Envelope): boolean => {
    const payload = envelope.payload
    return (
      typeof payload === "object" &&
      payload !== null &&
      "_tag" in payload &&
      tags.includes(payload._tag as string)
    )
  }

// ---------------------------------------------------------------------------------------------------------

/** Runs an effect in a fiber of its own, started at once (synchronously until it first waits). */
type ForkNow = (effect: Effect.Effect<void>) => Fiber.RuntimeFiber<void>

/** A receiver registered here, the address it was registered at, and the subscription that feeds it. */
interface Hosted {
  readonly address: ActorAddress
  readonly receiver: Receiver
  /** Holds the address's subscription; closing it drains it. Unset until the server has it. */
  subscription: Scope.CloseableScope | undefined
}

const rejected = (error: DeliveryError): Reply & Ack => ({ _tag: "Rejected", error })

const failure = (reason: string, cause?: unknown): TransportError =>
  new TransportError(cause === undefined ? { reason } : { reason, cause })

// setTimeout's limit; asks may be given longer (or infinite) timeouts.
const maxTimerMs = 2_147_483_647

const isRetryable = (error: NatsError | { readonly _tag: "TimeoutException" }): boolean =>
  error._tag === "NatsTimeout" ||
  error._tag === "NatsConnectionError" ||
  error._tag === "JetStreamError" ||
  error._tag === "TimeoutException"

/** Runs `start` once per key; concurrent and later callers share its outcome, a failure is forgotten. */
const once = <A, E>(
  cache: Map<string, Deferred.Deferred<A, E>>,
  key: string,
  start: () => Effect.Effect<A, E>,
): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const pending = cache.get(key)
    if (pending !== undefined) return Deferred.await(pending)
    const started = Deferred.unsafeMake<A, E>(FiberId.none)
    cache.set(key, started)
    return start().pipe(
      Effect.onExit((exit) => {
        if (Exit.isFailure(exit)) cache.delete(key)
        return Deferred.done(started, exit)
      }),
    )
  })

/**
 * A transport on `client`. Runs are served on demand (first `register` of an actor of the run, or `serve`);
 * closing the scope ends every subscription and consumer (close it after the `ActorSystem`s using it).
 */
export const make = (
  client: NatsClient.NatsClient,
  options: NatsTransportOptions = {},
): Effect.Effect<NatsTransportService, TransportError, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const runtime = yield* Effect.runtime<never>()
    // Network timing is real time, also when the caller runs on a TestClock.
    const liveClock = Clock.make()
    const live = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.withClock(self, liveClock)

    const acknowledgeTells = options.acknowledgeTells ?? true
    const tellTimeoutMs = options.tellTimeoutMs ?? 10_000
    const durable = options.durable
    const durableRoute = durable?.route
    const consumeDurable = durable !== undefined && durable.consume !== false
    const maxDeliveries = durable?.maxDeliveries ?? 5
    const ackWaitMs = durable?.ackWaitMs ?? 30_000
    const redeliveryDelayMs = durable?.redeliveryDelayMs ?? 250
    const publishTimeoutMs = durable?.publishTimeoutMs ?? 30_000

    const receivers = new Map<string, Hosted>()
    const runs = new Map<string, Deferred.Deferred<void, TransportError>>()
    const served = new Set<string>()
    const streams = new Map<string, Deferred.Deferred<void, TransportError>>()
    const streamReady = new Set<string>()

    // --- sending ------------------------------------------------------------------------------------------

    const malformed = (envelope: Envelope, reason: string) =>
      new MalformedMessage({ address: envelope.to, messageId: envelope.id, reason })

    /**
     * Encodes a request and checks its size against the server's limit, then `send`s it (nothing is sent when
     * either fails). One step on the hot path of every tell and ask.
     */
    const sendRequest = <A, E>(
      envelope: Envelope,
      op: Wire.Op,
      headerSize: number,
      send: (data: Uint8Array) => Effect.Effect<A, E>,
    ): Effect.Effect<A, E | MalformedMessage | TransportError> =>
      Effect.flatMap(client.maxPayload, (max): Effect.Effect<A, E | MalformedMessage | TransportError> => {
        const encoded = Wire.encodeRequest(envelope, op)
        if (Either.isLeft(encoded)) return Effect.fail(malformed(envelope, encoded.left))
        const data = encoded.right
        const size = data.length + headerSize
        return size <= max
          ? send(data)
          : Effect.fail(
              failure(
                `message ${envelope.id} to ${formatAddress(envelope.to)} is ${size} bytes on the wire, over the ` +
                  `NATS server's max_payload of ${max} bytes; send a smaller message (e.g. a reference to the ` +
                  "data) or raise max_payload in the server config",
              ),
            )
      })

    /** What a failed request means to the sender. */
    const requestFailure = (envelope: Envelope, error: NatsClient.RequestError) =>
      error._tag === "NatsNoResponders"
        ? new UnknownRecipient({ address: envelope.to })
        : failure(`${error._tag === "NatsTimeout" ? "no answer" : "request failed"}: ${error.message}`, error)

    const tellAcknowledged = (envelope: Envelope, subject: string, data: Uint8Array) =>
      client.request(subject, data, tellTimeoutMs).pipe(
        Effect.mapError(
          (error): TellError =>
            error._tag === "NatsTimeout"
              ? failure(
                  `no process acknowledged tell ${envelope.id} to ${formatAddress(envelope.to)} within ` +
                    `${tellTimeoutMs} ms: its host is overloaded or gone, or (when several processes serve the ` +
                    "run) nobody hosts it",
                  error,
                )
              : requestFailure(envelope, error),
        ),
        Effect.flatMap((message) => {
          const ack = Wire.decodeAck(message.data)
          if (Either.isLeft(ack)) return Effect.fail(failure(`undecodable acknowledgement: ${ack.left}`))
          return ack.right._tag === "Accepted" ? Effect.void : Effect.fail(ack.right.error as TellError)
        }),
      )

    const tellNow = (envelope: Envelope): Effect.Effect<void, TellError> =>
      sendRequest(envelope, "tell", 0, (data) => {
        const subject = TransportSubjects.actor(envelope.to)
        return acknowledgeTells
          ? tellAcknowledged(envelope, subject, data)
          : Effect.mapError(client.publish(subject, data), (error) =>
              failure(`publish failed: ${error.message}`, error),
            )
      })

    const tell =
      durableRoute === undefined
        ? tellNow
        : (envelope: Envelope): Effect.Effect<void, TellError> =>
            Effect.suspend(() =>
              durableRoute(envelope) ? Effect.asVoid(tellDurable(envelope)) : tellNow(envelope),
            )

    const ask = (
      envelope: Envelope,
      { timeout }: { readonly timeout: Duration.Duration },
    ): Effect.Effect<Reply, AskTimeout | UnknownRecipient | TransportError> =>
      Effect.suspend(() => {
        const timeoutMillis = Duration.toMillis(timeout)
        return sendRequest(envelope, "ask", 0, (data) =>
          client
            .request(
              TransportSubjects.actor(envelope.to),
              data,
              Math.max(1, Math.min(timeoutMillis, maxTimerMs)),
            )
            .pipe(
              Effect.mapError((error) =>
                error._tag === "NatsTimeout"
                  ? new AskTimeout({ address: envelope.to, messageId: envelope.id, timeoutMillis })
                  : requestFailure(envelope, error),
              ),
            ),
        ).pipe(
          Effect.map((message) =>
            Either.getOrElse(Wire.decodeReply(message.data), (reason) =>
              rejected(
                malformed(
                  envelope,
                  `the reply could not be decoded (${reason}); is the host on another version?`,
                ),
              ),
            ),
          ),
          // A request we cannot encode is refused like one the recipient cannot decode.
          Effect.catchTag("MalformedMessage", (error) => Effect.succeed(rejected(error))),
        )
      })

    // --- receiving ----------------------------------------------------------------------------------------

    const respond = (message: NatsClient.NatsMessage, data: Uint8Array): Effect.Effect<void> =>
      message
        .respond(data)
        .pipe(
          Effect.catchAll((error) =>
            Effect.logWarning("could not answer a request", error.message).pipe(
              Effect.annotateLogs({ subject: message.subject }),
            ),
          ),
        )

    const respondReply = (message: NatsClient.NatsMessage, envelope: Envelope, reply: Reply) =>
      Effect.flatMap(client.maxPayload, (max) => {
        const encoded = Wire.encodeReply(reply)
        const data = Either.isRight(encoded)
          ? encoded.right
          : Either.getOrThrow(Wire.encodeReply(rejected(malformed(envelope, `reply: ${encoded.left}`))))
        if (data.length <= max) return respond(message, data)
        const tooLarge = failure(
          `the reply to ${envelope.id} from ${formatAddress(envelope.to)} is ${data.length} bytes, over the ` +
            `NATS server's max_payload of ${max} bytes; reply with less (e.g. a reference) or raise max_payload`,
        )
        return respond(message, Either.getOrThrow(Wire.encodeReply(rejected(tooLarge))))
      })

    const respondAck = (message: NatsClient.NatsMessage, exit: Exit.Exit<void, DeliveryError>) =>
      Exit.isSuccess(exit)
        ? respond(message, Wire.accepted)
        : Exit.isFailure(exit) && exit.cause._tag === "Fail"
          ? respond(message, Either.getOrThrow(Wire.encodeAck(rejected(exit.cause.error))))
          : respond(message, Either.getOrThrow(Wire.encodeAck(rejected(failure("the receiver died")))))

    /**
     * Hands a message to its receiver synchronously (decode, mailbox offer), in arrival order, with no fiber
     * or Effect per message; returns the work left (an answer to send, a warning to log), if any, which
     * `later` runs. An ask's reply is sent through `later` too when the actor answers.
     */
    const deliver = (hosted: Hosted, message: NatsClient.NatsMessage): Effect.Effect<void> | undefined => {
      const decoded = Wire.decodeRequestTo(message.data, hosted.address)
      const refuse = (reason: string) =>
        message.reply === undefined
          ? Effect.logWarning("dropped an undecodable message", reason)
          : respondAck(
              message,
              Exit.fail(new MalformedMessage({ address: hosted.address, messageId: "(unknown)", reason })),
            )
      if (Either.isLeft(decoded)) return refuse(`not an envelope: ${decoded.left}`)
      const { op, envelope } = decoded.right
      // `decodeRequestTo` hands back the hosted address itself when the envelope names it.
      if (envelope.to !== hosted.address && TransportSubjects.actor(envelope.to) !== message.subject) {
        return refuse(`addressed to ${formatAddress(envelope.to)} but published on ${message.subject}`)
      }
      if (op === "ask") {
        if (message.reply === undefined) return undefined
        const pending = hosted.receiver.request(envelope, (reply) =>
          later(respondReply(message, envelope, reply)),
        )
        return "cancel" in pending ? undefined : respondReply(message, envelope, rejected(pending))
      }
      const refusal = hosted.receiver.offer(envelope)
      if (message.reply !== undefined)
        return respondAck(message, refusal === undefined ? Exit.void : Exit.fail(refusal))
      return refusal === undefined
        ? undefined
        : Effect.logWarning("a published tell was refused", refusal).pipe(
            Effect.annotateLogs({ messageId: envelope.id, actor: formatAddress(envelope.to) }),
          )
    }

    /** A message on the subscription of an actor that stopped before it arrived (routed before the unsubscribe). */
    const unhosted = (message: NatsClient.NatsMessage): Effect.Effect<void> => {
      if (message.reply === undefined) {
        return Effect.logWarning("dropped a published message for an actor that stopped").pipe(
          Effect.annotateLogs({ subject: message.subject }),
        )
      }
      const decoded = Wire.decodeRequest(message.data)
      return respondAck(
        message,
        Exit.fail(
          Either.isRight(decoded)
            ? new UnknownRecipient({ address: decoded.right.envelope.to })
            : failure(`undecodable message on ${message.subject}, which nobody hosts now: ${decoded.left}`),
        ),
      )
    }

    /**
     * One message of an actor's subscription: to the receiver registered at its subject now, if any. Returns
     * the work left to run `later`.
     */
    const onMessage = (message: NatsClient.NatsMessage): Effect.Effect<void> | undefined => {
      const hosted = receivers.get(message.subject)
      return hosted === undefined ? unhosted(message) : deliver(hosted, message)
    }

    // --- durable ------------------------------------------------------------------------------------------

    const ensureStream = (run: string): Effect.Effect<void, TransportError> =>
      streamReady.has(run)
        ? Effect.void
        : once(streams, run, () =>
            client
              .ensureStream(`LYCEUM_${run}`, TransportSubjects.streamSubjects(run), {
                duplicateWindowMs: durable?.duplicateWindowMs ?? 600_000,
                storage: durable?.storage ?? "file",
              })
              .pipe(
                Effect.retry({
                  schedule: Schedule.exponential("50 millis").pipe(
                    Schedule.union(Schedule.spaced("1 second")),
                    Schedule.upTo(Duration.millis(publishTimeoutMs)),
                  ),
                  while: isRetryable,
                }),
                Effect.mapError((error) =>
                  failure(`cannot create the stream of run ${run}: ${error.message}`, error),
                ),
                Effect.tap(() => Effect.sync(() => streamReady.add(run))),
                live,
              ),
          )

    const tellDurable = (
      envelope: Envelope,
    ): Effect.Effect<DurableReceipt, MalformedMessage | TransportError> =>
      Effect.suspend(() => {
        const run = envelope.to.run
        const store = sendRequest(
          envelope,
          "tell",
          Wire.headerBytes({ "Nats-Msg-Id": envelope.id }),
          (data) => {
            const subject = TransportSubjects.durableActor(envelope.to)
            const attempt = client.publishDurable(subject, data, envelope.id)
            return attempt.pipe(
              // The first attempt is bounded by the JetStream API timeout. Retries (same id, so stored once)
              // are bounded tighter: an attempt sent during a reconnect may never be answered.
              Effect.catchIf(isRetryable, () =>
                attempt.pipe(
                  Effect.timeout("2 seconds"),
                  Effect.retry({
                    schedule: Schedule.exponential("50 millis").pipe(
                      Schedule.union(Schedule.spaced("1 second")),
                      Schedule.upTo(Duration.millis(publishTimeoutMs)),
                    ),
                    while: isRetryable,
                  }),
                  live,
                ),
              ),
              Effect.mapBoth({
                onFailure: (error) =>
                  failure(
                    `durable tell ${envelope.id} to ${formatAddress(envelope.to)} was not stored: ${error.message}`,
                    error,
                  ),
                onSuccess: (ack): DurableReceipt => ({ sequence: ack.seq, duplicate: ack.duplicate }),
              }),
            )
          },
        )
        return streamReady.has(run) ? store : Effect.zipRight(ensureStream(run), store)
      })

    /** Publishes a dead letter, then terminates the message; if publishing fails, it is redelivered later. */
    const bury = (
      run: string,
      message: NatsClient.JetStreamMessage,
      envelope: Envelope | undefined,
      reason: string,
    ): Effect.Effect<void, NatsConnectionError> =>
      Effect.gen(function* () {
        const letter: DeadLetter = {
          run,
          subject: message.subject,
          streamSequence: message.streamSequence,
          deliveries: message.deliveryCount,
          reason,
          ...(envelope !== undefined ? { envelope } : { raw: Wire.text(message.data) }),
        }
        const max = yield* client.maxPayload
        const whole = Wire.encodeDeadLetter(letter)
        const data =
          Either.isRight(whole) && whole.right.length < max - 256
            ? whole.right
            : Either.getOrThrow(
                Wire.encodeDeadLetter({
                  run,
                  subject: message.subject,
                  streamSequence: message.streamSequence,
                  deliveries: message.deliveryCount,
                  reason,
                  raw: Wire.text(message.data.subarray(0, 1024)),
                }),
              )
        const published = yield* Effect.either(
          client.publishDurable(TransportSubjects.deadLetter(run), data, `dead-${message.streamSequence}`),
        )
        if (Either.isLeft(published)) {
          yield* Effect.logWarning(
            "could not publish a dead letter; it will be redelivered",
            published.left.message,
          )
          return yield* message.nak(redeliveryDelayMs)
        }
        yield* Effect.logWarning("dead letter", reason).pipe(
          Effect.annotateLogs({ subject: message.subject, messageId: envelope?.id ?? "(unknown)" }),
        )
        yield* message.term(reason)
      })

    /** Delivered durable messages not settled yet; told "still working" so they are not redelivered meanwhile. */
    const inFlight = new Set<NatsClient.JetStreamMessage>()
    const forkNow: ForkNow = Runtime.runFork(runtime)

    /** One delivery attempt: to the local receiver, or over core NATS to the process that hosts the address. */
    const deliverDurable = (envelope: Envelope): Effect.Effect<Reply> => {
      const hosted = receivers.get(TransportSubjects.actor(envelope.to))
      if (hosted !== undefined) return hosted.receiver.ask(envelope)
      return ask(envelope, { timeout: Duration.millis(ackWaitMs) }).pipe(
        Effect.catchAll((error) =>
          Effect.succeed(rejected(error._tag === "AskTimeout" ? failure(error.message) : error)),
        ),
      )
    }

    /** A full mailbox is back pressure, not a fault: wait here for room rather than spend a delivery. */
    const deliverPatiently = (envelope: Envelope, attempt = 0): Effect.Effect<Reply> =>
      Effect.flatMap(deliverDurable(envelope), (reply) =>
        reply._tag === "Rejected" && reply.error._tag === "MailboxFull"
          ? Effect.zipRight(
              live(Effect.sleep(Math.min(10 * 2 ** attempt, 1_000))),
              deliverPatiently(envelope, attempt + 1),
            )
          : Effect.succeed(reply),
      )

    /** After the recipient answered a durable message: ack it, or bury or nak it according to the refusal. */
    const afterReply = (
      run: string,
      message: NatsClient.JetStreamMessage,
      envelope: Envelope,
      reply: Reply,
    ): Effect.Effect<void, NatsConnectionError> => {
      if (reply._tag !== "Rejected") return message.ack
      const error = reply.error
      const deliveries = message.deliveryCount
      if (error._tag === "MalformedMessage") return bury(run, message, envelope, error.message)
      if (deliveries >= maxDeliveries) {
        return bury(run, message, envelope, `${error.message} (delivery ${deliveries} of ${maxDeliveries})`)
      }
      return message.nak(Math.min(redeliveryDelayMs * 2 ** (deliveries - 1), 30_000))
    }

    /** Runs what settles `message`: a failure is logged (the message is redelivered), and it leaves `inFlight`. */
    const settling = (
      run: string,
      message: NatsClient.JetStreamMessage,
      self: Effect.Effect<void, NatsConnectionError>,
    ): Effect.Effect<void> =>
      self.pipe(
        Effect.catchAll((error) =>
          Effect.logWarning("could not settle a durable message; it will be redelivered", error.message).pipe(
            Effect.annotateLogs({ run, subject: message.subject }),
          ),
        ),
        Effect.ensuring(Effect.sync(() => inFlight.delete(message))),
      )

    /** Delivers one durable message and settles it: ack, nak (redeliver later) or bury. */
    const settle = (run: string, message: NatsClient.JetStreamMessage): Effect.Effect<void> =>
      Effect.gen(function* () {
        const deliveries = message.deliveryCount
        if (deliveries > maxDeliveries) {
          return yield* bury(
            run,
            message,
            undefined,
            `not settled after ${maxDeliveries} deliveries (the process handling it may have died each time)`,
          )
        }
        const decoded = Wire.decodeEnvelope(message.data)
        if (Either.isLeft(decoded))
          return yield* bury(run, message, undefined, `not an envelope: ${decoded.left}`)
        const envelope = decoded.right
        if (TransportSubjects.durableActor(envelope.to) !== message.subject) {
          const reason = `addressed to ${formatAddress(envelope.to)} but published on ${message.subject}`
          return yield* bury(run, message, envelope, reason)
        }
        return yield* afterReply(run, message, envelope, yield* deliverPatiently(envelope))
      }).pipe((self) => settling(run, message, self))

    /**
     * The common case of `settle` without a fiber per message: a well-formed envelope for an actor hosted here,
     * accepted by its mailbox at once. Its ack is queued (`later`) when the handler answered; any other answer
     * is settled in a fiber of its own. Returns false, having done nothing, when `settle` must decide.
     */
    const settleHere = (run: string, message: NatsClient.JetStreamMessage): boolean => {
      if (message.deliveryCount > maxDeliveries) return false
      const subject = message.subject
      const hosted = receivers.get(
        subject.startsWith(`${TransportSubjects.durableRoot}.`)
          ? `${Subjects.root}${subject.slice(TransportSubjects.durableRoot.length)}`
          : "",
      )
      if (hosted === undefined) return false
      const decoded = Wire.decodeRequestTo(message.data, hosted.address)
      // Another address (even an equal one that needs the Schema): `settle` buries or delivers it.
      if (Either.isLeft(decoded) || decoded.right.envelope.to !== hosted.address) return false
      const envelope = decoded.right.envelope
      const pending = hosted.receiver.request(envelope, (reply) => {
        const settled = reply._tag === "Rejected" ? afterReply(run, message, envelope, reply) : message.ack
        // An ack is one synchronous step: queued with the burst. Anything else may wait (a dead letter's publish).
        if (reply._tag === "Rejected") forkNow(settling(run, message, settled))
        else later(settling(run, message, settled))
      })
      // Refused (a full mailbox is waited out, a malformed payload buried): `settle` delivers it again.
      return "cancel" in pending
    }

    /** Tells the server, for every message still being handled, to restart its ack wait. */
    const keepInFlightAlive = Effect.suspend(() =>
      Effect.forEach(Array.from(inFlight), (message) => Effect.ignore(message.working), { discard: true }),
    ).pipe(Effect.repeat(Schedule.spaced(Duration.millis(Math.max(10, ackWaitMs / 3)))), Effect.asVoid, live)

    /** Consumes the run's durable messages for as long as the transport lives, resuming after outages. */
    const consumeRun = (run: string) =>
      Effect.gen(function* () {
        yield* ensureStream(run)
        const consuming = yield* client.consumeWith(
          `LYCEUM_${run}`,
          {
            durable: durable?.consumer ?? "lyceum",
            filterSubject: TransportSubjects.durableRun(run),
            ackWaitMs,
            maxAckPending: durable?.maxAckPending ?? 1_000,
          },
          // From the consumer's callback, in delivery order: handed to a local receiver at once, or started in
          // a fiber (which runs at once until it first waits), so a local receiver enqueues them in order;
          // settled concurrently.
          (message) => {
            inFlight.add(message)
            if (!settleHere(run, message)) forkNow(settle(run, message))
          },
        )
        yield* consuming.closed
      }).pipe(
        Effect.scoped,
        Effect.catchAll((error) =>
          Effect.logWarning("durable consumer stopped; resuming", error.message).pipe(
            Effect.annotateLogs({ run }),
          ),
        ),
        Effect.zipRight(Effect.sleep("200 millis")),
        Effect.forever,
        live,
      )

    // --- receiving: one subscription per hosted actor ----------------------------------------------------

    // Every subscription's callback hands its message to the receiver at once (`deliver`, synchronous, so in
    // arrival order). What is left (answers, logs) is queued; a microtask later one fiber runs everything
    // queued meanwhile (nats.js hands over a whole socket read at once), in order. A published tell thus costs
    // no fiber and no Effect here, and a burst of requests one fiber.
    const fork: ForkNow = Runtime.runFork(runtime)
    let received = 0
    let pending: Array<Effect.Effect<void>> = []
    let draining: Fiber.RuntimeFiber<void> | "scheduled" | undefined
    const drain: Effect.Effect<void> = Effect.suspend(() => {
      const burst = pending
      if (burst.length === 0) return Effect.void
      pending = []
      // Each on its own: a defect in one is logged and the rest of the burst still runs.
      return Effect.zipRight(
        Effect.forEach(
          burst,
          (rest) =>
            rest.pipe(
              Effect.catchAllCause((cause) => Effect.logError("a message could not be handled", cause)),
            ),
          { discard: true },
        ),
        drain,
      )
    })
    /** Runs `rest` after everything queued before it, in the burst's fiber. */
    const later = (rest: Effect.Effect<void>): void => {
      pending.push(rest)
      if (draining === undefined) schedule()
    }
    const startDrain = () => {
      const fiber = fork(
        drain.pipe(
          Effect.catchAllCause((cause) => Effect.logError("a message could not be handled", cause)),
          Effect.ensuring(
            Effect.sync(() => {
              draining = undefined
              // Messages arrived while this fiber was finishing.
              if (pending.length > 0) schedule()
            }),
          ),
        ),
      )
      // Still running (it waits for something): remember it. Done already: its finalizer settled the state.
      if (fiber.unsafePoll() === null) draining = fiber
    }
    const schedule = () => {
      draining = "scheduled"
      queueMicrotask(startDrain)
    }
    const onArrival = (message: NatsClient.NatsMessage) => {
      received++
      let rest: Effect.Effect<void> | undefined
      try {
        rest = onMessage(message)
      } catch (defect) {
        // Thrown out of the subscription's callback, it would end the subscription.
        rest = Effect.logError("a message could not be handled", Cause.die(defect))
      }
      if (rest !== undefined) later(rest)
    }
    /** Resolves once everything that arrived so far was handled. */
    const drained: Effect.Effect<void> = Effect.suspend(() =>
      draining === undefined
        ? Effect.void
        : draining === "scheduled"
          ? Effect.zipRight(Effect.yieldNow(), drained)
          : Effect.zipRight(Fiber.await(draining), drained),
    )

    /** Subscriptions of stopped actors still draining (the transport's close waits for them). */
    const ending = new Set<Fiber.RuntimeFiber<void>>()
    /**
     * Ends a subscription without waiting: its UNSUB is written at once (before anything this process sends
     * next, e.g. the answer to "release these agents"), the drain that answers what was already routed here
     * finishes in the background.
     */
    const endSubscription = (subscription: Scope.CloseableScope) => {
      const fiber = fork(live(Scope.close(subscription, Exit.void)))
      if (fiber.unsafePoll() !== null) return
      ending.add(fiber)
      fiber.addObserver(() => ending.delete(fiber))
    }

    /** Runs whose first subscription here was checked against the server's permissions. */
    const verified = new Set<string>()

    /**
     * Subscribes `subject` for `hosted`; the server has the subscription when this succeeds. The first one of a
     * run is checked: the server reports a subscription it does not permit a round trip after listen's flush,
     * so one more flush, then the subscription must still be open. Later ones are not (a round trip per actor);
     * a refusal then shows in the connection's status log.
     */
    const subscribe = (subject: string, hosted: Hosted): Effect.Effect<void, TransportError> =>
      Effect.gen(function* () {
        const run = hosted.address.run
        const subscription = yield* Scope.make()
        const listening = yield* client.listen(subject, onArrival).pipe(
          Scope.extend(subscription),
          Effect.onError(() => Scope.close(subscription, Exit.void)),
          Effect.mapError((error) => failure(`cannot receive at ${subject}: ${error.message}`, error)),
        )
        if (!verified.has(run)) {
          yield* client.flush.pipe(
            Effect.tapError(() => Scope.close(subscription, Exit.void)),
            Effect.mapError((error) => failure(`cannot receive at ${subject}: ${error.message}`, error)),
          )
          // Polled by a fiber interrupted unless done by then (one left waiting would cost ~4 KB per actor).
          const check = fork(Effect.exit(listening.closed).pipe(Effect.asVoid))
          yield* Effect.yieldNow() // nats.js ends a refused subscription a microtask after the error
          if (check.unsafePoll() === null) {
            check.unsafeInterruptAsFork(FiberId.none)
            verified.add(run)
          } else {
            yield* Scope.close(subscription, Exit.void)
            return yield* failure(
              `cannot receive at ${subject}: the NATS server ended the subscription at once; check that this ` +
                "NATS user may subscribe to it",
            )
          }
        }
        // Unregistered while subscribing: nobody will end it otherwise.
        if (receivers.get(subject) !== hosted) return endSubscription(subscription)
        hosted.subscription = subscription
      })

    // The actor systems on this transport are closed first, so what is left here are stragglers.
    yield* Scope.addFinalizer(
      scope,
      Effect.suspend(() => {
        for (const hosted of receivers.values())
          if (hosted.subscription !== undefined) endSubscription(hosted.subscription)
        return Effect.forEach(Array.from(ending), Fiber.await, { discard: true })
      }).pipe(Effect.zipRight(drained), Effect.timeout("5 seconds"), Effect.ignore, live),
    )

    // --- serving runs: durable consumption ----------------------------------------------------------------

    const startServing = (run: string): Effect.Effect<void, TransportError> =>
      Effect.gen(function* () {
        const valid = Subjects.validateToken("run", run)
        if (Either.isLeft(valid)) return yield* failure(valid.left.message)
        if (consumeDurable) yield* Effect.forkIn(consumeRun(run), scope)
        served.add(run)
      })

    const serve = (run: string): Effect.Effect<void, TransportError> =>
      served.has(run) ? Effect.void : once(runs, run, () => startServing(run))

    const register = (address: ActorAddress, receiver: Receiver) =>
      Effect.suspend((): Effect.Effect<void, AddressInUse | TransportError> => {
        const subject = TransportSubjects.actor(address)
        if (receivers.has(subject)) return Effect.fail(new AddressInUse({ address }))
        const hosted: Hosted = { address, receiver, subscription: undefined }
        receivers.set(subject, hosted)
        return Effect.zipRight(serve(address.run), subscribe(subject, hosted)).pipe(
          Effect.tapError(() =>
            Effect.sync(() => {
              if (receivers.get(subject) === hosted) receivers.delete(subject)
            }),
          ),
          live,
        )
      })

    const unregister = (address: ActorAddress, receiver: Receiver) =>
      Effect.sync(() => {
        const subject = TransportSubjects.actor(address)
        const hosted = receivers.get(subject)
        if (hosted?.receiver !== receiver) return
        receivers.delete(subject)
        if (hosted.subscription !== undefined) endSubscription(hosted.subscription)
      })

    const deadLetters = (run: string) =>
      Effect.gen(function* () {
        const valid = Subjects.validateToken("run", run)
        if (Either.isLeft(valid)) return yield* failure(valid.left.message)
        const messages = yield* client.subscribe(TransportSubjects.deadLetter(run))
        return messages.pipe(
          Stream.filterMap((message) => Either.getRight(Wire.decodeDeadLetter(message.data))),
          Stream.mapError((error) => failure(`dead-letter subscription ended: ${error.message}`, error)),
        )
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "TransportError"
            ? error
            : failure(`cannot subscribe to dead letters: ${error.message}`, error),
        ),
      )

    if (consumeDurable) yield* Effect.forkIn(keepInFlightAlive, scope)
    yield* Effect.forEach(options.runs ?? [], serve, { discard: true })

    return {
      register,
      unregister,
      tell,
      ask,
      serve,
      tellDurable,
      deadLetters,
      received: Effect.sync(() => received),
    }
  })

/** Provides `NatsTransport` and `Transport` over the `NatsClient` in context. */
export const layerClient = (
  options: NatsTransportOptions = {},
): Layer.Layer<NatsTransport | Transport, TransportError, NatsClient.NatsClient> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const transport = yield* make(yield* NatsClient.NatsClient, options)
      return Context.make(NatsTransport, transport).pipe(Context.add(Transport, transport))
    }),
  )

/**
 * Provides `NatsTransport` and `Transport` over a connection of their own: what a process running actors
 * over NATS provides instead of `LocalTransport.layer()`.
 */
export const layer = (
  options: NatsTransportLayerOptions,
): Layer.Layer<
  NatsTransport | Transport,
  TransportError | NatsConnectionError | NatsPermissionDenied | NatsCredentialsError
> => layerClient(options).pipe(Layer.provide(NatsClient.layer(options.nats)))
