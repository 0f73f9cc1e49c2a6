import validator from "validator"
import type { Detector, Match } from "./FilterDecision.js"
import { originalSpan } from "./TextView.js"

const AT_SIGN = String.raw`\s*@\s*`
const AT_BRACKETED = String.raw`\s*[[({<]\s*(?:at|@)\s*[\])}>]\s*`
const AT_WORD = String.raw`\s+at\s+`
const DOT_BRACKETED = String.raw`\s*[[({<]\s*(?:dot|\.)\s*[\])}>]\s*`
const DOT_WORD = String.raw`\s+dot\s+`
const DOT = `(?:\\.|${DOT_BRACKETED}|${DOT_WORD})`
const LOCAL = `[a-z0-9_%+-]+(?:${DOT}[a-z0-9_%+-]+)*`
const DOMAIN = `[a-z0-9-]+(?:${DOT}[a-z0-9-]+)+`
const EMAIL = new RegExp(
  `(?<![a-z0-9_%+.-])(${LOCAL})(${AT_SIGN}|${AT_BRACKETED}|${AT_WORD})(${DOMAIN})`,
  "g",
)
const SPELLED_DOT = new RegExp(`${DOT_BRACKETED}|${DOT_WORD}`, "g")

/** Top-level domains accepted for addresses written with spelled-out "at" / "dot" (cuts prose false alarms). */
const COMMON_TLDS = new Set(
  "com net org edu gov mil int io co uk us ca au de fr es it nl be ch at se no dk fi ie pl pt nz in jp cn br mx ru za info biz me tv app dev ai xyz online site email mail".split(
    " ",
  ),
)

/**
 * Email addresses, including obfuscated ones: "jane.doe [at] example [dot] com", "jane (at) example.com",
 * "jane at example dot com", full-width or look-alike characters (read through the base view). Candidates are
 * validated with `validator.isEmail`; spelled-out forms must end in a common top-level domain, and a plain
 * "at" needs a spelled "dot", so "details at secure-login.com" in prose is not an address.
 */
export const emailDetector = (): Detector => ({
  name: "email",
  scan: (text) => {
    const base = text.base
    const out: Array<Match> = []
    const pattern = new RegExp(EMAIL.source, "g")
    for (let m = pattern.exec(base.text); m !== null; m = pattern.exec(base.text)) {
      const [whole, local, at, domain] = m as unknown as [string, string, string, string]
      const spelledDots = (local + domain).match(SPELLED_DOT) !== null
      const plainAt = /^\s*@\s*$/.test(at)
      const address = `${local.replace(SPELLED_DOT, ".")}@${domain.replace(SPELLED_DOT, ".")}`
      const tld = address.slice(address.lastIndexOf(".") + 1)
      const plausible =
        !(/^\s+at\s+$/.test(at) && !spelledDots) &&
        (COMMON_TLDS.has(tld) || (plainAt && !spelledDots)) &&
        validator.isEmail(address)
      if (!plausible) {
        // "Jane at jane.doe@example.com": the real address starts inside the rejected candidate.
        pattern.lastIndex = m.index + 1
        continue
      }
      const [start, end] = originalSpan(base, m.index, m.index + whole.length)
      out.push({ start, end, reason: plainAt && !spelledDots ? "email address" : "obfuscated email address" })
    }
    return out
  },
})
