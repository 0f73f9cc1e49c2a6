import type { CohortId } from "@lyceum/core"
import type Database from "better-sqlite3"
import { Effect } from "effect"
import { SCORE_AGGREGATES } from "./ScoreAggregates.js"
import { type StoreError, storeErrorFrom } from "./StoreError.js"
import { quoteName } from "./Tables.js"

/** One cohort of a run: a (repeat, task, method) played by its own agents (core's `CohortId`). */
export type CohortRef = CohortId

/**
 * A run's cohorts as resume sees them. Nothing here knows a kind: the cohort tables are every table with
 * run_id, repeat, task and method columns (read from the schema when the store opens), so a kind's own tables
 * are found and deleted like the generic ones.
 */
export interface Cohorts {
  /**
   * The cohorts with rows in the run: `finished` ones have all `steps` steps (0 .. steps-1) in
   * `cohort_steps`; the others have a row in some cohort table but not every step. A partial cohort lacks
   * its last steps, and may hold some rows of the one after its last stored step (a step is written in
   * chunks, its `cohort_steps` row in the last one: `writeChunked`); deleting the cohort removes those too.
   */
  readonly cohortsOf: (
    runId: string,
    steps: number,
  ) => Effect.Effect<
    { readonly finished: ReadonlyArray<CohortRef>; readonly unfinished: ReadonlyArray<CohortRef> },
    StoreError
  >
  /**
   * Deletes everything one cohort wrote, from every cohort table (`cohort_steps` included; findings go with
   * their lessons), in one transaction, adding its `model_usage` tokens and cost to the run's `discarded_*`
   * (they were spent all the same); returns the rows removed (cascaded ones not counted). A resumed run plays
   * an unfinished cohort again from its start.
   */
  readonly deleteCohort: (runId: string, cohort: CohortRef) => Effect.Effect<number, StoreError>
}

// Every step stored, or every step up to one marked final (a cohort whose conversation ended early).
const FINISHED = `SELECT repeat, task, method FROM cohort_steps WHERE run_id = ? AND step < ?
  GROUP BY repeat, task, method
  HAVING COUNT(*) = ? OR (MAX(final) = 1 AND COUNT(*) = MAX(CASE WHEN final = 1 THEN step END) + 1)
  ORDER BY 1, 2, 3`
const DISCARD = `UPDATE runs SET (discarded_tokens, discarded_cost_usd) = (SELECT discarded_tokens +
  COALESCE(SUM(prompt_tokens + completion_tokens), 0), discarded_cost_usd + COALESCE(SUM(cost_usd), 0)
  FROM model_usage WHERE run_id = ? AND repeat = ? AND task = ? AND method = ?) WHERE id = ?`

const key = (c: CohortRef) => `${c.repeat}\u0000${c.task}\u0000${c.method}`

/** The cohort methods of the store over its connection, statement cache and cohort tables (delete order). */
export const makeCohorts = (
  db: Database.Database,
  filename: string,
  prepare: (sql: string) => Database.Statement,
  tables: ReadonlyArray<string>,
): Cohorts => {
  const attempt = <A>(doing: string, run: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: run, catch: (cause) => storeErrorFrom(`cannot ${doing} in ${filename}`, cause) })
  const started = `${tables
    .map((t) => `SELECT repeat, task, method FROM ${quoteName(t)} WHERE run_id = ?`)
    .join(" UNION ")} ORDER BY 1, 2, 3`
  const deletes = tables.map(
    (t) => `DELETE FROM ${quoteName(t)} WHERE run_id = ? AND repeat = ? AND task = ? AND method = ?`,
  )
  // One read transaction, so both lists describe the same moment.
  const cohorts = db.transaction((runId: string, steps: number) => {
    const finished = prepare(FINISHED).all(runId, steps, steps) as Array<CohortRef>
    const done = new Set(finished.map(key))
    const all = prepare(started).all(...tables.map(() => runId)) as Array<CohortRef>
    return { finished, unfinished: all.filter((c) => !done.has(key(c))) }
  })
  const remove = db.transaction((runId: string, { repeat, task, method }: CohortRef) => {
    prepare(DISCARD).run(runId, repeat, task, method, runId)
    return deletes.reduce((removed, sql, i) => {
      const changes = prepare(sql).run(runId, repeat, task, method).changes
      // The sums of a cohort's answers go with them but are not rows it recorded.
      return removed + (SCORE_AGGREGATES.has(tables[i]!) ? 0 : changes)
    }, 0)
  })
  return {
    cohortsOf: (runId, steps) =>
      attempt(`read the cohorts of run ${runId}`, () => cohorts.deferred(runId, steps)),
    deleteCohort: (runId, cohort) =>
      attempt(`delete cohort ${cohort.repeat}/${cohort.task}/${cohort.method} of run ${runId}`, () =>
        remove.immediate(runId, cohort),
      ).pipe(Effect.withSpan("Store.deleteCohort")),
  }
}
