import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { col, measured, type ReportTable, tableToText } from "./ReportTable.js"

/** Accuracy per culture after each round of one method, pooled over repeats and students, and the gap. */
export interface CultureRow {
  readonly task: string
  readonly method: string
  readonly round: number
  readonly byCulture: Readonly<Record<string, number>>
  /** Best culture's accuracy minus the worst's. */
  readonly gap: number
}

/**
 * The view joins every graded answer of the run with its item's label: a run without labelled items (no
 * cultural probes) has nothing to join, which the EXISTS says before a read of millions of answers.
 */
export const CULTURE_ROWS_SQL = `SELECT task, method, round, culture, SUM(accuracy * n_items) / SUM(n_items) AS accuracy
  FROM probe_accuracy WHERE run_id = ? AND EXISTS (SELECT 1 FROM item_labels WHERE run_id = ?)
  GROUP BY task, method, round, culture ORDER BY task, method, round`

/** Reads the `probe_accuracy` view of a run (weighted by items) into one row per (task, method, round). */
export const cultureRows = (runId: string): Effect.Effect<ReadonlyArray<CultureRow>, StoreError, Store> =>
  Effect.flatMap(Store, (store) => store.query(CULTURE_ROWS_SQL, [runId, runId])).pipe(
    Effect.map((rows) => {
      const grouped = new Map<
        string,
        { task: string; method: string; round: number; byCulture: Record<string, number> }
      >()
      for (const row of rows) {
        const key = `${row.task}\u0000${row.method}\u0000${row.round}`
        const entry = grouped.get(key) ?? {
          task: String(row.task),
          method: String(row.method),
          round: Number(row.round),
          byCulture: {},
        }
        entry.byCulture[String(row.culture)] = Number(row.accuracy)
        grouped.set(key, entry)
      }
      return [...grouped.values()].map((entry) => {
        const values = Object.values(entry.byCulture)
        return { ...entry, gap: Math.max(...values) - Math.min(...values) }
      })
    }),
  )

/** One line per task, method and round, a column per culture (accuracy in [0, 1]), then the gap. */
export const cultureReport = (rows: ReadonlyArray<CultureRow>): ReportTable => {
  const cultures = [...new Set(rows.flatMap((row) => Object.keys(row.byCulture)))].sort()
  return {
    table: "cultures",
    columns: [
      col.text("task"),
      col.text("method"),
      col.integer("round"),
      ...cultures.map((c) => col.real(c)),
      col.real("gap"),
    ],
    rows: rows.map((row) => [
      row.task,
      row.method,
      row.round,
      ...cultures.map((c) => measured(row.byCulture[c])),
      measured(row.gap),
    ]),
    notes: [
      "Probe accuracy in [0, 1] per culture, pooled over repeats and students; gap = best culture minus worst.",
    ],
  }
}

/** The text rendering of `cultureReport`. */
export const formatCultureTable = (rows: ReadonlyArray<CultureRow>): string =>
  tableToText(cultureReport(rows), "(no cultural probes in this run)")
