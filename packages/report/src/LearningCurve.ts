import type { LearningCurveRow } from "@lyceum/store"
import { mean, standardError } from "./Statistics.js"

export type { LearningCurveRow }

/** A point of the curve with repeats pooled: the mean over repeats, its standard error and the sizes. */
export interface CurvePoint {
  readonly round: number
  readonly student: string
  readonly task: string
  readonly method: string
  /** The prompt size the round aimed for. */
  readonly n: number
  readonly metric: string
  readonly mean: number
  readonly sem: number | undefined
  readonly repeats: number
  readonly nItems: number
}

export const seriesKey = (p: { student: string; task: string; method: string; metric: string }) =>
  `${p.student} · ${p.task} · ${p.method} · ${p.metric}`

/** Pools repeats: one point per (round, student, task, method, metric), in round order. */
export const summarizeCurve = (rows: ReadonlyArray<LearningCurveRow>): Array<CurvePoint> => {
  const groups = new Map<string, Array<LearningCurveRow>>()
  for (const row of rows) {
    const key = `${row.round}\u0000${seriesKey(row)}`
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  return [...groups.values()]
    .map((group) => {
      const first = group[0]!
      const values = group.map((r) => r.value)
      return {
        round: first.round,
        student: first.student,
        task: first.task,
        method: first.method,
        n: first.n,
        metric: first.metric,
        mean: mean(values),
        sem: standardError(values),
        repeats: group.length,
        nItems: group.reduce((acc, r) => acc + r.nItems, 0),
      }
    })
    .sort((a, b) => a.round - b.round || seriesKey(a).localeCompare(seriesKey(b)))
}
