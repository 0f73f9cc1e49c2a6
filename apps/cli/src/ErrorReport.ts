import { Cause, Option } from "effect"

/** Errors that carry their own user-facing message (tagged errors with a message, ScenarioError's list). */
const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const message = (error as { message?: unknown }).message
    const tag = (error as { _tag?: unknown })._tag
    if (typeof message === "string" && message.length > 0) return message
    if (typeof tag === "string") return `${tag}: ${JSON.stringify(error)}`
  }
  return String(error)
}

/**
 * One paragraph for the user: the failure's own message, or for a defect, what happened and how to see more.
 * With `verbose`, the full cause with stack traces.
 */
export const formatFailure = (cause: Cause.Cause<unknown>, verbose: boolean): string => {
  if (verbose) return Cause.pretty(cause, { renderErrorCause: true })
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return `error: ${describe(failure.value)}`
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect)) {
    return `internal error: ${describe(defect.value)}\n(this is a bug in lyceum; run again with --verbose for the stack trace and report it)`
  }
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  return `error: ${Cause.pretty(cause)}`
}
