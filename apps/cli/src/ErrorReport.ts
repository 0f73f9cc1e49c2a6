import { Cause, Effect, HashSet, Option } from "effect"

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

/** A run that was stopped (a signal, a spent budget) rather than failed: not an error, but it says how to go on. */
const isStoppedRun = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  (error as { _tag?: unknown })._tag === "RunFailed" &&
  (error as { status?: unknown }).status === "stopped"

/**
 * One paragraph for the user: the failure's own message, or for a defect, what happened and how to see more.
 * With `verbose`, the full cause with stack traces.
 */
export const formatFailure = (cause: Cause.Cause<unknown>, verbose: boolean): string => {
  if (verbose) return Cause.pretty(cause, { renderErrorCause: true })
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure))
    return isStoppedRun(failure.value) ? describe(failure.value) : `error: ${describe(failure.value)}`
  const defect = Cause.dieOption(cause)
  if (Option.isSome(defect)) {
    return `internal error: ${describe(defect.value)}\n(this is a bug in lyceum; run again with --verbose for the stack trace and report it)`
  }
  if (Cause.isInterruptedOnly(cause)) return "interrupted"
  return `error: ${Cause.pretty(cause)}`
}

/**
 * Writes `cause` now if the command is being interrupted (Ctrl-C, SIGTERM). An interrupted fiber drops the
 * failures it carries past any error handler on its way out, so a run stopped by a signal must say here, where
 * its `RunFailed` still exists, how to resume it; otherwise the failure is left to the caller to report.
 */
export const reportIfInterrupted = (verbose: boolean) => (cause: Cause.Cause<unknown>) =>
  Effect.descriptorWith((fiber) =>
    HashSet.size(fiber.interruptors) > 0 && Option.isSome(Cause.failureOption(cause))
      ? Effect.sync(() => void process.stderr.write(`${formatFailure(cause, verbose)}\n`))
      : Effect.void,
  )
