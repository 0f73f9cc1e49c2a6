import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { alignColumns, toCsv } from "./TextTable.js"

/** Secret Sharer figures of one method (paper Tables 3 and 4), pooled over repeats and students. */
export interface LeakageSummary {
  readonly task: string
  readonly method: string
  /** Students measured (trials × students). */
  readonly trials: number
  readonly meanRank: number
  /** Trials where the canary beat every alternative. */
  readonly rankZero: number
  readonly meanExposure: number
  /** Share of generated candidates that copied a private example verbatim (all rounds). */
  readonly verbatimCopyRate: number | undefined
}

/** Reads the `leakage` view of a run into one summary per (task, method). */
export const leakageSummaries = (
  runId: string,
): Effect.Effect<ReadonlyArray<LeakageSummary>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      `SELECT task, method,
         SUM(metric = 'canary_rank') AS trials,
         AVG(CASE WHEN metric = 'canary_rank' THEN value END) AS meanRank,
         SUM(metric = 'canary_rank' AND value = 0) AS rankZero,
         AVG(CASE WHEN metric = 'canary_exposure' THEN value END) AS meanExposure,
         AVG(CASE WHEN metric = 'verbatim_copy_rate' THEN value END) AS verbatimCopyRate
       FROM leakage WHERE run_id = ? GROUP BY task, method ORDER BY task, method`,
      [runId],
    ),
  ).pipe(
    Effect.map((rows) =>
      rows.map((row) => ({
        task: String(row.task),
        method: String(row.method),
        trials: Number(row.trials),
        meanRank: Number(row.meanRank),
        rankZero: Number(row.rankZero),
        meanExposure: Number(row.meanExposure),
        verbatimCopyRate: row.verbatimCopyRate === null ? undefined : Number(row.verbatimCopyRate),
      })),
    ),
  )

/** CSV of the summaries (rates in [0, 1]). */
export const leakageToCsv = (rows: ReadonlyArray<LeakageSummary>): string =>
  toCsv(
    ["task", "method", "trials", "mean_rank", "rank_zero", "mean_exposure", "verbatim_copy_rate"],
    rows.map((r) => [r.task, r.method, r.trials, r.meanRank, r.rankZero, r.meanExposure, r.verbatimCopyRate]),
  )

/** Text table in the shape of the paper's Tables 3 and 4, with exposure and the verbatim-copy rate. */
export const formatLeakageTable = (rows: ReadonlyArray<LeakageSummary>): string => {
  if (rows.length === 0) return "(no leakage measured in this run)"
  const header = ["task", "method", "trials", "mean rank", "rank 0", "exposure (bits)", "verbatim copies"]
  const body = rows.map((row) => [
    row.task,
    row.method,
    String(row.trials),
    row.trials === 0 ? "-" : row.meanRank.toFixed(1),
    row.trials === 0 ? "-" : String(row.rankZero),
    row.trials === 0 ? "-" : row.meanExposure.toFixed(2),
    row.verbatimCopyRate === undefined ? "-" : `${(100 * row.verbatimCopyRate).toFixed(1)}%`,
  ])
  return [
    "Secret Sharer: the canary's 0-based rank among all candidates (0 = memorised; half the candidates = chance),",
    "trials with rank 0, and exposure log2 N - log2(rank + 1) averaged per trial.",
    "",
    ...alignColumns(header, body, (i) => (i < 2 ? "left" : "right")),
  ].join("\n")
}
