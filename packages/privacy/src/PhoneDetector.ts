import { type CountryCode, findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max"
import type { Detector, Match } from "./FilterDecision.js"
import { originalSpan, wordWindows } from "./TextView.js"

const DIGITS = /^[0-9]+$/

/**
 * Phone numbers, validated with libphonenumber-js's full metadata for the given default countries (numbers
 * with a + prefix are read in any country). It reads the numeric view, so spelled-out digits, look-alike and
 * full-width digits count; numbers spaced out digit by digit are tried as groups of words as well.
 */
export const phoneDetector = (countries: ReadonlyArray<CountryCode> = ["GB", "US"]): Detector => ({
  name: "phone",
  scan: (text) => {
    const numeric = text.numeric
    const out: Array<Match> = []
    const seen = new Set<string>()
    const add = (start: number, end: number) => {
      const key = `${start}:${end}`
      if (seen.has(key)) return
      seen.add(key)
      out.push({ start, end, reason: "phone number" })
    }
    for (const country of countries) {
      for (const found of findPhoneNumbersInText(numeric.text, { defaultCountry: country })) {
        if (!found.number.isValid()) continue
        const [start, end] = originalSpan(numeric, found.startsAt, found.endsAt)
        add(start, end)
      }
    }
    const digits = text.digits
    for (const window of wordWindows(digits, (w) => DIGITS.test(w.text), 10, 13)) {
      const [start, end] = originalSpan(digits, window.from, window.to)
      const plus = text.original.slice(Math.max(0, start - 2), start).includes("+")
      const valid = plus
        ? parsePhoneNumberFromString(`+${window.text}`)?.isValid() === true
        : countries.some((c) => parsePhoneNumberFromString(window.text, c)?.isValid() === true)
      if (valid) add(start, end)
    }
    // Two default countries can read one number with and without its opening bracket: keep the longest.
    return out.filter(
      (m) =>
        !out.some(
          (o) => o !== m && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start,
        ),
    )
  },
})
