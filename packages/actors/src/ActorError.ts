import { type Cause, Data, Schema } from "effect"
import { ActorAddress, formatAddress } from "./ActorAddress.js"

// Errors a recipient can report back to a sender are Schema.TaggedErrors: they travel inside a `Reply` over
// whatever transport carries it. `AskTimeout` never crosses a wire itself, but a handler that asks someone
// else may fail with it, and that failure may be replied over the wire, so it is serialisable too.

/** The recipient's bounded mailbox is full; the message was not accepted (the sender should back off). */
export class MailboxFull extends Schema.TaggedError<MailboxFull>()("MailboxFull", {
  address: ActorAddress,
  capacity: Schema.Number,
}) {
  override get message(): string {
    return `mailbox of ${formatAddress(this.address)} is full (capacity ${this.capacity})`
  }
}

/** No actor is registered at the address. */
export class UnknownRecipient extends Schema.TaggedError<UnknownRecipient>()("UnknownRecipient", {
  address: ActorAddress,
}) {
  override get message(): string {
    return `no actor at ${formatAddress(this.address)}`
  }
}

/** A payload or reply did not match its Schema (e.g. sender and recipient disagree on the protocol). */
export class MalformedMessage extends Schema.TaggedError<MalformedMessage>()("MalformedMessage", {
  address: ActorAddress,
  messageId: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `malformed message ${this.messageId} for ${formatAddress(this.address)}: ${this.reason}`
  }
}

/** The actor stopped (shutdown, explicit stop, or too many restarts) before it replied. */
export class ActorStopped extends Schema.TaggedError<ActorStopped>()("ActorStopped", {
  address: ActorAddress,
}) {
  override get message(): string {
    return `actor ${formatAddress(this.address)} stopped`
  }
}

/** The handler died (a defect) while processing this message; the actor restarts with fresh state. */
export class ActorCrashed extends Schema.TaggedError<ActorCrashed>()("ActorCrashed", {
  address: ActorAddress,
  messageId: Schema.String,
  defect: Schema.String,
}) {
  override get message(): string {
    return `actor ${formatAddress(this.address)} crashed on message ${this.messageId}: ${this.defect}`
  }
}

/** No reply arrived within the ask's timeout. The message may still be processed later. */
export class AskTimeout extends Schema.TaggedError<AskTimeout>()("AskTimeout", {
  address: ActorAddress,
  messageId: Schema.String,
  timeoutMillis: Schema.Number,
}) {
  override get message(): string {
    return `no reply from ${formatAddress(this.address)} to ${this.messageId} within ${this.timeoutMillis} ms`
  }
}

/** Another actor is already registered at the address. */
export class AddressInUse extends Schema.TaggedError<AddressInUse>()("AddressInUse", {
  address: ActorAddress,
}) {
  override get message(): string {
    return `an actor is already registered at ${formatAddress(this.address)}`
  }
}

/** The transport itself failed (connection lost, server error); says nothing about the recipient. */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect),
}) {
  override get message(): string {
    return `transport failure: ${this.reason}`
  }
}

/**
 * An actor crashed more often than its supervision allows and was stopped; the system escalates this to
 * whoever runs it (`ActorSystem.awaitFailure`). Local only: it carries the last `Cause`.
 */
export class ActorFailed extends Data.TaggedError("ActorFailed")<{
  readonly address: ActorAddress
  readonly restarts: number
  readonly cause: Cause.Cause<unknown>
}> {
  override get message(): string {
    return `actor ${formatAddress(this.address)} stopped after ${this.restarts} restarts`
  }
}

/** Every way a recipient (or the road to it) can refuse or fail a message; what a `Reply` can carry. */
export const DeliveryError = Schema.Union(
  MailboxFull,
  UnknownRecipient,
  MalformedMessage,
  ActorStopped,
  ActorCrashed,
  TransportError,
)
export type DeliveryError = typeof DeliveryError.Type

/** How a `tell` can fail: the message was not accepted into the recipient's mailbox. */
export type TellError = MailboxFull | UnknownRecipient | MalformedMessage | ActorStopped | TransportError

/** How an `ask` can fail besides the request's own typed failure. */
export type AskError = DeliveryError | AskTimeout
