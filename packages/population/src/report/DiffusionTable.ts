import {
  type ChartSeries,
  col,
  formatLineChart,
  groupBy,
  mean,
  measured,
  type ReportTable,
  type SvgSeries,
  standardError,
  svgLineChart,
} from "@lyceum/report"
import type { DiffusionRow } from "./Rows.js"

/** One task × method × round of the diffusion curve, over repeats (each repeat one value). */
export interface DiffusionLine {
  readonly task: string
  readonly method: string
  readonly round: number
  readonly repeats: number
  /** Agents in the population (mean over repeats: the same N in each). */
  readonly agents: number
  /** Share of agents holding the threshold share of the seed facts: mean and SEM over repeats. */
  readonly share: number
  readonly shareSem: number | undefined
  /** The farthest hop holding a knower (mean over the repeats that have one). */
  readonly reach: number | undefined
  /** Share of agents holding the canary, and its farthest hop; undefined without a canary. */
  readonly canaryShare: number | undefined
  readonly canaryReach: number | undefined
  /** Agents evaluated, over all repeats. */
  readonly evaluated: number
  /** The evaluated agents' accuracy: mean and SEM over the repeats that evaluated someone. */
  readonly accuracy: number | undefined
  readonly accuracySem: number | undefined
  readonly canaryRank: number | undefined
}

const present = (values: ReadonlyArray<number | null>): Array<number> =>
  values.filter((v): v is number => v !== null)

const meanOf = (values: ReadonlyArray<number | null>): number | undefined => {
  const given = present(values)
  return given.length === 0 ? undefined : mean(given)
}

const key = (...parts: ReadonlyArray<string | number>) => parts.join("\u0000")

/** The diffusion lines in the rows' order of task and method (the caller sorts those), rounds ascending. */
export const diffusionLines = (rows: ReadonlyArray<DiffusionRow>): Array<DiffusionLine> =>
  [...groupBy(rows, (r) => key(r.task, r.method, r.round)).values()].map((group) => {
    const { task, method, round } = group[0]!
    const shares = group.map((r) => r.share)
    const accuracies = present(group.map((r) => r.accuracy))
    return {
      task,
      method,
      round,
      repeats: group.length,
      agents: mean(group.map((r) => r.agents)),
      share: mean(shares),
      shareSem: standardError(shares),
      reach: meanOf(group.map((r) => r.reach)),
      canaryShare: meanOf(group.map((r) => r.canary_share)),
      canaryReach: meanOf(group.map((r) => r.canary_reach)),
      evaluated: group.reduce((sum, r) => sum + r.evaluated, 0),
      accuracy: accuracies.length === 0 ? undefined : mean(accuracies),
      accuracySem: standardError(accuracies),
      canaryRank: meanOf(group.map((r) => r.canary_rank)),
    }
  })

export const diffusionReport = (lines: ReadonlyArray<DiffusionLine>): ReportTable => ({
  table: "diffusion",
  columns: [
    col.text("task"),
    col.text("method"),
    col.integer("round"),
    col.integer("repeats"),
    col.real("agents", 0),
    col.real("share"),
    col.real("share_sem"),
    col.real("reach", 1),
    col.real("canary_share"),
    col.real("canary_reach", 1),
    col.integer("evaluated"),
    col.real("accuracy"),
    col.real("sem"),
    col.real("canary_rank", 2),
  ],
  rows: lines.map((l) => [
    l.task,
    l.method,
    l.round,
    l.repeats,
    measured(l.agents),
    measured(l.share),
    measured(l.shareSem),
    measured(l.reach),
    measured(l.canaryShare),
    measured(l.canaryReach),
    l.evaluated,
    measured(l.accuracy),
    measured(l.accuracySem),
    measured(l.canaryRank),
  ]),
  notes: [
    "per method and round (round 0: before any lesson): share ± share_sem, the share of all agents holding the",
    "scenario's threshold of seed facts (knowers), one value per repeat, mean and standard error over repeats;",
    "reach: the farthest hop from the seed agents holding a knower; canary_share / canary_reach: the same for",
    "the canary (- without one); accuracy ± sem: the sampled agents' accuracy, over the repeats that evaluated",
    "someone (evaluated: agents, all repeats); canary_rank: their mean rank of the canary (0 = most exposed).",
  ],
})

/** The threshold of diffusion speed: rounds until half of the population knows. */
export const HALF = 0.5

/** A task × method's diffusion speed and where it ended, over repeats. */
export interface SpeedLine {
  readonly task: string
  readonly method: string
  readonly repeats: number
  /** Repeats in which the knowers reached half the population. */
  readonly reached: number
  /** The first round with share >= 1/2, mean and SEM over the repeats that reached it. */
  readonly roundsToHalf: number | undefined
  readonly roundsToHalfSem: number | undefined
  /** The last round stored, and the diffusion line there. */
  readonly last: DiffusionLine
}

/** The first round of one repeat whose knowers are at least half its agents (integers: no rounding at 0.5). */
const firstHalfRound = (rows: ReadonlyArray<DiffusionRow>): number | undefined =>
  rows
    .filter((r) => r.knowers * 2 >= r.agents)
    .reduce<number | undefined>(
      (first, r) => (first === undefined || r.round < first ? r.round : first),
      undefined,
    )

/** Speed lines in the order of `lines`' tasks and methods; `rows` are the repeats' rows behind them. */
export const speedLines = (
  rows: ReadonlyArray<DiffusionRow>,
  lines: ReadonlyArray<DiffusionLine>,
): Array<SpeedLine> => {
  const rowsOf = groupBy(rows, (r) => key(r.task, r.method))
  return [...groupBy(lines, (l) => key(l.task, l.method)).values()].map((mine) => {
    const { task, method } = mine[0]!
    const repeats = [...groupBy(rowsOf.get(key(task, method)) ?? [], (r) => String(r.repeat)).values()]
    const rounds = present(repeats.map((r) => firstHalfRound(r) ?? null))
    return {
      task,
      method,
      repeats: repeats.length,
      reached: rounds.length,
      roundsToHalf: rounds.length === 0 ? undefined : mean(rounds),
      roundsToHalfSem: standardError(rounds),
      last: mine.reduce((a, b) => (b.round > a.round ? b : a)),
    }
  })
}

/** "2.5 (3/3 repeats)", or "not reached", for a text line under the charts. */
export const roundsToHalfText = (line: SpeedLine): string =>
  line.roundsToHalf === undefined
    ? `not reached in ${line.repeats} repeat${line.repeats === 1 ? "" : "s"}`
    : `${Number(line.roundsToHalf.toFixed(2))} rounds (${line.reached}/${line.repeats} repeats)`

export const speedReport = (lines: ReadonlyArray<SpeedLine>): ReportTable => ({
  table: "speed",
  columns: [
    col.text("task"),
    col.text("method"),
    col.integer("repeats"),
    col.integer("reached"),
    col.real("rounds_to_half", 2),
    col.real("sem", 2),
    col.integer("last_round"),
    col.real("share"),
    col.real("reach", 1),
    col.real("canary_share"),
    col.real("canary_reach", 1),
    col.real("accuracy"),
  ],
  rows: lines.map((l) => [
    l.task,
    l.method,
    l.repeats,
    l.reached,
    measured(l.roundsToHalf),
    measured(l.roundsToHalfSem),
    l.last.round,
    measured(l.last.share),
    measured(l.last.reach),
    measured(l.last.canaryShare),
    measured(l.last.canaryReach),
    measured(l.last.accuracy),
  ]),
  notes: [
    "diffusion speed per method: rounds_to_half ± sem, the first round in which at least half of the agents",
    "knew (held the threshold of seed facts), mean over the repeats that reached it (reached: how many; - when",
    "none did); share, reach, canary_share, canary_reach, accuracy: at the last round, means over repeats.",
  ],
})

const seriesKey = (l: DiffusionLine) => key(l.task, l.method)

/** Per task: the share of knowers by round, one series per method, and the canary's share when there is one. */
const diffusionSeries = <P>(
  lines: ReadonlyArray<DiffusionLine>,
  knowers: (l: DiffusionLine) => P,
  canary: (l: DiffusionLine, share: number) => P,
): Map<string, Array<{ readonly label: string; readonly points: Array<P> }>> => {
  const byTask = new Map<string, Array<{ readonly label: string; readonly points: Array<P> }>>()
  for (const mine of groupBy(lines, seriesKey).values()) {
    const { task, method } = mine[0]!
    const series = byTask.get(task) ?? []
    series.push({ label: method, points: mine.map(knowers) })
    const leaked = mine.filter((l) => l.canaryShare !== undefined)
    if (leaked.length > 0)
      series.push({ label: `${method} canary`, points: leaked.map((l) => canary(l, l.canaryShare!)) })
    byTask.set(task, series)
  }
  return byTask
}

/** The diffusion curves as braille charts, one per task. */
export const diffusionCharts = (
  lines: ReadonlyArray<DiffusionLine>,
  options: { readonly color?: boolean } = {},
): Array<string> =>
  [
    ...diffusionSeries<{ x: number; y: number }>(
      lines,
      (l) => ({ x: l.round, y: l.share }),
      (l, share) => ({ x: l.round, y: share }),
    ),
  ].map(
    ([task, series]: [string, ReadonlyArray<ChartSeries>]) =>
      `${task}: share of agents who know (and hold the canary) by round\n${formatLineChart(series, {
        ...(options.color !== undefined && { color: options.color }),
      })}`,
  )

/** The diffusion curves as SVG charts, one per task, the knowers' share with its ± SEM band. */
export const diffusionSvgs = (lines: ReadonlyArray<DiffusionLine>): Array<string> =>
  [
    ...diffusionSeries<SvgSeries["points"][number]>(
      lines,
      (l) => ({
        x: l.round,
        y: l.share,
        ...(l.shareSem !== undefined && { lo: l.share - l.shareSem, hi: l.share + l.shareSem }),
      }),
      (l, share) => ({ x: l.round, y: share }),
    ),
  ].map(([task, series]) =>
    svgLineChart(series, {
      title: `${task}: share of agents who know (and hold the canary) by round (mean over repeats ± SEM)`,
      xLabel: "round",
      yLabel: "share of agents",
      reference: { y: HALF, label: "half" },
    }),
  )
