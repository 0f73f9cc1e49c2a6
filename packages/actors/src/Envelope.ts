import { Schema } from "effect"
import { ActorAddress } from "./ActorAddress.js"
import { DeliveryError } from "./ActorError.js"

/**
 * One message on its way to an actor. `payload` is the request already encoded with the recipient's protocol
 * Schema (a JSON-compatible value), so a transport moves envelopes without knowing any protocol. `id` is the
 * idempotency key: unique per logical message, and the same on every redelivery of it.
 */
export const Envelope = Schema.Struct({
  id: Schema.String,
  to: ActorAddress,
  payload: Schema.Unknown,
})
export type Envelope = typeof Envelope.Type

/** The handler succeeded; `value` is encoded with the request's success Schema. */
export const ReplySuccess = Schema.TaggedStruct("Success", { value: Schema.Unknown })
/** The handler failed with its typed error; `error` is encoded with the request's failure Schema. */
export const ReplyFailure = Schema.TaggedStruct("Failure", { error: Schema.Unknown })
/** The recipient (or the road to it) refused or lost the message. */
export const ReplyRejected = Schema.TaggedStruct("Rejected", { error: DeliveryError })

/** The outcome of an `ask`, as a transport carries it back. Encode it with this Schema to cross a wire. */
export const Reply = Schema.Union(ReplySuccess, ReplyFailure, ReplyRejected)
export type Reply = typeof Reply.Type

/** The outcome of a `tell`: accepted into the recipient's mailbox, or rejected. */
export const Ack = Schema.Union(Schema.TaggedStruct("Accepted", {}), ReplyRejected)
export type Ack = typeof Ack.Type
