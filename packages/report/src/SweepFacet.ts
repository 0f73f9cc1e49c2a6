import { pointOf, variantOf } from "@lyceum/core"
import { type RunRow, Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import escapeHtml from "escape-html"
import { htmlTable } from "./HtmlTable.js"
import type { HtmlSection } from "./KindReport.js"
import { type CellValue, col, type ReportTable, tableToText } from "./ReportTable.js"

/**
 * A swept run (`sweep:` in its scenario) stores each point's cohorts with method `<variant>@p<k>`; its report
 * facets every table by point: the method's own name, the point's number and its label in columns of their own,
 * and the points listed with their values.
 */

/** One point of a swept run, as `sweep_points` holds it. */
export interface SweepPointInfo {
  readonly point: number
  readonly label: string
  readonly values: Readonly<Record<string, unknown>>
}

/** The points of a swept run, in order; none for a run without a sweep (its config has no `sweep`). */
export const readSweepPoints = (
  run: Pick<RunRow, "id" | "config">,
): Effect.Effect<ReadonlyArray<SweepPointInfo>, StoreError, Store> => {
  const config = run.config as { readonly sweep?: unknown } | null
  if (config === null || typeof config !== "object" || config.sweep === undefined) return Effect.succeed([])
  return Effect.flatMap(Store, (store) =>
    store.query("SELECT point, label, values_json FROM sweep_points WHERE run_id = ? ORDER BY point", [
      run.id,
    ]),
  ).pipe(
    Effect.map((rows) =>
      rows.map((r) => ({
        point: Number(r.point),
        label: String(r.label),
        values: JSON.parse(String(r.values_json)) as Record<string, unknown>,
      })),
    ),
  )
}

/**
 * `table` faceted by point: where it has a `method` column, that column shows the variant alone and
 * `point` and `point_label` follow it (null on rows of no point). Unchanged without points or a method column.
 */
export const facetByPoint = (table: ReportTable, points: ReadonlyArray<SweepPointInfo>): ReportTable => {
  const at = table.columns.findIndex((c) => c.name === "method")
  if (points.length === 0 || at < 0) return table
  const labels = new Map(points.map((p) => [p.point, p.label]))
  return {
    ...table,
    columns: [
      ...table.columns.slice(0, at + 1),
      col.integer("point"),
      col.text("point_label"),
      ...table.columns.slice(at + 1),
    ],
    rows: table.rows.map((row) => {
      const method = row[at]
      const point = typeof method === "string" ? pointOf(method) : undefined
      const cells: Array<CellValue> = [
        typeof method === "string" ? variantOf(method) : (method ?? null),
        point ?? null,
        point === undefined ? null : (labels.get(point) ?? null),
      ]
      return [...row.slice(0, at), ...cells, ...row.slice(at + 1)]
    }),
  }
}

/** The points as a table: number, label, and each swept path's value. */
export const sweepPointsTable = (points: ReadonlyArray<SweepPointInfo>): ReportTable => {
  const paths = [...new Set(points.flatMap((p) => Object.keys(p.values)))]
  return {
    table: "sweep",
    columns: [col.integer("point"), col.text("point_label"), ...paths.map((p) => col.text(p))],
    rows: points.map((p) => [
      p.point,
      p.label,
      ...paths.map((path) => {
        const value = p.values[path]
        return value === undefined ? null : typeof value === "string" ? value : JSON.stringify(value)
      }),
    ]),
    notes: [
      "Each point's cohorts have method <variant>@p<point>; the tables show the point in columns of its own.",
    ],
  }
}

/** The text report's list of points (empty without a sweep). */
export const sweepLegend = (points: ReadonlyArray<SweepPointInfo>): string =>
  points.length === 0 ? "" : `Sweep of ${points.length} points\n${tableToText(sweepPointsTable(points), "")}`

/** The HTML page's section listing the points (none without a sweep). */
export const sweepSections = (points: ReadonlyArray<SweepPointInfo>): ReadonlyArray<HtmlSection> =>
  points.length === 0
    ? []
    : [{ title: `Sweep: ${points.length} points`, body: htmlTable(sweepPointsTable(points), "") }]

/**
 * The kind's HTML sections with each point named where a method shows it: `synthetic-examples@p1` in text (chart
 * legends and titles, table cells) becomes `synthetic-examples@p1 (nGen=2,temperature=1)`. Only text between
 * tags changes, never an attribute, so what scripts and styles key on stays as it was.
 */
export const labelPoints = (
  sections: ReadonlyArray<HtmlSection>,
  points: ReadonlyArray<SweepPointInfo>,
): ReadonlyArray<HtmlSection> => {
  if (points.length === 0) return sections
  const labels = new Map(points.map((p) => [p.point, escapeHtml(p.label)]))
  const label = (text: string) =>
    text.replace(/@p(0|[1-9][0-9]*)(?![0-9])/g, (found, k: string) => {
      const named = labels.get(Number(k))
      return named === undefined ? found : `${found} (${named})`
    })
  return sections.map((s) => ({
    title: label(s.title),
    body: s.body.replace(/>([^<]+)</g, (_all, text: string) => `>${label(text)}<`),
  }))
}
