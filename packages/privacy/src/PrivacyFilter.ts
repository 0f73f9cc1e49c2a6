import { createHmac, randomBytes } from "node:crypto"
import type { PolicyAction } from "@lyceum/core"
import {
  actionSeverity,
  type CheckedDecision,
  type ClearedText,
  type Detector,
  type Finding,
  type Match,
} from "./FilterDecision.js"
import { defaultPlaceholder, redactSpans } from "./Redact.js"
import { ScanText } from "./ScanText.js"
import type { SessionScanner } from "./SessionScanner.js"

/** Per detector: drop the lesson, redact the spans, or let it through and flag it. */
export type FilterPolicy = Readonly<Record<string, PolicyAction>>

export interface FilterOptions {
  /**
   * Key of the keyed hash in findings. Default: random per filter, so hashes link findings within a run but
   * cannot be brute-forced from the run's public seed.
   */
  readonly auditKey?: string | Uint8Array
  /** Placeholder text for a redacted span. Default `[redacted <detector>]`. */
  readonly placeholder?: (detector: string) => string
  /** Action for detectors the policy does not name. Default `drop`. */
  readonly defaultAction?: PolicyAction
  /** Scans everything each student received; its findings use the detector name `session`. */
  readonly session?: SessionScanner
}

/** Who the lesson is for, so the session scanner can look at what that student already received. */
export interface CheckContext {
  readonly student?: string
}

/**
 * The filter every lesson passes before it leaves a teacher. Every detector runs (and looks inside decoded
 * base64/hex too); each finding gets its detector's action from the policy; the lesson gets the most severe.
 * A redacted lesson is checked again and dropped if anything is still found.
 */
export interface PrivacyFilter {
  readonly check: (text: string, context?: CheckContext) => CheckedDecision
  /** Records that `student` received this cleared text (the session scanner remembers its pieces). */
  readonly delivered: (student: string, text: ClearedText) => void
}

/** A detector's matches in a text and, recursively, in the text's decoded parts (mapped to their span). */
const scanDeep = (detector: Detector, text: ScanText): Array<Match> => {
  const out = [...detector.scan(text)]
  const direct = out.length
  for (const segment of text.decoded) {
    // ROT13 is a fallback reading of the whole lesson: an address in clear is still an address in ROT13.
    if (segment.encoding === "rot13" && direct > 0) continue
    for (const inner of scanDeep(detector, segment.text))
      out.push({
        start: segment.start,
        end: segment.end,
        reason: `${inner.reason} (inside ${segment.encoding})`,
      })
  }
  return out
}

export const makePrivacyFilter = (
  detectors: ReadonlyArray<Detector>,
  policy: FilterPolicy,
  options: FilterOptions = {},
): PrivacyFilter => {
  const key = options.auditKey ?? randomBytes(32)
  const placeholder = options.placeholder ?? defaultPlaceholder
  const actionOf = (detector: string): PolicyAction => policy[detector] ?? options.defaultAction ?? "drop"
  const hash = (text: string) => createHmac("sha256", key).update(text).digest("hex")

  const findingsOf = (text: string, context: CheckContext | undefined): Array<Finding> => {
    const input = new ScanText(text)
    const seen = new Set<string>()
    const findings: Array<Finding> = []
    const add = (detector: string, match: Match) => {
      const id = `${detector}:${match.start}:${match.end}`
      if (seen.has(id)) return
      seen.add(id)
      findings.push({
        detector,
        action: actionOf(detector),
        start: match.start,
        end: match.end,
        sha256: hash(text.slice(match.start, match.end)),
        reason: match.reason,
      })
    }
    for (const detector of detectors) for (const match of scanDeep(detector, input)) add(detector.name, match)
    if (context?.student !== undefined && options.session !== undefined)
      for (const match of options.session.scan(context.student, input)) add("session", match)
    return findings
  }

  const check = (text: string, context?: CheckContext): CheckedDecision => {
    const findings = findingsOf(text, context)
    if (findings.length === 0) return { action: "allow", findings, text: text as ClearedText }
    const worst = findings.reduce((a, b) => (actionSeverity[b.action] > actionSeverity[a.action] ? b : a))
    const decided = { detector: worst.detector, reason: worst.reason, findings }
    if (worst.action === "drop") return { action: "drop", ...decided }
    if (worst.action === "flag") return { action: "flag", ...decided, text: text as ClearedText }
    const redacted = redactSpans(
      text,
      findings.filter((f) => f.action === "redact"),
      placeholder,
    )
    const left = findingsOf(redacted, context).filter((f) => f.action !== "flag")
    if (left.length > 0)
      return {
        action: "drop",
        detector: left[0]!.detector,
        reason: `redaction left a finding: ${left[0]!.reason}`,
        findings,
      }
    return { action: "redact", ...decided, text: redacted as ClearedText }
  }

  return {
    check,
    delivered: (student, text) => options.session?.record(student, new ScanText(text)),
  }
}
