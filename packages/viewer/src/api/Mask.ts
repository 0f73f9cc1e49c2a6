/**
 * Secrets never leave the viewer in clear: the spans of a lesson's secret findings are overwritten with █
 * before its text is sent. A flagged (or kept dropped) lesson stores the checked text, so a finding's offsets
 * point into it directly; a redacted one stores the text with each redacted span (merged when they overlap or
 * touch) replaced by `[redacted <detector>]` (privacy's `redactSpans`), so offsets are shifted past the
 * placeholders before masking.
 */

/** Detectors whose matches are secrets (configured secrets and canaries, and secrets split across lessons). */
export const SECRET_DETECTORS: ReadonlySet<string> = new Set(["secret", "session"])

export const MASK = "█"

export interface Span {
  readonly detector: string
  readonly action: string
  readonly start: number
  readonly end: number
}

const placeholder = (detector: string) => `[redacted ${detector}]`

/** Maps offsets of the checked text into the redacted one (privacy's `redactSpans`, replayed on offsets). */
const redactedOffsets = (spans: ReadonlyArray<Span>) => {
  const sorted = spans
    .filter((s) => s.action === "redact" && s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: Array<{ start: number; end: number; length: number }> = []
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i]!
    let end = first.end
    let j = i + 1
    while (j < sorted.length && sorted[j]!.start <= end) end = Math.max(end, sorted[j++]!.end)
    merged.push({ start: first.start, end, length: placeholder(first.detector).length })
    i = j
  }
  // An offset inside a redacted span lands on its placeholder's edge: the text there is gone already.
  return (offset: number, edge: "start" | "end"): number => {
    let shift = 0
    for (const m of merged) {
      if (edge === "start" ? offset < m.start : offset <= m.start) break
      if (edge === "start" ? offset < m.end : offset <= m.end)
        return m.start + shift + (edge === "start" ? m.length : 0)
      shift += m.length - (m.end - m.start)
    }
    return offset + shift
  }
}

/** `text` with every secret finding's span masked; `action` is the lesson's filter decision. */
export const maskSecrets = (text: string, action: string, findings: ReadonlyArray<Span>): string => {
  const secrets = findings.filter((f) => SECRET_DETECTORS.has(f.detector) && f.end > f.start)
  if (secrets.length === 0 || text.length === 0) return text
  const at =
    action === "redact" ? redactedOffsets(findings) : (offset: number, _edge: "start" | "end") => offset
  const chars = text.split("")
  for (const f of secrets) {
    if (action === "redact" && f.action === "redact") continue
    const start = Math.max(0, at(f.start, "start"))
    const end = Math.min(chars.length, at(f.end, "end"))
    for (let i = start; i < end; i++) chars[i] = MASK
  }
  return chars.join("")
}
