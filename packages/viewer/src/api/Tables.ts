import {
  type CellValue,
  facetByPoint,
  type KindReport,
  type ReportTable,
  readSweepPoints,
} from "@lyceum/report"
import { Store, type StoreService } from "@lyceum/store"
import { Effect } from "effect"

/**
 * `GET /api/runs/:id/tables`: every table `lyceum report` shows for the run's kind, read by the kind's own
 * report (the same builders, so the viewer and the report cannot disagree), as JSON the frontend sorts.
 */

export interface WireTable {
  readonly name: string
  readonly title: string
  readonly notes: ReadonlyArray<string>
  readonly columns: ReadonlyArray<{ readonly key: string; readonly label: string; readonly numeric: boolean }>
  readonly rows: ReadonlyArray<Readonly<Record<string, CellValue>>>
}

export const wireTable = (name: string, title: string, table: ReportTable): WireTable => ({
  name,
  title,
  notes: table.notes ?? [],
  columns: table.columns.map((c) => ({
    key: c.name,
    label: c.name.replace(/_/g, " "),
    numeric: c.type === "integer" || c.type === "real",
  })),
  rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i] ?? null]))),
})

/**
 * The store with its query results kept for one computation: a kind's tables often read the same rows (social
 * learning's table1 and table2 both aggregate every graded answer of the run), so each query runs once.
 */
const sharingQueries = (store: StoreService): StoreService => {
  const results = new Map<string, ReturnType<StoreService["query"]>>()
  return {
    ...store,
    query: (sql, params = []) => {
      const key = `${sql}\u0000${JSON.stringify(params)}`
      let cached = results.get(key)
      if (cached === undefined) {
        cached = Effect.runSync(Effect.cached(store.query(sql, params)))
        results.set(key, cached)
      }
      return cached
    },
  }
}

/** A swept run's tables are faceted by point as the report facets them (`point`, `point_label` after `method`). */
export const runTables = (
  run: { readonly id: string; readonly config: unknown },
  report: KindReport | undefined,
) =>
  Effect.gen(function* () {
    const points = yield* readSweepPoints(run)
    const tables = yield* Effect.forEach(report?.tables ?? [], (table) =>
      // The model only: the page draws its own charts.
      Effect.map(table.read(run.id, { color: false, charts: false }), (read) =>
        wireTable(table.name, table.description, facetByPoint(read.model, points)),
      ),
    )
    return { tables }
  }).pipe(Effect.provideServiceEffect(Store, Effect.map(Store, sharingQueries)))
