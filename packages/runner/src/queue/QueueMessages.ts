import { Schema } from "effect"
import { CohortKey } from "../WorkerProtocol.js"

/**
 * What crosses the bus in the cohort work queue. A unit names its cohort by indexes and carries the scenario
 * text and seed, so a worker derives the cohort's agents, data and models exactly as the coordinator would; a
 * step's result carries the identity of the unit and attempt that produced it, so the coordinator applies
 * each step once and can tell a replay (the same rows) from a forgery (other rows).
 */

/** One cohort to play from its first step to its last. */
export const WorkUnit = Schema.Struct({
  cohort: CohortKey,
  /** The work consumer's ack wait: the worker says `working` well within it while it plays. */
  ackWaitMs: Schema.Int.pipe(Schema.positive()),
  /** The coordinator's invocation that published it (a resumed run publishes its units again). */
  epoch: Schema.Number,
  /**
   * The unit's signing key (hex; `unitKey`): its results are signed with it, so only a process that was given
   * the unit can produce results the coordinator writes.
   */
  key: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)),
})
export type WorkUnit = typeof WorkUnit.Type

/** A row as it crosses the bus: column → value (checked again by the store before it is written). */
const WireRow = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const WireRows = Schema.Array(WireRow)

/** A step's rows (the kind's `StepResult.rows` plus the step's model usage), by `RowBatch` field. */
export const StepRows = Schema.Struct({
  lessons: Schema.optional(WireRows),
  messages: Schema.optional(WireRows),
  messageFindings: Schema.optional(WireRows),
  evaluations: Schema.optional(WireRows),
  leakage: Schema.optional(WireRows),
  findings: Schema.optional(WireRows),
  itemLabels: Schema.optional(WireRows),
  modelCapabilities: Schema.optional(WireRows),
  kindRows: Schema.optional(Schema.Array(Schema.Struct({ table: Schema.String, rows: WireRows }))),
  modelUsage: WireRows,
})
export type StepRows = typeof StepRows.Type

/** The step's line on the coordinator's progress output (the kind's `StepSummary`). */
export const WireSummary = Schema.Struct({
  accuracy: Schema.optionalWith(Schema.Number, { exact: true }),
  n: Schema.optionalWith(Schema.Number, { exact: true }),
  sent: Schema.optionalWith(Schema.Number, { exact: true }),
  dropped: Schema.optionalWith(Schema.Number, { exact: true }),
  messages: Schema.optionalWith(Schema.String, { exact: true }),
})

/** A step played: its rows, its progress summary, whether the cohort ends here. */
export const StepPlayed = Schema.TaggedStruct("StepPlayed", {
  rows: StepRows,
  summary: WireSummary,
  final: Schema.optionalWith(Schema.Boolean, { exact: true }),
})

/** The unit cannot be played (a failing endpoint, a scenario the worker reads differently): the run fails. */
export const UnitFailed = Schema.TaggedStruct("UnitFailed", { message: Schema.String })

/** What a worker publishes to the results stream for one step of one attempt of a unit. */
export const StepReport = Schema.Struct({
  runId: Schema.String,
  unit: Schema.Struct({
    repeat: Schema.Int.pipe(Schema.nonNegative()),
    task: Schema.Int.pipe(Schema.nonNegative()),
    variant: Schema.Int.pipe(Schema.nonNegative()),
  }),
  step: Schema.Int.pipe(Schema.nonNegative()),
  /** JetStream's delivery count of the unit: 1, then 2, 3... when redelivered after a worker was lost. */
  attempt: Schema.Int.pipe(Schema.positive()),
  worker: Schema.String,
  outcome: Schema.Union(StepPlayed, UnitFailed),
})
export type StepReport = typeof StepReport.Type

/** A step report too large for one NATS message is sent in parts: these headers say which. */
export const partHeader = "Lyceum-Part"
export const partsHeader = "Lyceum-Parts"
/** Ties the parts of one report together (unit, step and attempt). */
export const reportHeader = "Lyceum-Report"
/** HMAC-SHA256 of the whole report's bytes with its unit's key (hex), on every part. */
export const signatureHeader = "Lyceum-Signature"
