import { variantOf } from "@lyceum/core"
import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import type { MethodScoreRow } from "./MethodScores.js"

/** A method of a run: the label its rows carry and its strategy, in scenario order. */
export interface RunMethod {
  readonly method: string
  readonly strategy: string
}

/**
 * The methods a run played, from the scenario stored with it (`runs.config`): a method is reported under its
 * `name` or else its strategy, so the label alone cannot say how a student was taught. A method with rows
 * but no entry in the config (a run written without one) is taken to be named after its strategy.
 */
export const runMethods = (runId: string): Effect.Effect<ReadonlyArray<RunMethod>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      `SELECT json_extract(m.value, '$.name') AS name, json_extract(m.value, '$.strategy') AS strategy
       FROM runs, json_each(runs.config, '$.methods') m
       WHERE runs.id = ? ORDER BY m.key`,
      [runId],
    ),
  ).pipe(
    Effect.map((rows) =>
      rows.flatMap((r) =>
        typeof r.strategy === "string"
          ? [{ method: typeof r.name === "string" ? r.name : r.strategy, strategy: r.strategy }]
          : [],
      ),
    ),
  )

/** Looks up a method label's strategy; an unknown label stands for itself. */
export const strategyOf =
  (methods: ReadonlyArray<RunMethod>) =>
  (method: string): string => {
    // A swept run's cohorts are `<method>@p<k>`: the method is the one its scenario names.
    const variant = variantOf(method)
    return methods.find((m) => m.method === variant)?.strategy ?? variant
  }

/**
 * The store's per-item sums over a cohort's students (migration 0016), one row per item and round rather than
 * every graded answer, in the order the tables take their methods and tasks from (first appearance).
 */
export const PAPER_TABLE_ROWS_SQL = `SELECT task, method, n, round, repeat, item_id AS itemId,
  CAST(score_sum AS REAL) / students AS score
  FROM item_scores WHERE run_id = ? AND metric = 'accuracy'
  ORDER BY task, method, round, n, repeat, item_id`

/**
 * Per-item accuracy of a run for the paper tables: one row per (task, method, round, repeat, item), the score
 * averaged over the cohort's students, labelled with the method's strategy.
 */
export const paperTableRows = (
  runId: string,
): Effect.Effect<ReadonlyArray<MethodScoreRow>, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const strategy = strategyOf(yield* runMethods(runId))
    const rows = yield* store.query(PAPER_TABLE_ROWS_SQL, [runId])
    return rows.map((row) => ({
      task: String(row.task),
      method: String(row.method),
      strategy: strategy(String(row.method)),
      n: Number(row.n),
      round: Number(row.round),
      repeat: Number(row.repeat),
      itemId: String(row.itemId),
      score: Number(row.score),
    }))
  })
