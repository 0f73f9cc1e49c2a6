import type { FilterAction } from "@lyceum/core"

/** A candidate text and what the filter made of it: the inputs of `auditText`. */
export interface Audited {
  /** The text as its agent wrote it, before the filter. */
  readonly written: string
  readonly action: FilterAction
  /** The filter's cleared text (the text, or its redacted form); absent when dropped. */
  readonly cleared?: string | undefined
}

/**
 * The text an audit record carries out of the agent that wrote it (to the coordinator, over the bus, into
 * SQLite): only what the filter let out, the cleared text, or "" for a dropped candidate. What the filter
 * withheld (a dropped text, a redacted span) stays with its agent; the record's findings still say which
 * detector objected where, with a keyed hash of what matched. `keepDroppedText` (a scenario's
 * `privacy.keepDroppedText`, for analysing the filter) keeps every candidate as written instead: the findings'
 * offsets point into it.
 */
export const auditText = (candidate: Audited, keepDroppedText: boolean): string =>
  keepDroppedText || candidate.action === "allow" || candidate.action === "flag"
    ? candidate.written
    : candidate.action === "drop"
      ? ""
      : (candidate.cleared ?? "")
