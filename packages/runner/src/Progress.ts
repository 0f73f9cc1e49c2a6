import { type CohortId, cohortName } from "@lyceum/coalition"
import { Context, Effect, Layer } from "effect"

/** What the runner reports while it works. */
export type ProgressEvent =
  | {
      readonly _tag: "RunStarted"
      readonly runId: string
      readonly scenario: string
      /** The coalition kind (`social-learning`, `ensemble`). */
      readonly kind: string
      readonly repeats: number
      /** Steps of each cohort (social learning: rounds, round 0 included). */
      readonly steps: number
      /** (task, variant) pairs, each played for every repeat. */
      readonly cohorts: number
      /** Agents of one cohort. */
      readonly agents: number
    }
  | {
      readonly _tag: "RoundFinished"
      readonly cohort: CohortId
      /** The step: social learning's round (0 measures before any lesson). */
      readonly round: number
      /** Steps of the cohort: a one-step kind's lines do not number it. */
      readonly steps?: number
      /** The prompt size this round aimed for, for kinds that have one. */
      readonly n?: number
      /** Mean score of what the step measured (students, a coalition). */
      readonly accuracy?: number
      /** Messages that left an agent holding private data this step, and candidates the filter dropped. */
      readonly sent?: number
      readonly dropped?: number
      /** What was sent (`lessons`, `answers shown`); `messages` by default. */
      readonly messages?: string
      /** Over the whole run so far. */
      readonly modelCalls: number
      readonly tokens: number
      /** US dollars over the whole run so far, from the models' declared prices (0 without prices). */
      readonly costUsd?: number
      /**
       * Requests answered from the response cache over the whole run so far; absent where this process cannot
       * know it (the work queue: workers store their usage rows, which do not count cache hits).
       */
      readonly cacheHits?: number
      /** The cohort ended at this step, before its planned last one (its other steps will not come). */
      readonly final?: boolean
      /**
       * This step of this cohort, as stored in `model_usage`: attempts retried, attempts that timed out
       * (retried or not), and calls that failed after their retries.
       */
      readonly retries: number
      readonly timeouts: number
      readonly errors: number
      /** Steps done and to do over the whole run (round 0, the baseline, counts). */
      readonly done: number
      readonly total: number
      readonly elapsedMs: number
    }
  | {
      /** A kind's word on a step under way (`StepContext.note`): a long wait, a turn reached. */
      readonly _tag: "StepNote"
      readonly cohort: CohortId
      readonly round: number
      /** Steps of the cohort: a one-step kind's lines do not number it. */
      readonly steps?: number
      readonly text: string
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

/** ` round 2`: which step a line is about, left out when a cohort has only one. */
const stepName = (event: { readonly round: number; readonly steps?: number }) =>
  event.steps === 1 ? "" : ` round ${event.round}`

/** One line to stderr per event, so stdout stays clean for results. */
export const formatProgress = (event: ProgressEvent): string => {
  switch (event._tag) {
    case "RunStarted":
      return (
        `run ${event.runId}: ${event.scenario} (${event.kind}), ${counted(event.agents, "agent", "agents")} ` +
        `per cohort, ${counted(event.cohorts, "task×variant cohort", "task×variant cohorts")}, ` +
        `${counted(event.steps, "step", "steps")}, ${counted(event.repeats, "repeat", "repeats")}`
      )
    case "RoundFinished": {
      const eta = event.done === 0 ? 0 : (event.elapsedMs / event.done) * (event.total - event.done)
      const sent =
        event.sent === undefined
          ? ""
          : ` · ${event.messages ?? "messages"} ${event.sent} sent, ${event.dropped ?? 0} dropped`
      return (
        `  ${cohortName(event.cohort)}${stepName(event)}${event.n === undefined ? "" : ` (n=${event.n})`}` +
        `${event.accuracy === undefined ? "" : `: accuracy ${event.accuracy.toFixed(3)}`}${sent}` +
        ` · ${count(event.modelCalls)} model calls, ${count(event.tokens)} tokens` +
        faults(event) +
        ` · ${event.done}/${event.total} · ${seconds(event.elapsedMs)} elapsed, ETA ${seconds(eta)}`
      )
    }
    case "StepNote":
      return `  ${cohortName(event.cohort)}${stepName(event)}: ${event.text}`
    case "RunFinished":
      return `run ${event.runId} ${event.status} in ${seconds(event.elapsedMs)}`
  }
}

export const ConsoleProgress = {
  layer: Layer.succeed(Progress, {
    report: (event) => Effect.sync(() => process.stderr.write(`${formatProgress(event)}\n`)),
  }),
}
