import type { FilterDecision } from "@lyceum/privacy"

/** A privacy filter's decision as the message columns every kind stores it in (lessons, messages). */
export const filterColumns = (decision: Pick<FilterDecision, "action" | "detector" | "reason">) => ({
  filterAction: decision.action,
  filterDetector: decision.detector ?? null,
  filterReason: decision.reason ?? null,
})

/**
 * The detector findings behind a decision as stored (`filter_findings` for lessons, `message_findings` for
 * messages): where in the checked text and a keyed hash of what matched, never the matched text.
 */
export const findingColumns = (decision: Pick<FilterDecision, "findings">) =>
  (decision.findings ?? []).map((f) => ({
    detector: f.detector,
    action: f.action,
    start: f.start,
    end: f.end,
    matchedHash: f.sha256,
    reason: f.reason,
  }))
