import { type RunRow, Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { cultureReport, cultureRows } from "./CultureTable.js"
import { htmlPre as pre } from "./HtmlPage.js"
import { htmlTable } from "./HtmlTable.js"
import type { HtmlSection } from "./KindReport.js"
import { canaryRanks, candidatesOf, leakageReport, leakageSummaries } from "./LeakageTable.js"
import { curveReport, summarizeCurve } from "./LearningCurve.js"
import { paperTable1, paperTable2 } from "./PaperTables.js"
import { formatTable1, formatTable2, table1Report, table2Report } from "./PaperTableViews.js"
import { paperTableRows, runMethods, strategyOf } from "./RunScores.js"
import { smugglingReport, smugglingRows } from "./SmugglingTable.js"
import { type SvgSeries, svgLineChart, svgRankStrip } from "./SvgChart.js"

const section = (title: string, body: string): HtmlSection => ({ title, body })

/** A paper-style text layout, folded under the sortable table it was drawn from. */
const asInPaper = (text: string) =>
  `<details><summary>as laid out in the paper</summary>${pre(text)}</details>`

/**
 * The social-learning sections of a run's HTML page: its learning curves as charts (mean over repeats ± SEM,
 * by prompt size), the methods × tasks table, and when the run measured them the Secret Sharer ranks as a
 * strip plot with the leakage table, an adversarial teacher's smuggling, and the cultural gap.
 */
export const socialLearningSections = (
  run: RunRow,
): Effect.Effect<ReadonlyArray<HtmlSection>, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const points = summarizeCurve(yield* store.learningCurve(run.id))
    const sections: Array<HtmlSection> = []

    const tasks = [...new Set(points.map((p) => `${p.task}\u0000${p.metric}`))]
    const students = new Set(points.map((p) => p.student))
    const curves = tasks.map((key) => {
      const [task, metric] = key.split("\u0000") as [string, string]
      const mine = points.filter((p) => p.task === task && p.metric === metric)
      const labels = [
        ...new Set(mine.map((p) => (students.size > 1 ? `${p.method} · ${p.student}` : p.method))),
      ]
      const series: Array<SvgSeries> = labels.map((label) => ({
        label,
        points: mine
          .filter((p) => (students.size > 1 ? `${p.method} · ${p.student}` : p.method) === label)
          .map((p) => ({
            x: p.n,
            y: p.mean,
            ...(p.sem !== undefined && { lo: p.mean - p.sem, hi: p.mean + p.sem }),
          })),
      }))
      return svgLineChart(series, {
        title: `${task}: ${metric} by prompt size (mean over repeats ± SEM)`,
        xLabel: "lessons in the student's prompt (n)",
        yLabel: metric,
      })
    })
    const curveTable = htmlTable(curveReport(points, strategyOf(yield* runMethods(run.id))), "")
    sections.push(
      section(
        "Learning curves",
        curves.length === 0 ? "<p>No evaluations stored yet.</p>" : curves.join("") + curveTable,
      ),
    )

    const scores = yield* paperTableRows(run.id)
    if (scores.length > 0) {
      // Table 1 when the run compares original and generated examples at some n; Table 2 always.
      const table1 = paperTable1(scores)
      const table2 = paperTable2(scores)
      const compared = table1.rows.some((row) =>
        row.cells.some((c) => c.original !== undefined && c.generated !== undefined),
      )
      sections.push(
        section(
          "Methods × tasks",
          (compared ? htmlTable(table1Report(table1), "") + asInPaper(formatTable1(table1)) : "") +
            htmlTable(table2Report(table2), "") +
            asInPaper(formatTable2(table2)),
        ),
      )
    }

    const leakage = yield* leakageSummaries(run.id)
    const candidates = candidatesOf(leakage)
    if (leakage.length > 0) {
      const ranks = yield* canaryRanks(run.id)
      const strip =
        candidates === undefined || ranks.length === 0
          ? ""
          : svgRankStrip(
              ranks,
              candidates,
              `Secret Sharer: the canary's rank among ${candidates} candidates, one dot per trial`,
            )
      sections.push(section("Leakage", strip + htmlTable(leakageReport(leakage), "")))
    }

    const smuggling = yield* smugglingRows(run.id)
    if (smuggling.length > 0)
      sections.push(section("Adversarial teacher", htmlTable(smugglingReport(smuggling), "")))

    const cultures = yield* cultureRows(run.id)
    if (cultures.length > 0) {
      const methods = [...new Set(cultures.map((c) => `${c.task} · ${c.method}`))]
      const gap = svgLineChart(
        methods.map((label) => ({
          label,
          points: cultures
            .filter((c) => `${c.task} · ${c.method}` === label)
            .map((c) => ({ x: c.round, y: c.gap })),
        })),
        { title: "Cultural gap: best culture's accuracy minus the worst's", xLabel: "round", yLabel: "gap" },
      )
      // Per method, each culture's accuracy by round: whose knowledge the student gained.
      const perCulture = methods.map((label) => {
        const mine = cultures.filter((c) => `${c.task} · ${c.method}` === label)
        const names = [...new Set(mine.flatMap((c) => Object.keys(c.byCulture)))].sort()
        return svgLineChart(
          names.map((culture) => ({
            label: culture,
            points: mine.flatMap((c) =>
              c.byCulture[culture] === undefined ? [] : [{ x: c.round, y: c.byCulture[culture]! }],
            ),
          })),
          { title: `${label}: probe accuracy per culture`, xLabel: "round", yLabel: "accuracy" },
        )
      })
      sections.push(section("Cultures", gap + perCulture.join("") + htmlTable(cultureReport(cultures), "")))
    }

    return sections
  })
