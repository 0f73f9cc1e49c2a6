/**
 * The one adapter over the `nats` package: a scoped connection with core pub/sub, request/reply and the
 * few JetStream operations Lyceum needs. Every error `nats` can raise is mapped here, and only here, to the
 * tagged errors of `NatsError.ts`.
 */

import {
  Context,
  Deferred,
  Duration,
  Effect,
  Exit,
  Layer,
  Mailbox,
  Runtime,
  Schema,
  type Scope,
  Stream,
} from "effect"
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  nanos,
  headers as natsHeaders,
  RetentionPolicy,
  type Status,
  StorageType,
  type StreamConfig,
  type Subscription,
} from "nats"
import { describeCredentials, InboxPrefix, redactServers, toConnectionOptions } from "./ConnectOptions.js"
import {
  JetStreamError,
  NatsConnectionError,
  type NatsCredentialsError,
  NatsNoResponders,
  NatsPayloadTooLarge,
  NatsPermissionDenied,
  NatsTimeout,
} from "./NatsError.js"

const Millis = Schema.Int.pipe(Schema.nonNegative())

/** How to reach NATS; a Schema so that a scenario file can declare it. Secrets decode to `Redacted`. */
export const NatsClientOptions = Schema.Struct({
  servers: Schema.NonEmptyArray(Schema.String).annotations({
    description: "NATS server URLs, e.g. nats://127.0.0.1:4222; the client fails over between them",
  }),
  name: Schema.optional(Schema.String).annotations({ description: "Connection name shown by the server" }),
  user: Schema.optional(Schema.String),
  pass: Schema.optional(Schema.Redacted(Schema.String)),
  token: Schema.optional(Schema.Redacted(Schema.String)),
  nkeyFile: Schema.optional(Schema.String).annotations({
    description: "File holding an NKey user seed (SU...); the server lists its public key (U...)",
  }),
  credsFile: Schema.optional(Schema.String).annotations({
    description: "A .creds file (user JWT and NKey seed, as `nsc generate creds` writes it)",
  }),
  tls: Schema.optional(
    Schema.Struct({
      caFile: Schema.optional(Schema.String),
      certFile: Schema.optional(Schema.String),
      keyFile: Schema.optional(Schema.String),
    }),
  ).annotations({ description: "Require TLS; files for a private CA and for client certificates" }),
  connectTimeoutMs: Schema.optional(Millis).annotations({ description: "Default 5000" }),
  reconnectTimeWaitMs: Schema.optional(Millis).annotations({
    description: "Pause between reconnects; default 1000",
  }),
  maxReconnectAttempts: Schema.optional(Schema.Int).annotations({
    description: "-1 (default) retries forever",
  }),
  noAsyncTraces: Schema.optional(Schema.Boolean).annotations({
    description:
      "true (default): requests skip capturing the caller's stack for nats.js errors (two Errors per request, " +
      "~10 % of a request's CPU); our errors name the subject and server anyway. false: nats.js errors carry it",
  }),
  inboxPrefix: Schema.optional(InboxPrefix).annotations({
    description:
      "Replies (requests, JetStream pulls) arrive on `<prefix>.>` instead of `_INBOX.>`; default _INBOX. A server " +
      "that lets each user subscribe only to its own prefix keeps one client from reading another's replies",
  }),
}).annotations({ identifier: "NatsClientOptions" })
export type NatsClientOptions = typeof NatsClientOptions.Type

/** Message headers; NATS allows repeated keys, we keep the first value. */
export type Headers = Readonly<Record<string, string>>

/** A core NATS message (from `subscribe`, or the reply of `request`). */
export interface NatsMessage {
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Headers
  /** Where the requester waits for an answer; undefined for a plain publish. */
  readonly reply: string | undefined
  /** Answers a request; fails with `NatsNoResponders` when the message was published, not requested. */
  readonly respond: (
    data: Uint8Array,
    headers?: Headers,
  ) => Effect.Effect<void, PublishError | NatsNoResponders>
}

/** A JetStream message; it is redelivered after `ackWaitMs` until acked (or `maxDeliver` is reached). */
export interface JetStreamMessage {
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Headers
  /** The message's `Nats-Msg-Id` (its idempotency key), if it was published with one. */
  readonly msgId: string | undefined
  /** Position in the stream; stable across redeliveries. */
  readonly streamSequence: number
  /** 1 on first delivery, then 2, 3, ... */
  readonly deliveryCount: number
  /** Done: never deliver again. */
  readonly ack: Effect.Effect<void, NatsConnectionError>
  /** Failed for now: deliver again, after `delayMs` if given. */
  readonly nak: (delayMs?: number) => Effect.Effect<void, NatsConnectionError>
  /** Poison: never deliver again (the caller records it as a dead letter). */
  readonly term: (reason?: string) => Effect.Effect<void, NatsConnectionError>
  /** Still working on it: restart the ack-wait timer. */
  readonly working: Effect.Effect<void, NatsConnectionError>
}

/** The server's answer to a durable publish; `duplicate` means the `Nats-Msg-Id` was already stored. */
export interface PublishAck {
  readonly stream: string
  readonly seq: number
  readonly duplicate: boolean
}

export interface EnsureStreamOptions {
  /** Publishes with a `Nats-Msg-Id` seen within this window are stored once. Default 2 minutes. */
  readonly duplicateWindowMs?: number
  /** Default "file" (survives a server restart). */
  readonly storage?: "file" | "memory"
  /** Drop messages older than this; default keep forever. */
  readonly maxAgeMs?: number
  /**
   * "limits" (default): kept until the limits drop them. "workqueue": a message is removed once a consumer
   * acks it, and each message goes to one consumer (a stream's retention cannot change once created).
   */
  readonly retention?: "limits" | "workqueue"
  /** Copies kept on a JetStream cluster (1, 3 or 5; at most the cluster's size). Default 1. */
  readonly replicas?: number
}

export interface StreamState {
  readonly messages: number
  readonly bytes: number
  readonly firstSeq: number
  readonly lastSeq: number
  readonly consumers: number
}

export interface ConsumeOptions {
  /** Durable consumer name: a restarted process resumes where the last one acked. */
  readonly durable: string
  /** Only messages on this subject (wildcards allowed); default the whole stream. */
  readonly filterSubject?: string
  /** Deliveries before the server gives up on a message; default unlimited. */
  readonly maxDeliver?: number
  /** Redeliver a message not acked within this time; default 30 s. */
  readonly ackWaitMs?: number
  /** Unacked messages in flight before the server pauses delivery; default 1000. */
  readonly maxAckPending?: number
  /** Messages fetched per pull; default 100. */
  readonly batch?: number
}

export type PublishError = NatsPayloadTooLarge | NatsPermissionDenied | NatsConnectionError
export type SubscribeError = NatsPermissionDenied | NatsConnectionError
export type RequestError = NatsTimeout | NatsNoResponders | PublishError
export type DurablePublishError = JetStreamError | NatsTimeout | PublishError
export type JetStreamManageError = JetStreamError | NatsConnectionError

/** A live connection. Closing its scope drains it: in-flight messages are delivered before it closes. */
export interface NatsClient {
  /** The connected server's `max_payload`: the largest message it accepts, headers included. */
  readonly maxPayload: Effect.Effect<number>
  /** Fire-and-forget publish (at most once). */
  readonly publish: (
    subject: string,
    data: Uint8Array,
    headers?: Headers,
  ) => Effect.Effect<void, PublishError>
  /** Waits until the server has processed everything sent so far. */
  readonly flush: Effect.Effect<void, NatsConnectionError>
  /**
   * Subscribes at once (the server knows the subscription when this succeeds); the stream yields messages
   * until the scope closes. With `queue`, each message goes to one member of the queue group.
   */
  readonly subscribe: (
    subject: string,
    queue?: string,
  ) => Effect.Effect<Stream.Stream<NatsMessage, SubscribeError>, SubscribeError, Scope.Scope>
  /**
   * Subscribes at once, like `subscribe`, but calls `onMessage` from the connection's own callback: each
   * message in arrival order, synchronously, with no buffer and no fiber in between (what `subscribe` pays a
   * Mailbox and a Stream for). While `onMessage` runs nothing else is read from the connection, so it should
   * start longer work in a fiber. Until the scope closes; `closed` completes when the subscription ends and
   * fails with its error (e.g. permission denied). An exception thrown by `onMessage` ends the subscription,
   * and `closed` dies with it.
   */
  readonly listen: (
    subject: string,
    onMessage: (message: NatsMessage) => void,
    queue?: string,
  ) => Effect.Effect<Listening, SubscribeError, Scope.Scope>
  /** Request/reply: the first answer, or `NatsNoResponders` at once, or `NatsTimeout`. */
  readonly request: (
    subject: string,
    data: Uint8Array,
    timeoutMs: number,
    headers?: Headers,
  ) => Effect.Effect<NatsMessage, RequestError>
  /** Creates the stream, or updates its subjects and limits; safe to call from every process. */
  readonly ensureStream: (
    name: string,
    subjects: ReadonlyArray<string>,
    options?: EnsureStreamOptions,
  ) => Effect.Effect<void, JetStreamManageError>
  readonly streamInfo: (name: string) => Effect.Effect<StreamState, JetStreamManageError>
  readonly deleteStream: (name: string) => Effect.Effect<void, JetStreamManageError>
  /** Whether the stream holds a message on `subject` (no wildcards). */
  readonly hasMessageOn: (stream: string, subject: string) => Effect.Effect<boolean, JetStreamManageError>
  /** Removes the stream's messages on `subject` (wildcards allowed); returns how many. */
  readonly purgeSubject: (stream: string, subject: string) => Effect.Effect<number, JetStreamManageError>
  /** Deletes a durable consumer; a consumer that is not there counts as deleted. */
  readonly deleteConsumer: (stream: string, durable: string) => Effect.Effect<void, JetStreamManageError>
  /** Creates the durable pull consumer, or updates its settings; safe to call from every process. */
  readonly ensureConsumer: (
    stream: string,
    options: ConsumeOptions,
  ) => Effect.Effect<void, JetStreamManageError>
  /**
   * Pulls up to `max` messages from an existing durable consumer, waiting at most `expiresMs` for the first:
   * none when nothing came. What it pulls is the caller's to settle (nothing is pulled ahead and left to
   * time out, unlike `consume`), so a process pulls only what it has room for.
   */
  readonly fetch: (
    stream: string,
    durable: string,
    max: number,
    expiresMs: number,
  ) => Effect.Effect<ReadonlyArray<JetStreamMessage>, JetStreamManageError>
  /** Milliseconds since the connection was lost, 0 while connected (the client reconnects meanwhile). */
  readonly disconnectedForMs: Effect.Effect<number>
  /** Publishes into JetStream with `Nats-Msg-Id: msgId`, so a retried publish is stored once. */
  readonly publishDurable: (
    subject: string,
    data: Uint8Array,
    msgId: string,
    headers?: Headers,
  ) => Effect.Effect<PublishAck, DurablePublishError>
  /**
   * Creates or updates the durable pull consumer now; the stream pulls while it runs. Every message must be
   * acked, nakked or termed.
   */
  readonly consume: (
    stream: string,
    options: ConsumeOptions,
  ) => Effect.Effect<Stream.Stream<JetStreamMessage, JetStreamManageError>, JetStreamManageError>
  /**
   * `consume` without the Stream: creates or updates the consumer, then pulls while the scope is open and
   * calls `onMessage` from the consumer's callback, in delivery order, with no buffer in between (the
   * server's `maxAckPending` bounds what is delivered and unsettled). `onMessage` must return quickly (start
   * a fiber for the work); an exception thrown by it stops the consumer, and `closed` dies with it.
   */
  readonly consumeWith: (
    stream: string,
    options: ConsumeOptions,
    onMessage: (message: JetStreamMessage) => void,
  ) => Effect.Effect<Consuming, JetStreamManageError, Scope.Scope>
}

/** A durable consumer started by `consumeWith`. */
export interface Consuming {
  /** Completes when the consumer stopped (scope closed, connection closed); fails with its error. */
  readonly closed: Effect.Effect<void, JetStreamManageError>
}

/** A subscription made by `listen`. */
export interface Listening {
  /** Completes when the subscription has ended (scope closed, connection closed); fails with its error. */
  readonly closed: Effect.Effect<void, SubscribeError>
}

/** The service tag of the client provided by `layer`. */
export const NatsClient: Context.Tag<NatsClient, NatsClient> =
  Context.GenericTag<NatsClient>("@lyceum/nats/NatsClient")

// ---------------------------------------------------------------------------------------------------------
// Error mapping: the only place that looks inside errors thrown by `nats`.

const permissionCodes = new Set([
  "AUTHORIZATION_VIOLATION",
  "PERMISSIONS_VIOLATION",
  "BAD_AUTHENTICATION",
  "BAD_CREDS",
  "AUTHENTICATION_EXPIRED",
  "AUTHENTICATION_TIMEOUT",
  "ACCOUNT_EXPIRED",
])
const connectionCodes = new Set([
  "CONNECTION_REFUSED",
  "CONNECTION_CLOSED",
  "CONNECTION_DRAINING",
  "CONNECTION_TIMEOUT",
  "DISCONNECT",
  "TLS",
  "NATS_PROTOCOL_ERR",
  "SERVER_OPT_NA",
  "WSS_REQUIRED",
])

type Kind = "payload" | "timeout" | "noResponders" | "permission" | "connection" | "api" | "other"

interface Raw {
  readonly code: string | undefined
  readonly text: string
  readonly apiCode: number | undefined
  readonly kind: Kind
}

const inspect = (cause: unknown): Raw => {
  const e = (typeof cause === "object" && cause !== null ? cause : {}) as {
    code?: unknown
    message?: unknown
    api_error?: { err_code?: number; description?: string }
    chainedError?: { message?: string }
  }
  const code = typeof e.code === "string" ? e.code : undefined
  const base = e.api_error?.description ?? (typeof e.message === "string" ? e.message : String(cause))
  const text = e.chainedError?.message !== undefined ? `${base}: ${e.chainedError.message}` : base
  const apiCode = e.api_error?.err_code
  const kind: Kind =
    code === undefined
      ? "other"
      : code === "MAX_PAYLOAD_EXCEEDED"
        ? "payload"
        : code === "TIMEOUT"
          ? "timeout"
          : code === "503"
            ? "noResponders"
            : permissionCodes.has(code)
              ? "permission"
              : connectionCodes.has(code)
                ? "connection"
                : e.api_error !== undefined
                  ? "api"
                  : "other"
  return { code, text, apiCode, kind }
}

const connectionLost = (server: string, what: string, raw: Raw, cause: unknown) =>
  new NatsConnectionError({
    server,
    message: `NATS ${what} failed: the connection to ${server} is unusable (${raw.text}); check that nats-server is running and reachable`,
    cause,
  })

const denied = (server: string, what: string, subject: string, raw: Raw, cause: unknown) =>
  new NatsPermissionDenied({
    server,
    subject,
    message: `NATS server ${server} denied ${what} on ${subject} (${raw.text}); grant it in the server's authorization config`,
    cause,
  })

const tooLarge = (server: string, subject: string, size: number, maxPayload: number) =>
  new NatsPayloadTooLarge({
    server,
    subject,
    size,
    maxPayload,
    message: `A ${size}-byte message on ${subject} exceeds max_payload (${maxPayload} bytes) of NATS server ${server}; send smaller messages or raise max_payload in the server config`,
  })

// Invalid arguments (a malformed subject, a bad option) are bugs, not conditions to handle: they become
// defects. Mappers return this marker and `dieOnUnexpected` turns it into a defect.
class Unexpected {
  readonly error: Error
  constructor(what: string, subject: string, raw: Raw, cause: unknown) {
    this.error = new Error(`NATS ${what} on ${JSON.stringify(subject)} failed unexpectedly: ${raw.text}`, {
      cause,
    })
  }
}

const dieOnUnexpected = <A, E, R>(self: Effect.Effect<A, E | Unexpected, R>): Effect.Effect<A, E, R> =>
  Effect.catchIf(
    self,
    (e): e is Unexpected => e instanceof Unexpected,
    (e) => Effect.die(e.error),
  ) as Effect.Effect<A, E, R>

const connectError = (
  servers: string,
  credentials: string,
  cause: unknown,
): NatsConnectionError | NatsPermissionDenied => {
  const raw = inspect(cause)
  return raw.kind === "permission"
    ? new NatsPermissionDenied({
        server: servers,
        message: `NATS server ${servers} rejected ${credentials} (${raw.text}); check that credential`,
        cause,
      })
    : new NatsConnectionError({
        server: servers,
        message: `Could not connect to NATS at ${servers} (${raw.text}); check that nats-server is running there and the URL, port and TLS settings are right`,
        cause,
      })
}

// ---------------------------------------------------------------------------------------------------------

const emptyHeaders: Headers = Object.freeze({})

const fromNatsHeaders = (h: MsgHdrs | undefined): Headers => {
  if (h === undefined) return emptyHeaders
  const out: Record<string, string> = {}
  for (const [key, values] of h) {
    const first = values[0]
    if (first !== undefined) out[key] = first
  }
  return out
}

const toNatsHeaders = (h: Headers): MsgHdrs => {
  const out = natsHeaders()
  for (const [key, value] of Object.entries(h)) out.set(key, value)
  return out
}

// A subject with whitespace would be read by the server as a different PUB line, silently misrouting it.
const validSubject = (subject: string): boolean => subject.length > 0 && !/\s/.test(subject)
const checkSubject = (subject: string): Effect.Effect<void> =>
  validSubject(subject)
    ? Effect.void
    : Effect.die(new Error(`Invalid NATS subject ${JSON.stringify(subject)}: empty or contains whitespace`))

const logStatus = (status: Status): Effect.Effect<void> => {
  const data = typeof status.data === "string" || typeof status.data === "number" ? String(status.data) : ""
  const log = Effect.annotateLogs({ natsEvent: status.type, natsData: data })
  switch (status.type) {
    case "disconnect":
    case "error":
    case "ldm":
      return log(Effect.logWarning(`NATS ${status.type}`))
    case "reconnect":
      return log(Effect.logInfo("NATS reconnected"))
    default:
      return log(Effect.logDebug(`NATS ${status.type}`))
  }
}

const drain = (nc: NatsConnection): Effect.Effect<void> =>
  Effect.tryPromise(() => nc.drain()).pipe(
    // Draining waits for the server; if it is gone for good, give up and close.
    Effect.timeout(Duration.seconds(5)),
    Effect.ignore,
    // A drain that starts while disconnected resolves without closing, and the client would go on
    // reconnecting forever: always close.
    Effect.zipRight(Effect.tryPromise(() => nc.close()).pipe(Effect.ignore)),
    Effect.when(() => !nc.isClosed()),
    Effect.asVoid,
  )

// How long we wait for the server to answer a flush or a JetStream API call.
const answerTimeoutMs = 5_000

/** Connects; the connection drains when the scope closes. */
export const make = (
  options: NatsClientOptions,
): Effect.Effect<
  NatsClient,
  NatsConnectionError | NatsPermissionDenied | NatsCredentialsError,
  Scope.Scope
> =>
  Effect.gen(function* () {
    // Redacted: a password or token embedded in a URL never reaches a message.
    const servers = redactServers(options.servers)
    const connectionOptions = yield* toConnectionOptions(options)
    const nc = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => connect(connectionOptions),
        catch: (cause) => connectError(servers, describeCredentials(options), cause),
      }),
      drain,
    )
    // A plain loop, not a Stream: an async generator's `return()` waits for the next event, so a Stream
    // finalizer over it would hang a quiet connection's shutdown. The loop ends when the connection closes.
    const runtime = yield* Effect.runtime<never>()
    /** When the connection was lost (Date.now()), undefined while connected. */
    let disconnectedAt: number | undefined
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") disconnectedAt ??= Date.now()
        else if (status.type === "reconnect") disconnectedAt = undefined
        Runtime.runFork(runtime)(logStatus(status))
      }
    })()

    const server = () => nc.getServer()
    const maxPayloadNow = () => nc.info?.max_payload ?? 1024 * 1024
    const js: JetStreamClient = nc.jetstream({ timeout: answerTimeoutMs })
    // checkAPI=false: no round trip now; a server without JetStream answers the first real call with 503.
    let cachedManager: Promise<JetStreamManager> | undefined
    const manager = () => {
      cachedManager ??= nc.jetstreamManager({ timeout: answerTimeoutMs, checkAPI: false })
      return cachedManager
    }

    // --- core ---------------------------------------------------------------------------------------------

    const publishError = (cause: unknown, subject: string, size: number): PublishError | Unexpected => {
      const raw = inspect(cause)
      switch (raw.kind) {
        case "payload":
          return tooLarge(server(), subject, size, maxPayloadNow())
        case "permission":
          return denied(server(), "publish", subject, raw, cause)
        case "connection":
          return connectionLost(server(), `publish on ${subject}`, raw, cause)
        default:
          return new Unexpected("publish", subject, raw, cause)
      }
    }

    const publish = (
      subject: string,
      data: Uint8Array,
      headers?: Headers,
    ): Effect.Effect<void, PublishError> =>
      // One synchronous step (the hot path of every tell, ack and reply); the same outcomes as
      // `checkSubject` then `Effect.try` with `dieOnUnexpected`.
      Effect.suspend(() => {
        if (!validSubject(subject)) return checkSubject(subject)
        try {
          nc.publish(subject, data, headers ? { headers: toNatsHeaders(headers) } : undefined)
          return Effect.void
        } catch (cause) {
          const error = publishError(cause, subject, data.length)
          return error instanceof Unexpected ? Effect.die(error.error) : Effect.fail(error)
        }
      })

    const toMessage = (msg: Msg): NatsMessage => {
      const reply = msg.reply === "" ? undefined : msg.reply
      return {
        subject: msg.subject,
        data: msg.data,
        get headers() {
          return fromNatsHeaders(msg.headers)
        },
        reply,
        respond: (data, headers) =>
          reply !== undefined
            ? publish(reply, data, headers)
            : Effect.fail(
                new NatsNoResponders({
                  server: server(),
                  subject: msg.subject,
                  message: `Cannot respond to a message on ${msg.subject}: it was published, not requested, so nobody waits for an answer`,
                }),
              ),
      }
    }

    const flush: Effect.Effect<void, NatsConnectionError> = Effect.tryPromise({
      try: () => nc.flush(),
      catch: (cause) => connectionLost(server(), "flush", inspect(cause), cause),
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(answerTimeoutMs),
        onTimeout: () =>
          new NatsConnectionError({
            server: server(),
            message: `NATS server ${server()} did not answer a flush within ${answerTimeoutMs} ms; it is overloaded or unreachable`,
          }),
      }),
    )

    const subscribeError = (cause: unknown, subject: string): SubscribeError | Unexpected => {
      const raw = inspect(cause)
      switch (raw.kind) {
        case "permission":
          return denied(server(), "subscribe", subject, raw, cause)
        case "connection":
          return connectionLost(server(), `subscribe to ${subject}`, raw, cause)
        default:
          return new Unexpected("subscribe", subject, raw, cause)
      }
    }

    const subscribe = (subject: string, queue?: string) =>
      Effect.gen(function* () {
        // A mailbox fed by `listen`, not the subscription's own iterator: it hands the stream whole chunks, and
        // delivers what was buffered before ending when the subscription closes.
        const mailbox = yield* Mailbox.make<NatsMessage, SubscribeError>()
        const listening = yield* listen(subject, (message) => void mailbox.unsafeOffer(message), queue)
        // Not scoped: it must outlive the scope's close, which is what ends the subscription.
        yield* Effect.forkDaemon(
          Effect.exit(listening.closed).pipe(Effect.flatMap((exit) => mailbox.done(exit))),
        )
        return Mailbox.toStream(mailbox)
      })

    const listen = (subject: string, onMessage: (message: NatsMessage) => void, queue?: string) =>
      Effect.gen(function* () {
        yield* checkSubject(subject)
        const closed = yield* Deferred.make<void, SubscribeError>()
        let subscription: Subscription | undefined
        const sub = yield* Effect.acquireRelease(
          Effect.try({
            try: () =>
              nc.subscribe(subject, {
                ...(queue !== undefined ? { queue } : {}),
                callback: (error, msg) => {
                  if (error) {
                    const mapped = subscribeError(error, subject)
                    Deferred.unsafeDone(
                      closed,
                      mapped instanceof Unexpected ? Exit.die(mapped.error) : Exit.fail(mapped),
                    )
                    return
                  }
                  try {
                    onMessage(toMessage(msg))
                  } catch (defect) {
                    Deferred.unsafeDone(closed, Exit.die(defect))
                    if (subscription !== undefined && !subscription.isClosed()) subscription.unsubscribe()
                  }
                },
              }),
            catch: (cause) => subscribeError(cause, subject),
          }).pipe(dieOnUnexpected),
          // Drained, not just unsubscribed: what the server routed here before it saw the unsubscribe still
          // reaches `onMessage` (a request is answered rather than left to time out). Bounded, since a drain
          // waits for the server; then unsubscribe whatever the outcome.
          (sub) =>
            sub.isClosed()
              ? Effect.void
              : Effect.tryPromise(() => sub.drain()).pipe(
                  Effect.timeout(Duration.seconds(2)),
                  Effect.ignore,
                  Effect.zipRight(Effect.sync(() => sub.isClosed() || sub.unsubscribe())),
                ),
        )
        subscription = sub
        void sub.closed.then(() => Deferred.unsafeDone(closed, Exit.void))
        yield* flush
        const listening: Listening = { closed: Deferred.await(closed) }
        return listening
      })

    const requestError = (
      cause: unknown,
      subject: string,
      size: number,
      timeoutMs: number,
    ): RequestError | Unexpected => {
      const raw = inspect(cause)
      switch (raw.kind) {
        case "timeout":
          return new NatsTimeout({
            server: server(),
            subject,
            timeoutMs,
            message: `No reply on ${subject} from NATS server ${server()} within ${timeoutMs} ms; the responder is slow or stuck: raise the timeout or check the responder`,
          })
        case "noResponders":
          return new NatsNoResponders({
            server: server(),
            subject,
            message: `No responders on ${subject} at NATS server ${server()}: nothing subscribes to it; start the receiving worker before asking`,
          })
        default:
          return publishError(cause, subject, size)
      }
    }

    const request = (subject: string, data: Uint8Array, timeoutMs: number, headers?: Headers) =>
      Effect.zipRight(
        checkSubject(subject),
        Effect.tryPromise({
          try: () =>
            nc.request(subject, data, {
              timeout: timeoutMs,
              ...(headers ? { headers: toNatsHeaders(headers) } : {}),
            }),
          catch: (cause) => requestError(cause, subject, data.length, timeoutMs),
        }).pipe(dieOnUnexpected),
      ).pipe(Effect.map(toMessage))

    // --- JetStream ----------------------------------------------------------------------------------------

    const manageError = (cause: unknown, what: string, stream: string): JetStreamManageError => {
      const raw = inspect(cause)
      const fail = (message: string) =>
        new JetStreamError({
          server: server(),
          stream,
          ...(raw.apiCode !== undefined ? { code: raw.apiCode } : {}),
          message,
          cause,
        })
      switch (raw.kind) {
        case "connection":
          return connectionLost(server(), what, raw, cause)
        case "noResponders":
          return fail(
            `JetStream is not enabled on NATS server ${server()} (${what}); start nats-server with -js or a jetstream {} block`,
          )
        case "timeout":
          return fail(
            `JetStream on NATS server ${server()} did not answer ${what} within ${answerTimeoutMs} ms; it may be recovering or overloaded`,
          )
        default:
          return fail(`JetStream ${what} failed on NATS server ${server()}: ${raw.text}`)
      }
    }

    const jsm = <A>(what: string, stream: string, f: (m: JetStreamManager) => Promise<A>) =>
      Effect.tryPromise({
        try: () => manager().then(f),
        catch: (cause) => manageError(cause, what, stream),
      })

    const streamNotFound = 10059
    const consumerNotFound = 10014
    const streamNameInUse = 10058

    const ensureStream = Effect.fn("NatsClient.ensureStream")(function* (
      name: string,
      subjects: ReadonlyArray<string>,
      options: EnsureStreamOptions = {},
    ) {
      const storage = options.storage === "memory" ? StorageType.Memory : StorageType.File
      const wanted: Partial<StreamConfig> = {
        name,
        subjects: [...subjects],
        storage,
        duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
        max_age: nanos(options.maxAgeMs ?? 0),
        retention: options.retention === "workqueue" ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
        num_replicas: options.replicas ?? 1,
      }
      const attempt = Effect.gen(function* () {
        const existing = yield* jsm(`stream info of ${name}`, name, (m) => m.streams.info(name)).pipe(
          Effect.catchIf(
            (e) => e._tag === "JetStreamError" && e.code === streamNotFound,
            () => Effect.succeed(undefined),
          ),
        )
        if (existing === undefined) {
          yield* jsm(`create stream ${name}`, name, (m) => m.streams.add(wanted))
          return
        }
        const have = existing.config
        if (have.storage !== storage) {
          return yield* new JetStreamError({
            server: server(),
            stream: name,
            message: `Stream ${name} on ${server()} exists with ${have.storage} storage, not ${storage}; delete it or ask for the same storage`,
          })
        }
        if (have.retention !== wanted.retention) {
          return yield* new JetStreamError({
            server: server(),
            stream: name,
            message: `Stream ${name} on ${server()} exists with ${have.retention} retention, not ${wanted.retention}; a stream's retention cannot change: delete it (nats stream rm ${name}) and start again`,
          })
        }
        const sameSubjects =
          have.subjects.length === subjects.length && subjects.every((s) => have.subjects.includes(s))
        if (
          !sameSubjects ||
          have.duplicate_window !== wanted.duplicate_window ||
          have.max_age !== wanted.max_age ||
          have.num_replicas !== wanted.num_replicas
        ) {
          yield* jsm(`update stream ${name}`, name, (m) =>
            m.streams.update(name, { ...have, ...wanted, subjects: [...subjects] }),
          )
        }
      })
      // Two processes creating the same stream at once: the loser finds it on the second attempt.
      yield* attempt.pipe(
        Effect.retry({ times: 1, while: (e) => e._tag === "JetStreamError" && e.code === streamNameInUse }),
      )
    })

    const streamInfo = (name: string) =>
      jsm(`stream info of ${name}`, name, (m) => m.streams.info(name)).pipe(
        Effect.map(
          (info): StreamState => ({
            messages: info.state.messages,
            bytes: info.state.bytes,
            firstSeq: info.state.first_seq,
            lastSeq: info.state.last_seq,
            consumers: info.state.consumer_count,
          }),
        ),
      )

    const deleteStream = (name: string) =>
      jsm(`delete stream ${name}`, name, (m) => m.streams.delete(name)).pipe(Effect.asVoid)

    const noMessageFound = 10037
    const hasMessageOn = (stream: string, subject: string) =>
      jsm(`last message on ${subject} in ${stream}`, stream, (m) =>
        m.streams.getMessage(stream, { last_by_subj: subject }),
      ).pipe(
        Effect.as(true),
        Effect.catchIf(
          (e) => e._tag === "JetStreamError" && e.code === noMessageFound,
          () => Effect.succeed(false),
        ),
      )

    const deleteConsumer = (stream: string, durable: string) =>
      jsm(`delete consumer ${durable}`, stream, (m) => m.consumers.delete(stream, durable)).pipe(
        Effect.asVoid,
        Effect.catchIf(
          (e) => e._tag === "JetStreamError" && e.code === consumerNotFound,
          () => Effect.void,
        ),
      )

    const purgeSubject = (stream: string, subject: string) =>
      jsm(`purge ${subject} from ${stream}`, stream, (m) =>
        m.streams.purge(stream, { filter: subject }),
      ).pipe(Effect.map((response) => response.purged))

    const durablePublishError = (
      cause: unknown,
      subject: string,
      size: number,
    ): DurablePublishError | Unexpected => {
      const raw = inspect(cause)
      switch (raw.kind) {
        case "timeout":
          return new NatsTimeout({
            server: server(),
            subject,
            timeoutMs: answerTimeoutMs,
            message: `JetStream on NATS server ${server()} did not acknowledge a publish on ${subject} within ${answerTimeoutMs} ms; retry with the same msgId (it is deduplicated)`,
          })
        case "noResponders":
          return new JetStreamError({
            server: server(),
            subject,
            message: `No JetStream stream captures ${subject} on NATS server ${server()}; call ensureStream for it first (and run nats-server with JetStream, -js)`,
            cause,
          })
        case "payload":
        case "permission":
        case "connection":
          return publishError(cause, subject, size)
        default:
          return new JetStreamError({
            server: server(),
            subject,
            ...(raw.apiCode !== undefined ? { code: raw.apiCode } : {}),
            message: `JetStream publish on ${subject} failed on NATS server ${server()}: ${raw.text}`,
            cause,
          })
      }
    }

    const publishDurable = (subject: string, data: Uint8Array, msgId: string, headers?: Headers) =>
      Effect.zipRight(
        checkSubject(subject),
        Effect.tryPromise({
          try: () =>
            js.publish(subject, data, {
              msgID: msgId,
              ...(headers ? { headers: toNatsHeaders(headers) } : {}),
            }),
          catch: (cause) => durablePublishError(cause, subject, data.length),
        }).pipe(dieOnUnexpected),
      ).pipe(
        Effect.map((ack): PublishAck => ({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate })),
      )

    const settle = (what: string, subject: string, f: () => void) =>
      Effect.try({
        try: f,
        catch: (cause) => connectionLost(server(), `${what} of ${subject}`, inspect(cause), cause),
      })

    // Headers are parsed when read: the transport never reads them on its hot path.
    const toJetStreamMessage = (m: JsMsg): JetStreamMessage => {
      return {
        subject: m.subject,
        data: m.data,
        get headers() {
          return fromNatsHeaders(m.headers)
        },
        get msgId() {
          const msgId = m.headers?.get("Nats-Msg-Id")
          return msgId === undefined || msgId === "" ? undefined : msgId
        },
        streamSequence: m.seq,
        deliveryCount: m.info.redeliveryCount,
        ack: settle("ack", m.subject, () => m.ack()),
        nak: (delayMs) => settle("nak", m.subject, () => m.nak(delayMs)),
        term: (reason) => settle("term", m.subject, () => m.term(reason)),
        working: settle("working", m.subject, () => m.working()),
      }
    }

    /** Creates or updates the durable consumer. */
    const prepareConsumer = Effect.fn("NatsClient.consume")(function* (
      stream: string,
      options: ConsumeOptions,
    ) {
      const { durable } = options
      const config = {
        ack_wait: nanos(options.ackWaitMs ?? 30_000),
        max_deliver: options.maxDeliver ?? -1,
        max_ack_pending: options.maxAckPending ?? 1_000,
        ...(options.filterSubject !== undefined ? { filter_subject: options.filterSubject } : {}),
      }
      const exists = yield* jsm(`consumer info of ${durable}`, stream, (m) =>
        m.consumers.info(stream, durable),
      ).pipe(
        Effect.as(true),
        Effect.catchIf(
          (e) => e._tag === "JetStreamError" && e.code === consumerNotFound,
          () => Effect.succeed(false),
        ),
      )
      yield* exists
        ? jsm(`update consumer ${durable}`, stream, (m) => m.consumers.update(stream, durable, config))
        : jsm(`create consumer ${durable}`, stream, (m) =>
            m.consumers.add(stream, {
              ...config,
              durable_name: durable,
              ack_policy: AckPolicy.Explicit,
              deliver_policy: DeliverPolicy.All,
            }),
          )
    })

    /** Pulls in the scope: `onMessage` from the consumer's callback, `onEnd` once when it stops. */
    const startConsuming = (
      stream: string,
      options: ConsumeOptions,
      onMessage: (message: JetStreamMessage) => void,
      onEnd: (exit: Exit.Exit<void, JetStreamManageError>) => void,
    ) =>
      Effect.gen(function* () {
        const { durable } = options
        const pull = (what: string) => (cause: unknown) => manageError(cause, `${what} of ${durable}`, stream)
        const consumer = yield* Effect.tryPromise({
          try: () => js.consumers.get(stream, durable),
          catch: pull("lookup"),
        })
        const messages = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              consumer.consume({
                max_messages: options.batch ?? 100,
                callback: (m) => onMessage(toJetStreamMessage(m)),
              }),
            catch: pull("consume"),
          }),
          // Bounded: closing waits for the server, which may be gone for good.
          (messages) =>
            Effect.tryPromise(() => messages.close()).pipe(
              Effect.timeout(Duration.seconds(5)),
              Effect.ignore,
            ),
        )
        void messages.closed().then(
          (error) => onEnd(error ? Exit.fail(pull("consume")(error)) : Exit.void),
          (error) => onEnd(Exit.fail(pull("consume")(error))),
        )
        return messages
      })

    const fetch = (stream: string, durable: string, max: number, expiresMs: number) => {
      // nats.js refuses shorter pulls; the server ends the pull when it expires.
      const expires = Math.max(1_000, expiresMs)
      return Effect.tryPromise({
        try: async (signal) => {
          const consumer = await js.consumers.get(stream, durable)
          const pulled: Array<JetStreamMessage> = []
          const batch = await consumer.fetch({ max_messages: max, expires })
          signal.addEventListener("abort", () => batch.stop())
          for await (const m of batch) pulled.push(toJetStreamMessage(m))
          return pulled
        },
        catch: (cause) => manageError(cause, `fetch from ${durable}`, stream),
      }).pipe(
        // A pull whose answer was lost with the connection would wait forever: the client gives up first.
        Effect.timeoutFail({
          duration: Duration.millis(expires + answerTimeoutMs),
          onTimeout: () =>
            new JetStreamError({
              server: server(),
              stream,
              message: `JetStream did not end a pull from ${durable} on NATS server ${server()} within ${expires + answerTimeoutMs} ms; the connection was probably lost (it is retried)`,
            }),
        }),
      )
    }

    const consume = (stream: string, options: ConsumeOptions) =>
      Effect.as(
        prepareConsumer(stream, options),
        Stream.unwrapScoped(
          Effect.gen(function* () {
            // The callback feeds a mailbox (as in `subscribe`); the server's max_ack_pending bounds it.
            const mailbox = yield* Mailbox.make<JetStreamMessage, JetStreamManageError>()
            yield* startConsuming(
              stream,
              options,
              (message) => mailbox.unsafeOffer(message),
              (exit) => mailbox.unsafeDone(exit),
            )
            return Mailbox.toStream(mailbox)
          }),
        ),
      )

    const consumeWith = (
      stream: string,
      options: ConsumeOptions,
      onMessage: (message: JetStreamMessage) => void,
    ) =>
      Effect.gen(function* () {
        yield* prepareConsumer(stream, options)
        const closed = yield* Deferred.make<void, JetStreamManageError>()
        let stop: (() => void) | undefined
        const messages = yield* startConsuming(
          stream,
          options,
          (message) => {
            try {
              onMessage(message)
            } catch (defect) {
              Deferred.unsafeDone(closed, Exit.die(defect))
              stop?.()
            }
          },
          (exit) => Deferred.unsafeDone(closed, exit),
        )
        stop = () => void messages.close().catch(() => {})
        const consuming: Consuming = { closed: Deferred.await(closed) }
        return consuming
      })

    const client: NatsClient = {
      maxPayload: Effect.sync(maxPayloadNow),
      publish,
      flush,
      subscribe,
      listen,
      request,
      ensureStream,
      streamInfo,
      deleteStream,
      purgeSubject,
      hasMessageOn,
      deleteConsumer,
      ensureConsumer: prepareConsumer,
      fetch,
      disconnectedForMs: Effect.sync(() => (disconnectedAt === undefined ? 0 : Date.now() - disconnectedAt)),
      publishDurable,
      consume,
      consumeWith,
    }
    return client
  })

/** Provides a `NatsClient` connected for the lifetime of the layer. */
export const layer = (
  options: NatsClientOptions,
): Layer.Layer<NatsClient, NatsConnectionError | NatsPermissionDenied | NatsCredentialsError> =>
  Layer.scoped(NatsClient, make(options))
