import type Database from "better-sqlite3"
import { Effect } from "effect"
import { type StoreError, storeErrorFrom } from "./StoreError.js"

/** One cohort of a run: a (repeat, task, method) played by its own agents. */
export interface CohortRef {
  readonly repeat: number
  readonly task: string
  readonly method: string
}

/** What a run has stored so far, as resuming it needs to know. */
export interface RunState {
  /**
   * The cohorts with rows in the run: `finished` ones have all `rounds` rounds (round 0 included) evaluated;
   * the others have something (a lesson, an evaluation, model usage, a leakage measure) but not every round.
   * Each round is one transaction, so a partial cohort lacks its last rounds.
   */
  readonly cohortsOf: (
    runId: string,
    rounds: number,
  ) => Effect.Effect<
    { readonly finished: ReadonlyArray<CohortRef>; readonly unfinished: ReadonlyArray<CohortRef> },
    StoreError
  >
  /** Every token and dollar the run spent: its `model_usage` rows and its `discarded_*` counters. */
  readonly spentBy: (
    runId: string,
  ) => Effect.Effect<{ readonly tokens: number; readonly costUsd: number }, StoreError>
}

const FINISHED = `SELECT repeat, task, method FROM evaluations WHERE run_id = ?
  GROUP BY repeat, task, method HAVING COUNT(DISTINCT round) = ? ORDER BY 1, 2, 3`
const STARTED = `SELECT repeat, task, method FROM evaluations WHERE run_id = ?
  UNION SELECT repeat, task, method FROM lessons WHERE run_id = ?
  UNION SELECT repeat, task, method FROM model_usage WHERE run_id = ?
  UNION SELECT repeat, task, method FROM leakage_measures WHERE run_id = ? ORDER BY 1, 2, 3`
const SPENT = `SELECT
  (SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM model_usage WHERE run_id = ?)
    + COALESCE((SELECT discarded_tokens FROM runs WHERE id = ?), 0) AS tokens,
  (SELECT COALESCE(SUM(cost_usd), 0) FROM model_usage WHERE run_id = ?)
    + COALESCE((SELECT discarded_cost_usd FROM runs WHERE id = ?), 0) AS costUsd`

const key = (c: CohortRef) => `${c.repeat}\u0000${c.task}\u0000${c.method}`

/** The run-state reads of the store over its connection and statement cache. */
export const makeRunState = (
  db: Database.Database,
  filename: string,
  prepare: (sql: string) => Database.Statement,
): RunState => {
  const attempt = <A>(doing: string, run: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: run, catch: (cause) => storeErrorFrom(`cannot ${doing} in ${filename}`, cause) })
  // One read transaction, so both lists describe the same moment.
  const cohorts = db.transaction((runId: string, rounds: number) => {
    const finished = prepare(FINISHED).all(runId, rounds) as Array<CohortRef>
    const done = new Set(finished.map(key))
    const started = prepare(STARTED).all(runId, runId, runId, runId) as Array<CohortRef>
    return { finished, unfinished: started.filter((c) => !done.has(key(c))) }
  })
  return {
    cohortsOf: (runId, rounds) =>
      attempt(`read the cohorts of run ${runId}`, () => cohorts.deferred(runId, rounds)),
    spentBy: (runId) =>
      attempt(
        `read what run ${runId} spent`,
        () => prepare(SPENT).get(runId, runId, runId, runId) as { tokens: number; costUsd: number },
      ),
  }
}
