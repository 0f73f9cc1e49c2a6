import { type ActorAddress, formatAddress } from "@lyceum/actors"
import { agentOfAddress } from "@lyceum/coalition"
import { Cause, Option } from "effect"

/**
 * One line for an error value: its message, prefixed by its tag unless the message already says it; an
 * agent's failure names the agent and the underlying error; a cohort's (`CohortFailed`) starts with the cohort's
 * name and needs no tag. Actor errors name a cohort's agent by its id
 * (`student-1`) rather than by its address, which carries the cohort's internal key.
 */
export const describeFailure = (error: unknown): string => {
  if (typeof error === "string") return error
  if (typeof error !== "object" || error === null || !("message" in error)) return String(error)
  const { _tag, cohort, agent, reason, address } = error as {
    _tag?: string
    cohort?: string
    agent?: string
    reason?: string
    address?: ActorAddress
  }
  const agentId = address === undefined ? undefined : agentOfAddress(address)
  const message =
    agentId === undefined
      ? String(error.message)
      : String(error.message).replaceAll(formatAddress(address!), agentId)
  if (typeof cohort === "string") return message
  if (agent !== undefined) return `${agent} failed (${reason}): ${message}`
  return _tag && !message.startsWith(_tag) ? `${_tag}: ${message}` : message
}

/** One line for why an effect failed: its first failure (or defect), or "interrupted". */
export const describeCause = (cause: Cause.Cause<unknown>): string => {
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  const error =
    Option.getOrUndefined(Cause.failureOption(cause)) ?? Option.getOrUndefined(Cause.dieOption(cause))
  return error === undefined ? Cause.pretty(cause) : describeFailure(error)
}
