import type { Detector, Match } from "./FilterDecision.js"
import { compactWords, originalSpan, wordWindows } from "./TextView.js"

const DIGITS = /^[0-9]+$/
const SSN_CONTEXT = /\b(?:ssn|social security|soc\.? sec|ss ?#|ss no)\b/
const NINO = /^[a-ceghj-prstw-z][a-ceghj-nprstw-z][0-9]{6}[a-d]$/
const NINO_BAD_PREFIX = new Set(["bg", "gb", "kn", "nk", "nt", "tn", "zz"])

const validSsn = (digits: string): boolean => {
  const area = digits.slice(0, 3)
  return (
    area !== "000" &&
    area !== "666" &&
    area[0] !== "9" &&
    digits.slice(3, 5) !== "00" &&
    digits.slice(5) !== "0000"
  )
}

/**
 * National identifiers: US Social Security numbers (area, group and serial rules; written 3-2-4, or any other
 * way after a context word such as "SSN") and UK National Insurance numbers (prefix rules), spaced or not.
 */
export const nationalIdDetector = (): Detector => ({
  name: "national-id",
  scan: (text) => {
    const out: Array<Match> = []
    const digits = text.digits
    const words = compactWords(digits)
    for (const window of wordWindows(digits, (w) => DIGITS.test(w.text), 9, 9)) {
      if (!validSsn(window.text)) continue
      const lengths = words
        .filter((w) => w.from >= window.from && w.to <= window.to)
        .map((w) => w.text.length)
      const [start, end] = originalSpan(digits, window.from, window.to)
      const before = text.base.text.slice(
        0,
        Math.max(
          0,
          text.base.starts.findIndex((s) => s >= start),
        ),
      )
      const context = SSN_CONTEXT.test(before.slice(-40))
      if (lengths.join("-") === "3-2-4" || context)
        out.push({ start, end, reason: "US social security number" })
    }
    const compact = text.compact
    for (const window of wordWindows(compact, () => true, 9, 9)) {
      if (!NINO.test(window.text) || NINO_BAD_PREFIX.has(window.text.slice(0, 2))) continue
      const [start, end] = originalSpan(compact, window.from, window.to)
      out.push({ start, end, reason: "UK national insurance number" })
    }
    return out
  },
})
