import type { Teardown } from "@effect/platform/Runtime"
import { Cause, Exit } from "effect"

/** What a shell reports for a process ended by a signal: 128 + the signal's number. */
const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const
export type StopSignal = keyof typeof exitCodes

/**
 * Ctrl-C and SIGTERM. `NodeRuntime.runMain` interrupts the command on the first one (a run then finishes its
 * row as `stopped` and says how to resume it; a worker releases its agents and closes its connection); this
 * remembers which signal it was, for the exit code, and quits at once on a second one. Quitting mid-run is
 * safe for the database: every round is one SQLite transaction (WAL), and JavaScript runs this handler only
 * between two statements, never inside one.
 */
export const watchStopSignals = (write: (line: string) => void) => {
  let received: StopSignal | undefined
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) process.exit(exitCodes[signal])
    received = signal
    write(`${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping (press Ctrl-C again to quit at once)`)
  }
  for (const signal of Object.keys(exitCodes) as Array<StopSignal>) process.on(signal, onSignal)

  /** The exit code: 130 / 143 after a signal, 1 after a failure, else 0. */
  const teardown: Teardown = (exit, onExit) =>
    onExit(
      received !== undefined
        ? exitCodes[received]
        : Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
          ? 1
          : 0,
    )
  return { received: () => received, teardown }
}
