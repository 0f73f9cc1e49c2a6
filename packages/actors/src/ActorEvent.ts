import { type Cause, Data } from "effect"
import type { ActorAddress } from "./ActorAddress.js"

/** Why an actor stopped: `stopped` by `ActorSystem.stop`, `shutdown` of its system, or `failed` (escalated). */
export type StopReason = "stopped" | "shutdown" | "failed"

/** Lifecycle of the actors hosted by one `ActorSystem`, as `ActorSystem.events` publishes it. */
export type ActorEvent = Data.TaggedEnum<{
  /** The first build step completed; the actor is processing its mailbox. */
  Started: { readonly address: ActorAddress }
  /** A defect killed the previous incarnation; the build step ran again with fresh state. */
  Restarted: {
    readonly address: ActorAddress
    readonly restarts: number
    readonly cause: Cause.Cause<unknown>
  }
  Stopped: { readonly address: ActorAddress; readonly reason: StopReason }
}>
export const ActorEvent = Data.taggedEnum<ActorEvent>()
