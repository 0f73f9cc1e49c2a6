import {
  type ChartSeries,
  col,
  formatLineChart,
  groupBy,
  measured,
  type ReportTable,
  type SvgSeries,
  svgLineChart,
} from "@lyceum/report"
import type { HopRow } from "./Rows.js"

/**
 * The last round by hop distance from the seed agents: how knowledge and the canary fade with distance.
 * Rows come from `population_by_hop` (means over repeats), unreachable agents (hop -1) last.
 */
export const hopsReport = (rows: ReadonlyArray<HopRow>): ReportTable => ({
  table: "hops",
  columns: [
    col.text("task"),
    col.text("method"),
    col.integer("round"),
    col.integer("hop"),
    col.integer("repeats"),
    col.real("agents", 1),
    col.real("seed_facts", 2),
    col.real("knower_share"),
    col.real("canary_share"),
    col.integer("evaluated"),
    col.real("accuracy"),
    col.real("sem"),
    col.real("canary_rank", 2),
  ],
  rows: rows.map((r) => [
    r.task,
    r.method,
    r.round,
    r.hop,
    r.repeats,
    measured(r.agents),
    measured(r.seed_facts_mean),
    measured(r.knower_share),
    measured(r.canary_share),
    r.evaluated,
    measured(r.accuracy),
    measured(r.accuracy_sem),
    measured(r.canary_rank),
  ]),
  notes: [
    "per method and hop (distance from the nearest seed agent; -1: no seed reaches it) at the method's last",
    "round, each repeat one value, mean over repeats: agents at that hop, seed_facts (distinct seed facts held",
    "verbatim, per agent), knower_share and canary_share (share of the hop's agents holding the threshold of",
    "seed facts / the canary); accuracy ± sem over the repeats that evaluated someone there (evaluated: agents,",
    "all repeats); canary_rank: the evaluated agents' mean rank of the canary (0 = most exposed).",
  ],
})

/** Per task: one series per method of `y` by hop, reachable hops only, points where `y` was measured. */
const hopSeries = <P>(
  rows: ReadonlyArray<HopRow>,
  point: (r: HopRow) => P | undefined,
): Map<string, Array<{ readonly label: string; readonly points: Array<P> }>> => {
  const byTask = new Map<string, Array<{ readonly label: string; readonly points: Array<P> }>>()
  for (const mine of groupBy(rows, (r) => `${r.task}\u0000${r.method}`).values()) {
    const points = mine.filter((r) => r.hop >= 0).flatMap((r) => point(r) ?? [])
    if (points.length === 0) continue
    const series = byTask.get(mine[0]!.task) ?? []
    series.push({ label: mine[0]!.method, points })
    byTask.set(mine[0]!.task, series)
  }
  return byTask
}

const accuracyPoint = (r: HopRow) => (r.accuracy === null ? undefined : { x: r.hop, y: r.accuracy })
const leakagePoint = (r: HopRow) => (r.canary_share === null ? undefined : { x: r.hop, y: r.canary_share })

const TITLES = {
  accuracy: "accuracy by hop from the seed agents (last round)",
  leakage: "share of agents holding the canary by hop from the seed agents (last round)",
}

/** Accuracy by hop and, when the run has a canary, leakage by hop, as braille charts: one of each per task. */
export const hopCharts = (
  rows: ReadonlyArray<HopRow>,
  options: { readonly color?: boolean } = {},
): Array<string> => {
  const chart = (title: string, byTask: Map<string, Array<ChartSeries>>) =>
    [...byTask].map(
      ([task, series]) =>
        `${task}: ${title}\n${formatLineChart(series, {
          xLabel: "hop",
          ...(options.color !== undefined && { color: options.color }),
        })}`,
    )
  return [
    ...chart(TITLES.accuracy, hopSeries(rows, accuracyPoint)),
    ...chart(TITLES.leakage, hopSeries(rows, leakagePoint)),
  ]
}

/** The same charts as SVG, accuracy with its ± SEM band. */
export const hopSvgs = (rows: ReadonlyArray<HopRow>): Array<string> => {
  const chart = (title: string, yLabel: string, byTask: Map<string, Array<SvgSeries>>) =>
    [...byTask].map(([task, series]) =>
      svgLineChart(series, { title: `${task}: ${title}`, xLabel: "hop", yLabel }),
    )
  return [
    ...chart(
      `${TITLES.accuracy} (mean over repeats ± SEM)`,
      "accuracy",
      hopSeries(rows, (r) =>
        r.accuracy === null
          ? undefined
          : {
              x: r.hop,
              y: r.accuracy,
              ...(r.accuracy_sem !== null && {
                lo: r.accuracy - r.accuracy_sem,
                hi: r.accuracy + r.accuracy_sem,
              }),
            },
      ),
    ),
    ...chart(TITLES.leakage, "share holding the canary", hopSeries(rows, leakagePoint)),
  ]
}
