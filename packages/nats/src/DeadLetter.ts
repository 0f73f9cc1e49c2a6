import { Envelope } from "@lyceum/actors"
import { Schema } from "effect"

/**
 * A durable message `NatsTransport` gave up on: malformed (not an envelope, or a payload the recipient's
 * protocol rejects) or not settled after the allowed deliveries. It is published, JSON-encoded with this
 * Schema, on the run's dead-letter subject `lyceum.<run>.dead-letter` (and kept in the run's stream), and the
 * original message is terminated: JetStream never delivers it again.
 */
export const DeadLetter = Schema.Struct({
  run: Schema.String,
  /** The durable subject the message was published on, `lyceum-durable.<run>.<kind>.<id>`. */
  subject: Schema.String,
  /** Its position in the run's stream (fetch the original from there). */
  streamSequence: Schema.Number,
  /** How often it was delivered, this last time included. */
  deliveries: Schema.Number,
  /** Why it was given up, e.g. the recipient's `MalformedMessage` or `ActorCrashed` message. */
  reason: Schema.String,
  /** The message, when it decoded as an envelope. */
  envelope: Schema.optional(Envelope),
  /** The message text when it did not (at most 1 KiB when the whole would not fit in a message). */
  raw: Schema.optional(Schema.String),
}).annotations({ identifier: "DeadLetter" })
export type DeadLetter = typeof DeadLetter.Type
