import { Schema } from "effect"

/**
 * One cohort of a run: a task played under one of its kind's variants (a social-learning method, an ensemble
 * aggregator) in one repeat. Every kind's rows carry these three columns, every process derives the same
 * agents from them, and the encodings below are the only ways a cohort is written down.
 */
export const CohortId = Schema.Struct({
  /** 0-based; lines count from 1 (`cohortName`). */
  repeat: Schema.Int.pipe(Schema.nonNegative()),
  /** The task's name (`sms-spam`). */
  task: Schema.String,
  /** The variant's label: a method's `name` or strategy, an aggregator's label. */
  method: Schema.String,
})
export type CohortId = typeof CohortId.Type

/** `<task>.<method>`: a cohort without its repeat, as tables and progress lines show it. */
export const cohortLabel = (id: Pick<CohortId, "task" | "method">): string => `${id.task}.${id.method}`

/** `<task>.<method> repeat R`, R counted from 1: how every message names a cohort. */
export const cohortName = (id: CohortId): string => `${cohortLabel(id)} repeat ${id.repeat + 1}`

/**
 * `r<repeat>-<task>-<method>` with only `[A-Za-z0-9_-]`: part of actor addresses and metering labels, so
 * cohorts played at once never share an address or a usage row.
 */
export const cohortKey = (id: CohortId): string =>
  `r${id.repeat}-${id.task}-${id.method}`.replace(/[^A-Za-z0-9_-]/g, "_")

/** `<repeat>/<task>/<method>`: a cohort as a set key (resume's finished cohorts). */
export const cohortRowKey = (id: CohortId): string => `${id.repeat}/${id.task}/${id.method}`

/** Some of a cohort's agents by the ids tables show: `teacher-1, student-2 of <cohort name>`. */
export const agentsOf = (agents: ReadonlyArray<string>, id: CohortId): string =>
  `${agents.length === 0 ? "no agents" : agents.join(", ")} of ${cohortName(id)}`

/**
 * `<variant>@p<k>`: a cohort's `method` at point `k` of a swept scenario (`sweep:`), so every table keyed by
 * method keeps the points apart; the variant's own label in a run without a sweep.
 */
export const pointMethod = (variant: string, point: number | undefined): string =>
  point === undefined ? variant : `${variant}@p${point}`

const POINT_SUFFIX = /@p(0|[1-9][0-9]*)$/

/** The sweep point of a cohort's `method` (`vote@p2` → 2), undefined for a run without a sweep. */
export const pointOf = (method: string): number | undefined => {
  const match = POINT_SUFFIX.exec(method)
  return match === null ? undefined : Number(match[1])
}

/** The variant of a cohort's `method` without its sweep point (`vote@p2` → `vote`). */
export const variantOf = (method: string): string => method.replace(POINT_SUFFIX, "")

/**
 * `<task>.<variant>`: the cohort as its agents' seeds are derived from it. The sweep point is left out, so every
 * point plays with the same random numbers (points differ by their swept values only, and a point of a sweep
 * stores the rows a run of that point alone stores).
 */
export const cohortSeedLabel = (id: Pick<CohortId, "task" | "method">): string =>
  `${id.task}.${variantOf(id.method)}`
