import type { FilterDecision } from "@lyceum/privacy"

/** A privacy filter's decision as the message columns every kind stores it in (lessons, messages). */
export const filterColumns = (decision: Pick<FilterDecision, "action" | "detector" | "reason">) => ({
  filterAction: decision.action,
  filterDetector: decision.detector ?? null,
  filterReason: decision.reason ?? null,
})
