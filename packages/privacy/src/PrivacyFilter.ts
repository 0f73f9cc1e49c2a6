import type { Detector, FilterAction, FilterDecision } from "./FilterDecision.js"

/** Per detector: drop the lesson, or let it through and flag it. Detectors not listed drop. */
export type FilterPolicy = Readonly<Record<string, Exclude<FilterAction, "allow">>>

/**
 * The filter every lesson passes before it leaves a teacher. The first detector that fires decides; its
 * action comes from the policy.
 */
export interface PrivacyFilter {
  readonly check: (text: string) => FilterDecision
}

export const makePrivacyFilter = (
  detectors: ReadonlyArray<Detector>,
  policy: FilterPolicy,
): PrivacyFilter => ({
  check: (text) => {
    for (const detector of detectors) {
      const reason = detector.inspect(text)
      if (reason !== undefined)
        return { action: policy[detector.name] ?? "drop", detector: detector.name, reason }
    }
    return { action: "allow" }
  },
})
