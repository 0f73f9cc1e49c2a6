import type { Duration, Effect, Schema } from "effect"
import type { Message } from "./Actor.js"
import type { ActorAddress } from "./ActorAddress.js"
import type { AskError, TellError } from "./ActorError.js"

export interface TellOptions {
  /** The idempotency key; pass the same id when re-sending the same logical message. Default: a fresh id. */
  readonly id?: string
}

export interface AskOptions extends TellOptions {
  /** How long to wait for the reply before failing with `AskTimeout`. Default: the system's `askTimeout`. */
  readonly timeout?: Duration.DurationInput
}

/**
 * A typed handle on an actor, wherever it runs. Messages are encoded with the protocol Schema before they
 * reach the transport, and replies decoded with the request's success / failure Schemas.
 */
export interface ActorRef<Req extends Message> {
  readonly address: ActorAddress
  /** Fire and forget: resolves once the recipient's mailbox accepted the message. */
  readonly tell: (message: Req, options?: TellOptions) => Effect.Effect<void, TellError>
  /** Request / reply: the handler's success, its typed failure, or why the message got no reply. */
  readonly ask: <M extends Req>(
    message: M,
    options?: AskOptions,
  ) => Effect.Effect<Schema.WithResult.Success<M>, Schema.WithResult.Failure<M> | AskError>
}
