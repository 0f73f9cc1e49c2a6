import { Store } from "@lyceum/store"
import { Effect } from "effect"
import { cultureReport, cultureRows } from "./CultureTable.js"
import { formatCurveTable } from "./Format.js"
import type { KindReport, KindTable } from "./KindReport.js"
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
import { paperTableRows, runMethods, strategyOf } from "./RunScores.js"
import { smugglingReport, smugglingRows, smugglingTotals } from "./SmugglingTable.js"
import { socialLearningSections } from "./SocialLearningHtml.js"

const curve: KindTable = {
  name: "curve",
  description: "learning curves per round",
  read: (runId, options) =>
    Effect.gen(function* () {
      const store = yield* Store
      const points = summarizeCurve(yield* store.learningCurve(runId))
      return {
        model: curveReport(points, strategyOf(yield* runMethods(runId))),
        empty: "(no evaluations recorded yet)",
        views:
          points.length === 0 || options.charts === false
            ? []
            : [formatCurvePlot(points, { color: options.color ?? false })],
      }
    }),
}

const table1: KindTable = {
  name: "table1",
  description: "original vs generated per n with significance stars (paper Table 1)",
  read: (runId, options) =>
    Effect.map(paperTableRows(runId), (rows) => {
      const shaped = paperTable1(rows)
      return {
        model: table1Report(shaped),
        empty:
          "(nothing for Table 1: it needs a zero-shot, original-examples or synthetic-examples method with evaluations)",
        views: shaped.rows.length === 0 || options.charts === false ? [] : [formatTable1(shaped)],
      }
    }),
}

const table2: KindTable = {
  name: "table2",
  description: "methods × tasks (paper Table 2)",
  read: (runId, options) =>
    Effect.map(paperTableRows(runId), (rows) => {
      const shaped = paperTable2(rows)
      return {
        model: table2Report(shaped),
        empty: "(no evaluations recorded yet)",
        views: shaped.rows.length === 0 || options.charts === false ? [] : [formatTable2(shaped)],
      }
    }),
}

const cultures: KindTable = {
  name: "cultures",
  description: "probe accuracy per culture and the gap",
  read: (runId) =>
    Effect.map(cultureRows(runId), (rows) => ({
      model: cultureReport(rows),
      empty: "(no cultural probes in this run)",
      views: [],
    })),
}

const leakage: KindTable = {
  name: "leakage",
  description: "Secret Sharer canary ranks, verbatim copies and normalised distance (paper Tables 3, 4, 6)",
  read: (runId) =>
    Effect.gen(function* () {
      const summaries = yield* leakageSummaries(runId)
      const candidates = candidatesOf(summaries)
      return {
        model: leakageReport(summaries),
        empty: "(no leakage measured in this run)",
        views: candidates === undefined ? [] : [formatRankStrips(yield* canaryRanks(runId), candidates)],
      }
    }),
}

const smuggling: KindTable = {
  name: "smuggling",
  description: "an adversarial teacher's attempts per transform and what the filter did",
  read: (runId) =>
    Effect.map(smugglingRows(runId), (rows) => ({
      model: smugglingReport(rows),
      empty: "(no adversarial teacher in this run)",
      views: rows.length === 0 ? [] : [smugglingTotals(rows)],
    })),
}

/**
 * The social-learning kind's report: its six tables (`curve` first, the default), the learning curve `lyceum run`
 * prints, and its HTML sections.
 */
export const socialLearningReport: KindReport = {
  tables: [curve, table1, table2, cultures, leakage, smuggling],
  afterRun: (runId, options) =>
    Effect.gen(function* () {
      const store = yield* Store
      const points = summarizeCurve(yield* store.learningCurve(runId))
      return [
        `Learning curve · run ${runId}`,
        formatCurveTable(points),
        formatCurvePlot(points, { color: options.color ?? false }),
      ].join("\n\n")
    }),
  html: socialLearningSections,
}
