/** A span to hide and the detector that asked for it. */
export interface RedactionSpan {
  readonly start: number
  readonly end: number
  readonly detector: string
}

/** The default placeholder: says what kind of thing was removed, nothing about it. */
export const defaultPlaceholder = (detector: string): string => `[redacted ${detector}]`

/**
 * The text with every span replaced by a placeholder. Overlapping or touching spans merge into one
 * placeholder (named after the first), so redacting never leaves a fragment between two placeholders.
 */
export const redactSpans = (
  text: string,
  spans: ReadonlyArray<RedactionSpan>,
  placeholder: (detector: string) => string = defaultPlaceholder,
): string => {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end)
  let out = ""
  let cursor = 0
  let i = 0
  while (i < sorted.length) {
    const first = sorted[i]!
    let end = first.end
    let j = i + 1
    while (j < sorted.length && sorted[j]!.start <= end) {
      end = Math.max(end, sorted[j]!.end)
      j++
    }
    out += text.slice(cursor, first.start) + placeholder(first.detector)
    cursor = end
    i = j
  }
  return out + text.slice(cursor)
}
