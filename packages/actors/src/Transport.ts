import { Context, type Duration, type Effect, type Schema, type Tracer } from "effect"
import type { Message } from "./Actor.js"
import type { ActorAddress } from "./ActorAddress.js"
import type {
  ActorStopped,
  AddressInUse,
  AskTimeout,
  MailboxFull,
  MalformedMessage,
  TellError,
  TransportError,
  UnknownRecipient,
} from "./ActorError.js"
import type { Envelope, Reply } from "./Envelope.js"

/**
 * The inbound side of one actor, as its `ActorSystem` hands it to the transport. A transport calls it with
 * envelopes that arrived for the actor's address; it decodes the payload with the actor's protocol and
 * enqueues it. Neither method ever dies; failures are values.
 */
export interface Receiver {
  /** Accepts into the mailbox, or refuses at once (full, undecodable, stopping). */
  readonly tell: (envelope: Envelope) => Effect.Effect<void, MailboxFull | MalformedMessage | ActorStopped>
  /**
   * Accepts into the mailbox and waits for the handler's outcome. Refusals come back as a `Rejected` reply.
   * Interrupting it abandons the wait; the message, once accepted, is still processed.
   */
  readonly ask: (envelope: Envelope) => Effect.Effect<Reply>
  /**
   * `tell` without an Effect, for a transport's hot path (no fiber or Effect per message): the refusal, or
   * `undefined` once accepted. Synchronous; never throws.
   */
  readonly offer: (envelope: Envelope) => MailboxFull | MalformedMessage | ActorStopped | undefined
  /**
   * `ask` without an Effect: accepts into the mailbox and calls `reply` once with the handler's outcome
   * (encoded, as `ask` returns it), or returns the refusal and never calls it. `cancel` abandons the wait (the
   * message, once accepted, is still processed). `reply` may run inside the actor's fiber: it must not throw
   * or block. Synchronous; never throws.
   */
  readonly request: (
    envelope: Envelope,
    reply: (reply: Reply) => void,
  ) => DirectAsk | MailboxFull | MalformedMessage | ActorStopped
  /** The in-process entry, when the receiver has one (see `DirectReceiver`). */
  readonly direct?: DirectReceiver
}

/**
 * A pending in-process ask. `cancel` abandons the wait (the message, once accepted, is still processed).
 */
export interface DirectAsk {
  readonly cancel: () => void
}

/**
 * The in-process entry of a receiver: takes the request instance the sender holds, without the Schema round
 * trip, and answers asks through a callback. Only a sender in the same process may use it, and only with
 * messages that pass `protocol`'s own check (`Schema.validate`), `protocol` being the very Schema object the
 * sender encodes with: then encoding and decoding would give back an equal instance, or refuse it. Anything
 * else goes through `tell` / `ask` with an encoded payload.
 */
export interface DirectReceiver {
  /** The recipient's protocol Schema (compared by identity). */
  readonly protocol: Schema.Schema<Message, unknown>
  /**
   * Accepts into the mailbox, or returns the refusal. Synchronous; never throws. `parent`: the sender's span
   * when it is traced (`tracedParent`), under which the recipient's turn is traced.
   */
  readonly tell: (
    id: string,
    request: Message,
    parent?: Tracer.AnySpan,
  ) => MailboxFull | ActorStopped | undefined
  /**
   * Accepts into the mailbox and calls `reply` once with the outcome, or returns the refusal. `encoded` says
   * whether the reply's value or error is Schema-encoded (as on a wire) or the handler's own value, already
   * checked against the request's success or failure Schema.
   */
  readonly ask: (
    id: string,
    request: Message,
    reply: (reply: Reply, encoded: boolean) => void,
    parent?: Tracer.AnySpan,
  ) => DirectAsk | MailboxFull | ActorStopped
}

/**
 * Delivers envelopes to addresses, local or remote. Implementations: `LocalTransport` (in process) and the
 * NATS transport; both must pass the transport contract suite (`@lyceum/actors/TransportContract`).
 *
 * Semantics every implementation keeps:
 * - `tell` resolves once the recipient's mailbox accepted the message, and fails with the recipient's refusal
 *   (`MailboxFull`, `MalformedMessage`, `ActorStopped`) or `UnknownRecipient` when nobody hosts the address.
 * - `ask` resolves with the recipient's `Reply`; a remote refusal arrives as a `Rejected` reply.
 * - Envelopes from one sender fiber to one address are delivered in the order they were sent.
 * - Everything that crosses a process boundary is `Envelope` / `Reply` / `Ack`, encoded with their Schemas.
 */
export interface TransportService {
  /**
   * Makes `receiver` reachable at `address` until `unregister`. Not scoped on purpose: the `ActorSystem`
   * pairs every register with an unregister, and a Scope per actor would cost more than a small actor.
   */
  readonly register: (
    address: ActorAddress,
    receiver: Receiver,
  ) => Effect.Effect<void, AddressInUse | TransportError>
  /** Stops routing `address` to `receiver` (does nothing if another receiver holds the address now). */
  readonly unregister: (address: ActorAddress, receiver: Receiver) => Effect.Effect<void>
  readonly tell: (envelope: Envelope) => Effect.Effect<void, TellError>
  /**
   * `timeout` is the asker's deadline, given as a hint so the transport can release resources (e.g. an inbox)
   * once it passes; the `ActorSystem` enforces the deadline itself and fails with `AskTimeout`.
   */
  readonly ask: (
    envelope: Envelope,
    options: { readonly timeout: Duration.Duration },
  ) => Effect.Effect<Reply, AskTimeout | UnknownRecipient | TransportError>
  /**
   * The receiver registered at `address` in this very process, if any, so that a sender here can use its
   * `direct` entry. Only for transports that hand envelopes across in memory: one that serializes (a wire, or
   * `LocalTransport({ serialize: true })`) leaves it out, and every message then takes the encoded path.
   */
  readonly inProcess?: (address: ActorAddress) => Receiver | undefined
}

/** The transport an `ActorSystem` sends and receives through. */
export class Transport extends Context.Tag("@lyceum/actors/Transport")<Transport, TransportService>() {}
