import type { LearningCurveRow } from "@lyceum/store"
import { col, measured, type ReportTable } from "./ReportTable.js"
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
  /** Lessons really in the prompt, mean over repeats (fewer than n when teachers could not supply enough). */
  readonly promptLessons: number
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
        promptLessons: mean(group.map((r) => r.promptLessons)),
        metric: first.metric,
        mean: mean(values),
        sem: standardError(values),
        repeats: group.length,
        nItems: group.reduce((acc, r) => acc + r.nItems, 0),
      }
    })
    .sort((a, b) => a.round - b.round || seriesKey(a).localeCompare(seriesKey(b)))
}

/**
 * The curve as a report table: one line per (task, method, student, metric, round), the mean over repeats (one
 * value per repeat: the view's mean over the student's items) and its SEM. The per-repeat values are in the
 * `learning_curve` view of the database.
 */
export const curveReport = (
  points: ReadonlyArray<CurvePoint>,
  strategyOf: (method: string) => string,
): ReportTable => ({
  table: "curve",
  columns: [
    col.text("task"),
    col.text("method"),
    col.text("strategy"),
    col.text("student"),
    col.text("metric"),
    col.integer("round"),
    col.integer("n"),
    col.real("prompt_lessons", 1),
    col.real("mean"),
    col.real("sem"),
    col.integer("repeats"),
    col.integer("n_items"),
  ],
  rows: [...points]
    .sort(
      (a, b) =>
        a.task.localeCompare(b.task) ||
        a.method.localeCompare(b.method) ||
        a.student.localeCompare(b.student) ||
        a.metric.localeCompare(b.metric) ||
        a.round - b.round,
    )
    .map((p) => [
      p.task,
      p.method,
      strategyOf(p.method),
      p.student,
      p.metric,
      p.round,
      p.n,
      p.promptLessons,
      measured(p.mean),
      measured(p.sem),
      p.repeats,
      p.nItems,
    ]),
  notes: [
    "mean over repeats (one value per repeat: the student's mean over the items) ± SEM; n: lessons the round aimed for, prompt_lessons: lessons really in the prompt (mean over repeats); n_items: items graded over all repeats.",
  ],
})
