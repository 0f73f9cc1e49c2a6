import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { cultureReport, cultureRows } from "./CultureTable.js"
import {
  canaryRanks,
  candidatesOf,
  formatRankStrips,
  leakageReport,
  leakageSummaries,
} from "./LeakageTable.js"
import { curveReport, summarizeCurve } from "./LearningCurve.js"
import { formatCurvePlot } from "./LineChart.js"
import { paperTable1, paperTable2 } from "./PaperTables.js"
import { formatTable1, formatTable2, table1Report, table2Report } from "./PaperTableViews.js"
import type { ReportTable } from "./ReportTable.js"
import { paperTableRows, runMethods, strategyOf } from "./RunScores.js"
import { smugglingReport, smugglingRows, smugglingTotals } from "./SmugglingTable.js"

/** The tables `lyceum report --table` offers. */
export const reportTables = ["curve", "table1", "table2", "cultures", "leakage", "smuggling"] as const
export type ReportTableName = (typeof reportTables)[number]

/**
 * One table of a run: the model every format renders, what the text says when it has no rows, and the
 * views that only the text rendering adds under it (charts, the paper's grid, totals), drawn from the same data.
 */
export interface RunReport {
  readonly model: ReportTable
  readonly empty: string
  readonly views: ReadonlyArray<string>
}

/** Reads one table of a run. `color`: ANSI colours in the curve chart (terminals only). */
export const runReport = (
  table: ReportTableName,
  runId: string,
  options: { readonly color?: boolean } = {},
): Effect.Effect<RunReport, StoreError, Store> =>
  Effect.gen(function* () {
    switch (table) {
      case "curve": {
        const store = yield* Store
        const points = summarizeCurve(yield* store.learningCurve(runId))
        return {
          model: curveReport(points, strategyOf(yield* runMethods(runId))),
          empty: "(no evaluations recorded yet)",
          views: points.length === 0 ? [] : [formatCurvePlot(points, { color: options.color ?? false })],
        }
      }
      case "table1": {
        const shaped = paperTable1(yield* paperTableRows(runId))
        return {
          model: table1Report(shaped),
          empty:
            "(nothing for Table 1: it needs a zero-shot, original-examples or synthetic-examples method with evaluations)",
          views: shaped.rows.length === 0 ? [] : [formatTable1(shaped)],
        }
      }
      case "table2": {
        const shaped = paperTable2(yield* paperTableRows(runId))
        return {
          model: table2Report(shaped),
          empty: "(no evaluations recorded yet)",
          views: shaped.rows.length === 0 ? [] : [formatTable2(shaped)],
        }
      }
      case "cultures":
        return {
          model: cultureReport(yield* cultureRows(runId)),
          empty: "(no cultural probes in this run)",
          views: [],
        }
      case "leakage": {
        const summaries = yield* leakageSummaries(runId)
        const candidates = candidatesOf(summaries)
        return {
          model: leakageReport(summaries),
          empty: "(no leakage measured in this run)",
          views: candidates === undefined ? [] : [formatRankStrips(yield* canaryRanks(runId), candidates)],
        }
      }
      case "smuggling": {
        const rows = yield* smugglingRows(runId)
        return {
          model: smugglingReport(rows),
          empty: "(no adversarial teacher in this run)",
          views: rows.length === 0 ? [] : [smugglingTotals(rows)],
        }
      }
    }
  })
