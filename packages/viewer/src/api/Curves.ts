import { mean, queryRows, standardError } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { type FrontierPoint, pointOf, type Series } from "./Wire.js"

/**
 * `GET /api/runs/:id/curves`: the run's main chart as series of points, each the mean over repeats with its
 * standard error (one value per repeat: the replications are what is independent). Which chart depends on
 * the kind: social learning's learning curve (score per round), the ensemble's accuracy-cost frontier, the
 * population's diffusion (share of agents knowing per round).
 */

export interface Curves {
  readonly kind: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: ReadonlyArray<Series>
  /** Ensemble runs: one point per variant, accuracy against spend per item. */
  readonly frontier?: ReadonlyArray<FrontierPoint>
}

interface Value {
  readonly task: string
  readonly method: string
  readonly metric: string
  readonly x: number
  readonly repeat: number
  readonly value: number
}

/** Pools values into series: per (task, method, metric) and x, one value per repeat (its students averaged). */
export const poolSeries = (values: ReadonlyArray<Value>): Array<Series> => {
  const series = new Map<
    string,
    { task: string; method: string; metric: string; byX: Map<number, Map<number, Array<number>>> }
  >()
  for (const v of values) {
    const key = `${v.task} · ${v.method} · ${v.metric}`
    let s = series.get(key)
    if (s === undefined) {
      s = { task: v.task, method: v.method, metric: v.metric, byX: new Map() }
      series.set(key, s)
    }
    let repeats = s.byX.get(v.x)
    if (repeats === undefined) {
      repeats = new Map()
      s.byX.set(v.x, repeats)
    }
    const within = repeats.get(v.repeat)
    if (within === undefined) repeats.set(v.repeat, [v.value])
    else within.push(v.value)
  }
  return [...series.entries()].map(([key, s]) => ({
    key,
    task: s.task,
    method: s.method,
    point: pointOf(s.method),
    metric: s.metric,
    points: [...s.byX.entries()]
      .sort(([a], [b]) => a - b)
      .map(([x, repeats]) => {
        const perRepeat = [...repeats.values()].map(mean)
        return { x, mean: mean(perRepeat), sem: standardError(perRepeat) ?? null, n: perRepeat.length }
      }),
  }))
}

const CurveSql = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  metric: Schema.String,
  x: Schema.Number,
  repeat: Schema.Number,
  value: Schema.Number,
})

// A student's mean per round from the learning_curve view, which reads the store's per-student sums
// (migration 0016): one row per student and round, not every graded answer of the run.
export const LEARNING_CURVE_SQL = `SELECT task, method, metric, round AS x, repeat, value
  FROM learning_curve WHERE run_id = ?`

const learningCurve = (runId: string, kind: string) =>
  Effect.map(
    queryRows(CurveSql, `the learning curve of run ${runId}`, LEARNING_CURVE_SQL, [runId]),
    (rows): Curves => ({
      kind,
      xLabel: "round",
      yLabel: "score (mean over repeats)",
      series: poolSeries(rows),
    }),
  )

const FrontierSql = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  repeats: Schema.Number,
  accuracy: Schema.Number,
  accuracySem: Schema.NullOr(Schema.Number),
  tokensPerItem: Schema.Number,
  costPerItem: Schema.NullOr(Schema.Number),
})

const frontier = (runId: string, kind: string) =>
  Effect.map(
    queryRows(
      FrontierSql,
      `the accuracy-cost frontier of run ${runId}`,
      `SELECT task, method, repeats, accuracy, accuracy_sem AS accuracySem, tokens_per_item AS tokensPerItem,
       cost_per_item AS costPerItem FROM ensemble_frontier WHERE run_id = ? ORDER BY task, tokens_per_item`,
      [runId],
    ),
    (rows): Curves => {
      const points = rows.map((r) => ({ ...r, point: pointOf(r.method) }))
      return {
        kind,
        xLabel: "tokens per item",
        yLabel: "accuracy",
        series: points.map((p) => ({
          key: `${p.task} · ${p.method} · accuracy`,
          task: p.task,
          method: p.method,
          point: p.point,
          metric: "accuracy",
          points: [{ x: p.tokensPerItem, mean: p.accuracy, sem: p.accuracySem, n: p.repeats }],
        })),
        frontier: points,
      }
    },
  )

const DiffusionSql = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  x: Schema.Number,
  repeat: Schema.Number,
  share: Schema.Number,
  canaryShare: Schema.NullOr(Schema.Number),
  accuracy: Schema.NullOr(Schema.Number),
})

const diffusion = (runId: string, kind: string) =>
  Effect.map(
    queryRows(
      DiffusionSql,
      `the diffusion of run ${runId}`,
      `SELECT task, method, round AS x, repeat, share, canary_share AS canaryShare, accuracy
       FROM population_diffusion WHERE run_id = ?`,
      [runId],
    ),
    (rows): Curves => ({
      kind,
      xLabel: "round",
      yLabel: "share of agents",
      series: poolSeries(
        rows.flatMap((r) => [
          { ...r, metric: "knowers", value: r.share },
          ...(r.canaryShare === null ? [] : [{ ...r, metric: "canary holders", value: r.canaryShare }]),
          ...(r.accuracy === null ? [] : [{ ...r, metric: "accuracy (sampled)", value: r.accuracy }]),
        ]),
      ),
    }),
  )

/** The chart of a run by its kind; a kind without its own chart gets the learning curve of its evaluations. */
export const runCurves = (runId: string, kind: string) =>
  kind === "ensemble"
    ? frontier(runId, kind)
    : kind === "population"
      ? diffusion(runId, kind)
      : learningCurve(runId, kind)
