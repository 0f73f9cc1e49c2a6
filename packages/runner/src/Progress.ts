import { Context, Effect, Layer } from "effect"
import { cohortName } from "./CohortName.js"

/** What the runner reports while it works. */
export type ProgressEvent =
  | {
      readonly _tag: "RunStarted"
      readonly runId: string
      readonly scenario: string
      readonly repeats: number
      readonly rounds: number
      /** (task, method) pairs, each played for every repeat. */
      readonly cohorts: number
      readonly teachers: number
      readonly students: number
    }
  | {
      readonly _tag: "RoundFinished"
      /** `<task>.<method>`. */
      readonly cohort: string
      readonly repeat: number
      readonly round: number
      /** The prompt size this round aimed for. */
      readonly n: number
      /** Mean accuracy over students after this round. */
      readonly accuracy: number
      /** Lessons that left their teachers this round, and candidates the filter (or a parse check) dropped. */
      readonly lessons: number
      readonly dropped: number
      /** Over the whole run so far. */
      readonly modelCalls: number
      readonly tokens: number
      /**
       * This round of this cohort, as stored in `model_usage`: attempts retried, attempts that timed out
       * (retried or not), and calls that failed after their retries.
       */
      readonly retries: number
      readonly timeouts: number
      readonly errors: number
      /** Rounds done and to do over the whole run (round 0, the baseline, counts). */
      readonly done: number
      readonly total: number
      readonly elapsedMs: number
    }
  | {
      readonly _tag: "RunFinished"
      readonly runId: string
      readonly status: string
      readonly elapsedMs: number
    }

export class Progress extends Context.Tag("@lyceum/runner/Progress")<
  Progress,
  { readonly report: (event: ProgressEvent) => Effect.Effect<void> }
>() {
  /** Reports nothing; for tests and embedding. */
  static readonly silent = Layer.succeed(Progress, { report: () => Effect.void })
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`)
const count = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(n))
const counted = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`

/** ` · 3 retries, 1 timeout, 2 errors`: only the non-zero ones, nothing when all went well. */
const faults = (event: { readonly retries: number; readonly timeouts: number; readonly errors: number }) => {
  const parts = [
    event.retries > 0 ? counted(event.retries, "retry", "retries") : "",
    event.timeouts > 0 ? counted(event.timeouts, "timeout", "timeouts") : "",
    event.errors > 0 ? counted(event.errors, "error", "errors") : "",
  ].filter((part) => part !== "")
  return parts.length === 0 ? "" : ` · ${parts.join(", ")}`
}

/** One line to stderr per event, so stdout stays clean for results. */
export const formatProgress = (event: ProgressEvent): string => {
  switch (event._tag) {
    case "RunStarted":
      return (
        `run ${event.runId}: ${event.scenario}, ${event.teachers} teacher(s), ${event.students} student(s), ` +
        `${event.cohorts} task×method cohort(s), ${event.rounds} round(s), ${event.repeats} repeat(s)`
      )
    case "RoundFinished": {
      const eta = event.done === 0 ? 0 : (event.elapsedMs / event.done) * (event.total - event.done)
      return (
        `  ${cohortName(event.cohort, event.repeat)} round ${event.round} (n=${event.n}): accuracy ${event.accuracy.toFixed(3)}` +
        ` · lessons ${event.lessons} sent, ${event.dropped} dropped` +
        ` · ${count(event.modelCalls)} model calls, ${count(event.tokens)} tokens` +
        faults(event) +
        ` · ${event.done}/${event.total} · ${seconds(event.elapsedMs)} elapsed, ETA ${seconds(eta)}`
      )
    }
    case "RunFinished":
      return `run ${event.runId} ${event.status} in ${seconds(event.elapsedMs)}`
  }
}

export const ConsoleProgress = {
  layer: Layer.succeed(Progress, {
    report: (event) => Effect.sync(() => process.stderr.write(`${formatProgress(event)}\n`)),
  }),
}
