import type { Brand } from "effect"
import type { ScanText } from "./ScanText.js"

/**
 * What the filter does with a lesson: `allow` it unchanged, `flag` it (let it through, record the finding),
 * `redact` the offending spans (the lesson leaves with placeholders), or `drop` it.
 */
export type FilterAction = "allow" | "flag" | "redact" | "drop"

/** What a policy may ask for when a detector fires. */
export type PolicyAction = Exclude<FilterAction, "allow">

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
 */
export interface Finding {
  readonly detector: string
  readonly action: PolicyAction
  /** UTF-16 offsets into the lesson text that was checked; `end` is exclusive. */
  readonly start: number
  readonly end: number
  /** Hex HMAC-SHA256 of `text.slice(start, end)` under the filter's audit key. */
  readonly sha256: string
  /** Why, without the private text ("configured secret #2, seen through: spelled-out digits"). */
  readonly reason: string
}

/** What the filter did with one lesson. */
export interface FilterDecision {
  readonly action: FilterAction
  /** The detector behind the action (the first of the most severe findings), when one fired. */
  readonly detector?: string | undefined
  /** Its reason, without repeating the private text. */
  readonly reason?: string | undefined
  /**
   * Every finding, including flagged ones; empty when allowed. Always set by the filter; optional only so
   * decisions made elsewhere (a teacher discarding a malformed candidate) need not invent one.
   */
  readonly findings?: ReadonlyArray<Finding> | undefined
  /** What may leave the teacher: the lesson itself, or its redacted form. Absent when dropped. */
  readonly text?: ClearedText | undefined
}

/** A decision made by the filter itself: its findings are always there. */
export interface CheckedDecision extends FilterDecision {
  readonly findings: ReadonlyArray<Finding>
}

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

/** The first detector interface: a whole-lesson verdict. Still accepted by `makePrivacyFilter`. */
export interface LegacyDetector {
  readonly name: string
  readonly inspect: (text: string) => string | undefined
}
