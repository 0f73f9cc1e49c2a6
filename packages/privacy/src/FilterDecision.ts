import { FilterAction, PolicyAction } from "@lyceum/core"
import { type Brand, Schema } from "effect"
import type { ScanText } from "./ScanText.js"

/** Severity order: a lesson's action is the most severe of its findings'. */
export const actionSeverity: Readonly<Record<FilterAction, number>> = {
  allow: 0,
  flag: 1,
  redact: 2,
  drop: 3,
}

/**
 * Text that passed the filter: the only kind of text a teacher may send. Only the filter produces it, so a
 * lesson that skipped the filter does not type-check.
 */
export type ClearedText = string & Brand.Brand<"ClearedText">

/**
 * One audit row: which detector objected to which span of the lesson as checked, and what the policy did.
 * It holds a keyed hash of the matched text, never the text (a plain hash of a 4-digit code is the code).
 * It is also the wire form (an audit row crosses from a teacher to the coordinator).
 */
export const FindingSchema = Schema.Struct({
  detector: Schema.String,
  action: PolicyAction,
  /** UTF-16 offsets into the lesson text that was checked; `end` is exclusive. */
  start: Schema.Number,
  end: Schema.Number,
  /** Hex HMAC-SHA256 of `text.slice(start, end)` under the filter's audit key. */
  sha256: Schema.String,
  /** Why, without the private text ("configured secret #2, seen through: spelled-out digits"). */
  reason: Schema.String,
})
export type Finding = typeof FindingSchema.Type

/**
 * Wire form of a `FilterDecision`, for protocols that carry decisions between actors. `text` (the cleared
 * lesson) is left out: the lesson travels separately.
 */
export const FilterDecisionSchema = Schema.Struct({
  action: FilterAction,
  /** The detector behind the action (the first of the most severe findings), when one fired. */
  detector: Schema.optional(Schema.String),
  /** Its reason, without repeating the private text. */
  reason: Schema.optional(Schema.String),
  /**
   * Every finding, including flagged ones; empty when allowed. Always set by the filter; optional only so
   * decisions made elsewhere (a teacher discarding a malformed candidate) need not invent one.
   */
  findings: Schema.optional(Schema.Array(FindingSchema)),
})

/** What the filter did with one lesson: its wire form plus what may leave the teacher. */
export type FilterDecision = typeof FilterDecisionSchema.Type & {
  /** The lesson itself, or its redacted form. Absent when dropped. */
  readonly text?: ClearedText | undefined
}

/** A decision made by the filter itself: its findings are always there. */
export type CheckedDecision = FilterDecision & { readonly findings: ReadonlyArray<Finding> }

/** A span a detector objects to, in offsets of the original text. */
export interface Match {
  readonly start: number
  readonly end: number
  readonly reason: string
}

/**
 * A detector reports the spans of a lesson it objects to. It reads the lesson through `ScanText`, which
 * computes each canonical view once for all detectors.
 */
export interface Detector {
  readonly name: string
  readonly scan: (text: ScanText) => ReadonlyArray<Match>
}
