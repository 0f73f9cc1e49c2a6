import { Data } from "effect"

/**
 * The client could not reach a NATS server, or lost the connection for good (refused, closed, draining,
 * TLS handshake failed). Usually transient: retry with a `Schedule`, or check that the server is up.
 */
export class NatsConnectionError extends Data.TaggedError("NatsConnectionError")<{
  readonly server: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A request or flush got no answer in time; a responder exists but is slow or stuck. */
export class NatsTimeout extends Data.TaggedError("NatsTimeout")<{
  readonly server: string
  readonly subject: string
  readonly timeoutMs: number
  readonly message: string
}> {}

/** A request found nobody subscribed to its subject (the server answered 503 at once). */
export class NatsNoResponders extends Data.TaggedError("NatsNoResponders")<{
  readonly server: string
  readonly subject: string
  readonly message: string
}> {}

/**
 * The server refused us: bad credentials at connect (`subject` absent), or no permission to publish or
 * subscribe on `subject`. Not transient; retrying will not help.
 */
export class NatsPermissionDenied extends Data.TaggedError("NatsPermissionDenied")<{
  readonly server: string
  readonly subject?: string
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A credentials file (NKey seed, .creds, TLS CA/cert/key) cannot be read or parsed; `file` names it and
 * `message` says what to do. Raised before connecting.
 */
export class NatsCredentialsError extends Data.TaggedError("NatsCredentialsError")<{
  readonly file: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A payload is larger than the server's `max_payload`; split it or raise `max_payload` in the server config. */
export class NatsPayloadTooLarge extends Data.TaggedError("NatsPayloadTooLarge")<{
  readonly server: string
  readonly subject: string
  readonly size: number
  readonly maxPayload: number
  readonly message: string
}> {}

/**
 * A JetStream operation failed: JetStream disabled, no stream captures a subject, a stream or consumer
 * missing or configured differently. `code` is the server's JetStream `err_code` when it sent one.
 */
export class JetStreamError extends Data.TaggedError("JetStreamError")<{
  readonly server: string
  readonly stream?: string
  readonly subject?: string
  readonly code?: number
  readonly message: string
  readonly cause?: unknown
}> {}

/** Every error the NATS adapter can fail with. */
export type NatsError =
  | NatsConnectionError
  | NatsTimeout
  | NatsNoResponders
  | NatsPermissionDenied
  | NatsCredentialsError
  | NatsPayloadTooLarge
  | JetStreamError
