import type { CohortId, StepResult } from "@lyceum/coalition"
import type { ModelUsageRow, Store } from "@lyceum/store"
import { Effect } from "effect"
import type { Progress } from "./Progress.js"
import { usageTotals } from "./StepUsage.js"

/** What an invocation spent and stored in model_usage (tokens and dollars): a stop can cut a step short. */
export interface Spending {
  spent: number
  stored: number
  spentUsd: number
  storedUsd: number
}

/** The run's count of steps written and to write, for progress and its ETA. */
export interface StepCount {
  done: number
  total: number
}

/**
 * Writes one finished step of a cohort — its rows and its model usage in transactions of bounded size
 * (`Store.writeChunked`), its `cohort_steps` row in the last, so a crash between them leaves an unfinished
 * cohort that resume deletes and plays again — and reports it on the progress output: the one way a step
 * reaches the database, whether the coordinator played it or a worker did (the work queue). Returns what the
 * step's usage rows add up to.
 */
export const makeStepWriter = (context: {
  readonly runId: string
  readonly steps: number
  readonly started: number
  readonly store: Store["Type"]
  readonly progress: Progress["Type"]
  readonly spending: Spending
  readonly count: StepCount
}) => {
  const { runId, steps, store, progress, spending, count } = context
  return (
    id: CohortId,
    step: number,
    result: Pick<StepResult, "rows" | "summary" | "final">,
    stored: ReadonlyArray<ModelUsageRow>,
    /** Model calls, tokens, dollars and cache hits of the whole run so far, for the progress output. */
    totals: {
      readonly calls: number
      readonly tokens: number
      readonly costUsd: number
      readonly cacheHits?: number
    },
    /** The worker and delivery of the unit that played it (work queue); absent: this process. */
    playedBy?: { readonly worker: string; readonly attempt: number },
  ) =>
    Effect.gen(function* () {
      const { rows, summary, final } = result
      const used = usageTotals(stored)
      spending.stored += used.promptTokens + used.completionTokens
      spending.storedUsd += used.costUsd
      yield* store.writeChunked({
        ...rows,
        modelUsage: stored,
        cohortSteps: [{ runId, ...id, step, ...(final === true && { final }), ...playedBy }],
      })
      count.done++
      // A cohort that ended early leaves its planned steps undone: progress counts them as done.
      if (final === true) count.total -= steps - 1 - step
      yield* Effect.logDebug(`step ${step} written`).pipe(
        Effect.annotateLogs(
          Object.fromEntries(
            Object.entries({ ...rows, usageRows: stored }).map(([table, list]) => [
              table,
              Array.isArray(list) ? list.length : 0,
            ]),
          ),
        ),
      )
      yield* progress.report({
        _tag: "RoundFinished",
        cohort: id,
        round: step,
        steps,
        ...summary,
        modelCalls: totals.calls,
        tokens: totals.tokens,
        costUsd: totals.costUsd,
        ...(totals.cacheHits !== undefined && { cacheHits: totals.cacheHits }),
        ...(final === true && { final }),
        retries: stored.reduce((sum, r) => sum + (r.retries ?? 0), 0),
        timeouts: stored.reduce((sum, r) => sum + (r.timeouts ?? 0), 0),
        errors: stored.reduce((sum, r) => sum + (r.errors ?? 0), 0),
        done: count.done,
        total: count.total,
        elapsedMs: Date.now() - context.started,
      })
      // What this step stored, for a caller that may have to take it back (a lost worker's cohort).
      return used
    })
}
