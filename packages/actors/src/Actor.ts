import { Duration, type Effect, Schedule, type Schema, type Scope } from "effect"
import type { ActorAddress } from "./ActorAddress.js"

/**
 * A message an actor understands: a `Schema.TaggedRequest` instance, which carries its own success and
 * failure Schemas so its reply can cross a wire too.
 */
export type Message = Schema.TaggedRequest.All

/** What a handler knows about the message it is processing besides the request itself. */
export interface MessageContext {
  /** The envelope id: the idempotency key, the same on every redelivery of this message. */
  readonly messageId: string
  /** The address of the actor handling it. */
  readonly self: ActorAddress
}

/** One handler per request tag; each returns the request's success type or fails with its failure type. */
export type Handlers<Req extends Message, R = never> = {
  readonly [Tag in Req["_tag"]]: (
    request: Extract<Req, { readonly _tag: Tag }>,
    context: MessageContext,
  ) => Effect.Effect<
    Schema.WithResult.Success<Extract<Req, { readonly _tag: Tag }>>,
    Schema.WithResult.Failure<Extract<Req, { readonly _tag: Tag }>>,
    R
  >
}

/** The services the handlers in `H` require. */
export type HandlersContext<H> = {
  [K in keyof H]: H[K] extends (...args: never) => Effect.Effect<infer _A, infer _E, infer R> ? R : never
}[keyof H]

/** How an actor recovers from defects (dies, thrown exceptions) in its build step or handlers. */
export interface Supervision {
  /** Delays between restarts (its input is the defect's `Cause`); when the schedule ends, the actor fails. */
  readonly backoff: Schedule.Schedule<unknown, unknown>
  /** The actor fails when it would restart more than this many times within `window`. */
  readonly maxRestarts: number
  readonly window: Duration.Duration
}

/** Exponential backoff from 10 ms, capped at 5 s; at most 3 restarts per minute. */
export const defaultSupervision: Supervision = {
  backoff: Schedule.exponential("10 millis").pipe(Schedule.union(Schedule.spaced("5 seconds"))),
  maxRestarts: 3,
  window: Duration.minutes(1),
}

export interface Options {
  /** Messages that may wait behind the one being processed; beyond it senders get `MailboxFull`. Default 1024. */
  readonly mailboxCapacity?: number
  readonly supervision?: {
    readonly backoff?: Schedule.Schedule<unknown, unknown>
    readonly maxRestarts?: number
    readonly window?: Duration.DurationInput
  }
  /**
   * Apply each message id once (for protocols delivered at least once). The actor remembers the last
   * `capacity` ids with their replies: a redelivered tell is skipped, a redelivered ask gets the original
   * reply. The memory belongs to the incarnation, like the state, so a restart forgets it. `true` = 10,000.
   */
  readonly idempotent?: boolean | { readonly capacity: number }
}

/**
 * Everything needed to run an actor: its protocol, a build step whose closure holds the state and returns
 * the handlers (run again, with fresh state, on every restart; it may use the incarnation's `Scope`), and
 * its mailbox, supervision and idempotency settings.
 */
export interface Behaviour<in out Req extends Message, out R = never> {
  readonly protocol: Schema.Schema<Req, unknown>
  readonly build: Effect.Effect<Handlers<Req, R>, never, R | Scope.Scope>
  readonly mailboxCapacity: number
  readonly supervision: Supervision
  /** How many message ids to remember for idempotent apply; 0 = not idempotent. */
  readonly idempotencyCapacity: number
}

/**
 * Defines an actor.
 *
 * @param protocol a Schema of the requests it understands, usually `Schema.Union` of `Schema.TaggedRequest`s
 * @param build an Effect that creates the state and returns one handler per request tag
 */
export const make = <Req extends Message, I, H extends Handlers<Req, unknown>, RB = never>(
  protocol: Schema.Schema<Req, I>,
  build: Effect.Effect<H, never, RB>,
  options: Options = {},
): Behaviour<Req, Exclude<RB | HandlersContext<H>, Scope.Scope>> => {
  const idempotent = options.idempotent ?? false
  return {
    // The encoded side is opaque to the runtime: it only ever moves it through a transport.
    protocol: protocol as unknown as Schema.Schema<Req, unknown>,
    build: build as unknown as Behaviour<Req, Exclude<RB | HandlersContext<H>, Scope.Scope>>["build"],
    mailboxCapacity: options.mailboxCapacity ?? 1024,
    supervision: {
      backoff: options.supervision?.backoff ?? defaultSupervision.backoff,
      maxRestarts: options.supervision?.maxRestarts ?? defaultSupervision.maxRestarts,
      window:
        options.supervision?.window === undefined
          ? defaultSupervision.window
          : Duration.decode(options.supervision.window),
    },
    idempotencyCapacity: idempotent === false ? 0 : idempotent === true ? 10_000 : idempotent.capacity,
  }
}
