import type { LoadedScenario, Scenario } from "@lyceum/scenario"
import { Store, type StoreError } from "@lyceum/store"
import { Data, Effect, Option } from "effect"
import type { Spent } from "./RunModels.js"

/** A run that cannot be continued as asked; the message says why and what to do. */
export class CannotResume extends Data.TaggedError("CannotResume")<{ readonly message: string }> {}

/** Where a resumed run picks up: its seed, the cohorts it finished, the tokens it already spent. */
export interface ResumePoint {
  readonly runId: string
  readonly seed: number
  /** `repeat/task/method` of every cohort whose every round is stored. */
  readonly finished: ReadonlySet<string>
  /**
   * Every token and dollar the run spent before: its stored rounds, and what runs.discarded_* kept (rounds a
   * stop cut short, cohorts a resume played again).
   */
  readonly spent: Spent
  /** Cohorts with rows that are not finished: deleted by `reopenForResume`. */
  readonly unfinished: ReadonlyArray<{
    readonly repeat: number
    readonly task: string
    readonly method: string
  }>
}

/** The key `finished` uses for a cohort. */
export const cohortRowKey = (repeat: number, task: string, method: string) => `${repeat}/${task}/${method}`

/** The scenario as compared on resume: everything but the budget, which may be raised to continue. */
const comparable = (config: unknown): Record<string, unknown> => {
  const { budget: _budget, ...rest } = JSON.parse(JSON.stringify(config)) as Record<string, unknown>
  return rest
}

/**
 * Checks, without changing anything, that `runId` can continue with this scenario and seed, and finds the
 * cohorts it finished (all rounds stored: each round is one transaction, so a partial cohort lacks its last
 * rounds). A run still marked `running` is refused unless `force`: its process may be alive and writing.
 */
export const resumePoint = (
  runId: string,
  loaded: LoadedScenario,
  options: { readonly seed?: number | undefined; readonly force?: boolean | undefined } = {},
): Effect.Effect<ResumePoint, CannotResume | StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const run = yield* store.getRun(runId)
    if (Option.isNone(run))
      return yield* new CannotResume({ message: `there is no run ${runId} in ${store.filename} to resume` })
    const { value } = run
    if (value.status === "completed")
      return yield* new CannotResume({ message: `run ${runId} is already complete; nothing to resume` })
    if (value.status === "running" && options.force !== true)
      return yield* new CannotResume({
        message:
          `run ${runId} is marked running: if its process is still playing it, let it finish; if that process ` +
          "was killed, resume with --force",
      })
    const seed = options.seed
    if (seed !== undefined && seed !== value.seed)
      return yield* new CannotResume({
        message: `run ${runId} was played with seed ${value.seed}, not ${seed}; drop --seed to resume it`,
      })
    const before = comparable(value.config)
    const now = comparable(loaded.scenario satisfies Scenario)
    const changed = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]),
    )
    if (changed.length > 0)
      return yield* new CannotResume({
        message:
          `${loaded.file} differs from the scenario run ${runId} was started with (${changed.join(", ")}); ` +
          "only the budget may change on resume: restore the file, or start a new run",
      })

    const rounds = loaded.scenario.rounds.length + 1
    const stored = yield* store.query(
      `SELECT repeat, task, method FROM evaluations WHERE run_id = ?
       GROUP BY repeat, task, method HAVING COUNT(DISTINCT round) = ?`,
      [runId, rounds],
    )
    const finished = new Set(
      stored.map((r) => cohortRowKey(Number(r.repeat), String(r.task), String(r.method))),
    )
    const started = yield* store.query(
      `SELECT repeat, task, method FROM evaluations WHERE run_id = ?
       UNION SELECT repeat, task, method FROM lessons WHERE run_id = ?
       UNION SELECT repeat, task, method FROM model_usage WHERE run_id = ?
       UNION SELECT repeat, task, method FROM leakage_measures WHERE run_id = ?`,
      [runId, runId, runId, runId],
    )
    const unfinished = started
      .map((row) => ({ repeat: Number(row.repeat), task: String(row.task), method: String(row.method) }))
      .filter((c) => !finished.has(cohortRowKey(c.repeat, c.task, c.method)))
    // What the stored rounds used, and what earlier resumes discarded with the cohorts they played again.
    const [row] = yield* store.query(
      `SELECT (SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM model_usage WHERE run_id = ?)
         + (SELECT discarded_tokens FROM runs WHERE id = ?) AS tokens,
       (SELECT COALESCE(SUM(cost_usd), 0) FROM model_usage WHERE run_id = ?)
         + (SELECT discarded_cost_usd FROM runs WHERE id = ?) AS cost`,
      [runId, runId, runId, runId],
    )
    const spent: Spent = { tokens: Number(row?.tokens ?? 0), costUsd: Number(row?.cost ?? 0) }
    const { maxTokens, maxCostUsd } = loaded.scenario.budget ?? {}
    if (maxTokens !== undefined && spent.tokens >= maxTokens)
      return yield* new CannotResume({
        message:
          `run ${runId} has spent ${spent.tokens} tokens of its budget of ${maxTokens}: raise budget.maxTokens ` +
          `above ${spent.tokens} in ${loaded.file} to continue it`,
      })
    if (maxCostUsd !== undefined && spent.costUsd >= maxCostUsd)
      return yield* new CannotResume({
        message:
          `run ${runId} has spent $${spent.costUsd.toFixed(4)} of its budget of $${maxCostUsd}: raise ` +
          `budget.maxCostUsd in ${loaded.file} to continue it`,
      })
    return { runId, seed: value.seed, finished, unfinished, spent }
  })

/**
 * Deletes whatever the unfinished cohorts wrote (they are played again from their start, with the same seeds,
 * so the finished run is the one an uninterrupted run would have stored) and marks the run running again.
 */
export const reopenForResume = (point: ResumePoint): Effect.Effect<void, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    for (const cohort of point.unfinished) yield* store.deleteCohort(point.runId, cohort)
    yield* store.reopenRun(point.runId)
  })
