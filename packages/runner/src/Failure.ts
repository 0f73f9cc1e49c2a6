import { Cause, Option } from "effect"

/**
 * One line for an error value: its message, prefixed by its tag unless the message already says it; an
 * agent's failure names the agent and the underlying error.
 */
export const describeFailure = (error: unknown): string => {
  if (typeof error === "string") return error
  if (typeof error !== "object" || error === null || !("message" in error)) return String(error)
  const { message, _tag, agent, reason } = error as {
    message: string
    _tag?: string
    agent?: string
    reason?: string
  }
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
