import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { alignColumns, toCsv } from "./TextTable.js"

/** Accuracy per culture after each round of one method, pooled over repeats and students, and the gap. */
export interface CultureRow {
  readonly task: string
  readonly method: string
  readonly round: number
  readonly byCulture: Readonly<Record<string, number>>
  /** Best culture's accuracy minus the worst's. */
  readonly gap: number
}

/** Reads the `probe_accuracy` view of a run (weighted by items) into one row per (task, method, round). */
export const cultureRows = (runId: string): Effect.Effect<ReadonlyArray<CultureRow>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      `SELECT task, method, round, culture, SUM(accuracy * n_items) / SUM(n_items) AS accuracy
       FROM probe_accuracy WHERE run_id = ? GROUP BY task, method, round, culture ORDER BY task, method, round`,
      [runId],
    ),
  ).pipe(
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

/** CSV: one line per task, method and round, a column per culture (accuracy in [0, 1]), then the gap. */
export const cultureRowsToCsv = (rows: ReadonlyArray<CultureRow>): string => {
  const cultures = [...new Set(rows.flatMap((row) => Object.keys(row.byCulture)))].sort()
  return toCsv(
    ["task", "method", "round", ...cultures, "gap"],
    rows.map((row) => [row.task, row.method, row.round, ...cultures.map((c) => row.byCulture[c]), row.gap]),
  )
}

/** Text table: one line per method and round, a column per culture, then the gap. */
export const formatCultureTable = (rows: ReadonlyArray<CultureRow>): string => {
  if (rows.length === 0) return "(no cultural probes in this run)"
  const cultures = [...new Set(rows.flatMap((row) => Object.keys(row.byCulture)))].sort()
  const header = ["method", "round", ...cultures, "gap"]
  const body = rows.map((row) => [
    row.method,
    String(row.round),
    ...cultures.map((c) => (row.byCulture[c] === undefined ? "-" : (100 * row.byCulture[c]).toFixed(1))),
    (100 * row.gap).toFixed(1),
  ])
  return [
    "Probe accuracy (%) per culture, pooled over repeats; gap = best culture minus worst.",
    "",
    ...alignColumns(header, body, (i) => (i < 2 ? "left" : "right")),
  ].join("\n")
}
