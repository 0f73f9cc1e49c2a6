import validator from "validator"
import type { Detector, Match } from "./FilterDecision.js"
import { originalSpan, wordWindows } from "./TextView.js"

const DIGITS = /^[0-9]+$/

/**
 * Payment card numbers: 13 to 19 digits in groups, passing `validator.isCreditCard` (issuer prefix and Luhn
 * checksum), so random 16-digit numbers pass through. Separators, spelled-out and look-alike digits are read.
 */
export const cardDetector = (): Detector => ({
  name: "card",
  scan: (text) => {
    const digits = text.digits
    const out: Array<Match> = []
    for (const window of wordWindows(digits, (w) => DIGITS.test(w.text), 13, 19)) {
      if (!validator.isCreditCard(window.text)) continue
      const [start, end] = originalSpan(digits, window.from, window.to)
      out.push({ start, end, reason: "payment card number (Luhn valid)" })
    }
    return out
  },
})
