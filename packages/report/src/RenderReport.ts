import type { RunRow, Store, StoreError } from "@lyceum/store"
import { Data, Effect } from "effect"
import { htmlPage } from "./HtmlPage.js"
import type { KindReport, KindTable } from "./KindReport.js"
import { tableToCsv, tableToJson, tableToText } from "./ReportTable.js"
import { facetByPoint, labelPoints, readSweepPoints, sweepLegend, sweepSections } from "./SweepFacet.js"

/** The formats `lyceum report --format` offers. */
export const reportFormats = ["table", "json", "csv", "html"] as const
export type ReportFormat = (typeof reportFormats)[number]

/** A table name the run's kind does not have. */
export class UnknownTable extends Data.TaggedError("UnknownTable")<{
  readonly table: string
  readonly kind: string
  readonly known: ReadonlyArray<string>
}> {
  override get message() {
    return `this ${this.kind} run has no table "${this.table}": choose --table ${this.known.join(", ")} (default ${this.known[0]})`
  }
}

/** The kind's table called `name`, or its first (default) table when `name` is undefined. */
export const tableNamed = (
  report: KindReport,
  kind: string,
  name: string | undefined,
): Effect.Effect<KindTable, UnknownTable> => {
  const table = name === undefined ? report.tables[0] : report.tables.find((t) => t.name === name)
  return table === undefined
    ? Effect.fail(new UnknownTable({ table: name ?? "", kind, known: report.tables.map((t) => t.name) }))
    : Effect.succeed(table)
}

export interface RenderOptions {
  readonly format: ReportFormat
  /** The kind's table to render (not used by `html`, which holds every section); default its first. */
  readonly table?: string | undefined
  readonly run: RunRow
  /** The report of the run's kind. */
  readonly report: KindReport
  /** ANSI colours in text charts: only for a terminal, never into a file. */
  readonly color?: boolean
}

/**
 * A run's report in the format asked. Every table is one model (columns and rows) that each format renders,
 * so JSON, CSV and text carry the same columns; text adds a heading above and the table's charts under it;
 * HTML is one page wrapping every section of the kind. The table name is checked in every format, so a
 * misspelt `--table` fails the same way whatever the format.
 */
export const renderReport = (
  options: RenderOptions,
): Effect.Effect<string, StoreError | UnknownTable, Store> =>
  Effect.gen(function* () {
    const { format, run, report } = options
    const table = yield* tableNamed(report, run.kind, options.table)
    // A swept run's points: every table shows each row's point, the page and the text list them.
    const points = yield* readSweepPoints(run)
    if (format === "html")
      return htmlPage(run, [...sweepSections(points), ...labelPoints(yield* report.html(run), points)])
    const shaped = yield* table.read(run.id, { color: options.color ?? false })
    const model = facetByPoint(shaped.model, points)
    if (format === "json") return tableToJson(model, run)
    if (format === "csv") return tableToCsv(model)
    const heading = `Run ${run.id} · scenario ${run.scenarioName} · seed ${run.seed} · ${run.status}`
    return `${[heading, sweepLegend(points), tableToText(model, shaped.empty), ...shaped.views]
      .filter((part) => part.length > 0)
      .join("\n\n")}\n`
  })

/** What `lyceum run` prints when a run is over: the kind's `afterRun`, else its first table as text. */
export const renderAfterRun = (
  run: RunRow,
  report: KindReport,
  color: boolean,
): Effect.Effect<string, StoreError | UnknownTable, Store> =>
  report.afterRun !== undefined
    ? Effect.zipWith(readSweepPoints(run), report.afterRun(run.id, { color }), (points, text) =>
        // Its methods carry `@p<k>`: what each point is, above.
        points.length === 0 ? text : `${sweepLegend(points)}\n\n${text}`,
      )
    : renderReport({ format: "table", run, report, color })
