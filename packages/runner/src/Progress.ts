import { Context, Effect, Layer } from "effect"

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
      readonly modelCalls: number
      readonly tokens: number
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
        `  ${event.cohort} repeat ${event.repeat + 1} round ${event.round} (n=${event.n}): accuracy ${event.accuracy.toFixed(3)}` +
        ` · lessons ${event.lessons} sent, ${event.dropped} dropped` +
        ` · ${count(event.modelCalls)} model calls, ${count(event.tokens)} tokens` +
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
