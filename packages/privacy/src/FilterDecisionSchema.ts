import { Schema } from "effect"

/** Wire form of a `Finding` (an audit row crosses from a teacher to the coordinator). */
export const FindingSchema = Schema.Struct({
  detector: Schema.String,
  action: Schema.Literal("flag", "redact", "drop"),
  start: Schema.Number,
  end: Schema.Number,
  sha256: Schema.String,
  reason: Schema.String,
})

/**
 * Wire form of a `FilterDecision`, for protocols that carry decisions between actors. `text` (the cleared
 * lesson) is left out: the lesson travels separately.
 */
export const FilterDecisionSchema = Schema.Struct({
  action: Schema.Literal("allow", "flag", "redact", "drop"),
  detector: Schema.optional(Schema.String),
  reason: Schema.optional(Schema.String),
  findings: Schema.optional(Schema.Array(FindingSchema)),
})
