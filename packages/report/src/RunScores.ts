import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import type { MethodScoreRow } from "./MethodScores.js"

/**
 * Per-item accuracy rows of a run, shaped for the paper tables: every round after the first lesson, plus
 * round 0 (the zero-shot measurement) of one method only, so the zero-shot cell is not counted once per method.
 */
export const paperTableRows = (
  runId: string,
): Effect.Effect<ReadonlyArray<MethodScoreRow>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store
      .query(
        `SELECT task, method, n, repeat, item_id AS itemId, AVG(score) AS score
       FROM evaluations e
       WHERE run_id = ? AND metric = 'accuracy'
         AND (round > 0 OR method = (SELECT MIN(method) FROM evaluations WHERE run_id = e.run_id))
       GROUP BY task, method, n, repeat, item_id`,
        [runId],
      )
      .pipe(
        Effect.map((rows) =>
          rows.map((row) => ({
            task: String(row.task),
            method: String(row.method),
            n: Number(row.n),
            repeat: Number(row.repeat),
            itemId: String(row.itemId),
            score: Number(row.score),
          })),
        ),
      ),
  )
