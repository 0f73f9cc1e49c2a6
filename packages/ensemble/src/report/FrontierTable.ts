import { pointOf, variantOf } from "@lyceum/coalition"
import {
  type ChartSeries,
  col,
  formatLineChart,
  groupBy,
  type KindTable,
  measured,
  type ReportTable,
  type SvgSeries,
  svgLineChart,
} from "@lyceum/report"
import { Effect } from "effect"
import { thresholdOf } from "./CascadeTable.js"
import { type FrontierRow, frontierRows } from "./Rows.js"

/** What the frontier's x axis measures: cost, or tokens when every cost is 0 (unpriced models, e.g. sim). */
export type FrontierAxis = "cost" | "tokens"

export const axisOf = (rows: ReadonlyArray<FrontierRow>): FrontierAxis =>
  rows.some((r) => r.cost_per_item > 0) ? "cost" : "tokens"

const axisLabel = (axis: FrontierAxis) => (axis === "cost" ? "cost per item (USD)" : "tokens per item")

const spendOf = (axis: FrontierAxis) => (r: FrontierRow) =>
  axis === "cost" ? r.cost_per_item : r.tokens_per_item

/**
 * Whether a point is on its task's accuracy-spend frontier: no other method of the task is at least as
 * accurate for at most the spend and strictly better in one of the two.
 */
export const paretoOptimal = (rows: ReadonlyArray<FrontierRow>, axis: FrontierAxis) => {
  const spend = spendOf(axis)
  // The views' means carry float noise (0.7 may be 0.6999999999999998): closer than this is equal.
  const below = (a: number, b: number) => a < b - 1e-9 * Math.max(1, Math.abs(b))
  return (row: FrontierRow): boolean =>
    !rows.some(
      (other) =>
        other.task === row.task &&
        !below(other.accuracy, row.accuracy) &&
        !below(spend(row), spend(other)) &&
        (below(row.accuracy, other.accuracy) || below(spend(other), spend(row))),
    )
}

/**
 * A cascade's thresholds are one series (its curve); every other method is a series of one point. A swept
 * run's cascade is a series per point (`cascade@p1`).
 */
const familyOf = (method: string) => {
  if (thresholdOf(method) === undefined) return method
  const point = pointOf(method)
  return variantOf(method).replace(/@[^@]*$/, "") + (point === undefined ? "" : `@p${point}`)
}

/** Three significant digits: the chart's x labels stay short and points sharing a label sit together. */
const rounded = (x: number) => Number(x.toPrecision(3))

const seriesOf = <S>(
  rows: ReadonlyArray<FrontierRow>,
  point: (r: FrontierRow) => S,
): Array<{ readonly label: string; readonly points: Array<S> }> =>
  [...groupBy(rows, (r) => familyOf(r.method))].map(([label, group]) => ({ label, points: group.map(point) }))

/** The frontier as braille line charts, one per task: accuracy by spend, a cascade's thresholds joined. */
export const frontierCharts = (
  rows: ReadonlyArray<FrontierRow>,
  options: { readonly color?: boolean } = {},
): Array<string> => {
  const axis = axisOf(rows)
  const spend = spendOf(axis)
  return [...groupBy(rows, (r) => r.task)].map(([task, mine]) => {
    const series: Array<ChartSeries> = seriesOf(mine, (r) => ({ x: rounded(spend(r)), y: r.accuracy }))
    return `${task}: accuracy by ${axisLabel(axis)}\n${formatLineChart(series, {
      xLabel: axis === "cost" ? "cost/item" : "tokens/item",
      ...(options.color !== undefined && { color: options.color }),
    })}`
  })
}

/** The frontier as SVG charts, one per task, each point with its ± SEM band. */
export const frontierSvgs = (rows: ReadonlyArray<FrontierRow>): Array<string> => {
  const axis = axisOf(rows)
  const spend = spendOf(axis)
  return [...groupBy(rows, (r) => r.task)].map(([task, mine]) => {
    const series: Array<SvgSeries> = seriesOf(mine, (r) => ({
      x: spend(r),
      y: r.accuracy,
      ...(r.accuracy_sem !== null && { lo: r.accuracy - r.accuracy_sem, hi: r.accuracy + r.accuracy_sem }),
    }))
    return svgLineChart(series, {
      title: `${task}: accuracy by ${axisLabel(axis)} (mean over repeats ± SEM)`,
      xLabel: axisLabel(axis),
      yLabel: "accuracy",
    })
  })
}

export const frontierReport = (rows: ReadonlyArray<FrontierRow>): ReportTable => {
  const axis = axisOf(rows)
  const onFrontier = paretoOptimal(rows, axis)
  return {
    table: "frontier",
    columns: [
      col.text("task"),
      col.text("method"),
      col.integer("repeats"),
      col.real("accuracy"),
      col.real("sem"),
      col.real("cost_per_item", 6),
      col.real("tokens_per_item", 1),
      col.flag("on_frontier"),
    ],
    rows: rows.map((r) => [
      r.task,
      r.method,
      r.repeats,
      measured(r.accuracy),
      measured(r.accuracy_sem),
      measured(r.cost_per_item),
      measured(r.tokens_per_item),
      onFrontier(r),
    ]),
    notes: [
      "one point per task and method: accuracy ± sem over repeats, spend per item (all agents' calls).",
      `on_frontier: no other method of the task is as accurate for less ${axis === "cost" ? "cost" : "tokens"} ` +
        `(${axis === "cost" ? "cost" : "tokens, as no call had a price"}).`,
    ],
  }
}

export const frontierTable: KindTable = {
  name: "frontier",
  description:
    "accuracy against cost per item (tokens when nothing had a price) per aggregator, with a chart",
  read: (runId, options) =>
    Effect.map(frontierRows(runId), (rows) => ({
      model: frontierReport(rows),
      empty: "(no ensemble items stored yet)",
      views: rows.length === 0 ? [] : frontierCharts(rows, options),
    })),
}
