import validator from "validator"
import type { Detector, Match } from "./FilterDecision.js"
import { compactWords, originalSpan, wordWindows } from "./TextView.js"

const ALNUM = /^[a-z0-9]+$/
const IBAN_START = /^[a-z]{2}[0-9]{2}/
const IBAN_LOOSE_START = /^[a-z]{2}[0-9oli]{2}$/

/**
 * IBANs, spaced or not, passing `validator.isIBAN` (country format and the ISO 13616 mod-97 checksum). Read in
 * the plain and the numeric view (spelled-out digits), and also when glued behind a word ("PINDE89...").
 */
export const ibanDetector = (): Detector => ({
  name: "iban",
  scan: (text) => {
    const out: Array<Match> = []
    const seen = new Set<string>()
    for (const view of [text.compact, text.digits]) {
      const words = compactWords(view)
      const firstWordLength = new Map(words.map((w) => [w.from, w.to - w.from]))
      for (const window of wordWindows(view, (w) => ALNUM.test(w.text), 15, 40)) {
        // The IBAN may start inside the window's first word, after a glued prefix ("PINDE89...").
        const first = firstWordLength.get(window.from) ?? 1
        for (let offset = 0; offset < first && offset + 15 <= window.text.length; offset++) {
          if (!IBAN_LOOSE_START.test(window.text.slice(offset, offset + 4))) continue
          const raw = window.text.slice(offset)
          // The checksum is strong enough to also try O and l/I as the digits they imitate.
          const lookalike = raw.slice(0, 2) + raw.slice(2).replace(/o/g, "0").replace(/[il]/g, "1")
          const candidate = [raw, lookalike].find(
            (c) => c.length <= 34 && IBAN_START.test(c) && validator.isIBAN(c.toUpperCase()),
          )
          if (candidate === undefined) continue
          const [start, end] = originalSpan(view, window.from + offset, window.to)
          const key = `${start}:${end}`
          if (!seen.has(key)) out.push({ start, end, reason: "IBAN (checksum valid)" })
          seen.add(key)
        }
      }
    }
    return out
  },
})
