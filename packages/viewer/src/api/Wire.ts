import { pointOf as pointOfMethod } from "@lyceum/core"
import { Schema } from "effect"

/**
 * The JSON the viewer's API sends (camelCase), as Schemas: SQL rows are decoded with them (a column that is not
 * what the viewer expects fails naming the query instead of sending NaN), and the frontend reads these shapes.
 */

/** SQLite's 0/1 flags as booleans. */
export const Flag = Schema.transform(Schema.Literal(0, 1), Schema.Boolean, {
  strict: true,
  decode: (n) => n === 1,
  encode: (b) => (b ? 1 : 0),
})

export const Progress = Schema.Struct({ done: Schema.Number, total: Schema.Number })

export const RunItem = Schema.Struct({
  id: Schema.String,
  scenario: Schema.String,
  kind: Schema.String,
  status: Schema.String,
  seed: Schema.Number,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  durationMs: Schema.NullOr(Schema.Number),
  tokens: Schema.Number,
  costUsd: Schema.NullOr(Schema.Number),
  /** Steps stored against steps planned (cohorts × steps); null when the run's kind cannot say. */
  progress: Schema.NullOr(Progress),
  sweep: Schema.Boolean,
})
export type RunItem = typeof RunItem.Type

export const Cohort = Schema.Struct({
  repeat: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  point: Schema.NullOr(Schema.Number),
  stepsDone: Schema.Number,
  steps: Schema.NullOr(Schema.Number),
})
export type Cohort = typeof Cohort.Type

export const SweepPoint = Schema.Struct({
  point: Schema.Number,
  label: Schema.String,
  values: Schema.Unknown,
})

export const CurvePoint = Schema.Struct({
  x: Schema.Number,
  mean: Schema.Number,
  sem: Schema.NullOr(Schema.Number),
  n: Schema.Number,
})
export type CurvePoint = typeof CurvePoint.Type

export const Series = Schema.Struct({
  key: Schema.String,
  task: Schema.String,
  method: Schema.String,
  point: Schema.NullOr(Schema.Number),
  metric: Schema.String,
  points: Schema.Array(CurvePoint),
})
export type Series = typeof Series.Type

/** An ensemble variant's accuracy against what it spent per item, over repeats. */
export const FrontierPoint = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  point: Schema.NullOr(Schema.Number),
  repeats: Schema.Number,
  accuracy: Schema.Number,
  accuracySem: Schema.NullOr(Schema.Number),
  tokensPerItem: Schema.Number,
  costPerItem: Schema.NullOr(Schema.Number),
})
export type FrontierPoint = typeof FrontierPoint.Type

export const LessonItem = Schema.Struct({
  id: Schema.String,
  repeat: Schema.Number,
  round: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  teacher: Schema.String,
  student: Schema.String,
  kind: Schema.String,
  action: Schema.String,
  detector: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  sent: Flag,
  chosen: Flag,
  textPreview: Schema.String,
})
export type LessonItem = typeof LessonItem.Type

export const Finding = Schema.Struct({
  detector: Schema.String,
  action: Schema.String,
  start: Schema.Number,
  end: Schema.Number,
  reason: Schema.String,
  matchedHash: Schema.String,
})
export type Finding = typeof Finding.Type

export const AnswerItem = Schema.Struct({
  repeat: Schema.Number,
  round: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  student: Schema.String,
  itemId: Schema.String,
  metric: Schema.String,
  answer: Schema.String,
  target: Schema.String,
  score: Schema.Number,
  prompt: Schema.NullOr(Schema.String),
})
export type AnswerItem = typeof AnswerItem.Type

export const UsageItem = Schema.Struct({
  repeat: Schema.Number,
  round: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  agent: Schema.String,
  model: Schema.String,
  calls: Schema.Number,
  promptTokens: Schema.Number,
  completionTokens: Schema.Number,
  costUsd: Schema.NullOr(Schema.Number),
})
export type UsageItem = typeof UsageItem.Type

export const UsageTotals = Schema.Struct({
  calls: Schema.Number,
  promptTokens: Schema.Number,
  completionTokens: Schema.Number,
  costUsd: Schema.NullOr(Schema.Number),
})

/** A sweep point's index from a cohort's method (`<variant>@p<k>`); null for a run without sweep. */
export const pointOf = (method: string): number | null => pointOfMethod(method) ?? null
