import validator from "validator"
import type { Detector, Match } from "./FilterDecision.js"
import { originalSpan } from "./TextView.js"

/** Octets may use look-alikes of 0 and 1 (l92.168.O.l); at least four real digits keep "i.e." prose out. */
const IPV4 = /(?<![0-9.])(?:[0-9oli]{1,3}\.){3}[0-9oli]{1,3}(?![0-9a-z]|\.[0-9a-z])/g
const IPV6 = /(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-f:])/g

/** IPv4 and IPv6 addresses (validated with `validator.isIP`); clock times like 10:30:45 are not addresses. */
export const ipDetector = (): Detector => ({
  name: "ip",
  scan: (text) => {
    const out: Array<Match> = []
    const numeric = text.numeric
    for (const m of numeric.text.matchAll(IPV4)) {
      const address = m[0].replace(/o/g, "0").replace(/[li]/g, "1")
      if ((m[0].match(/[0-9]/g)?.length ?? 0) < 4 || !validator.isIP(address, 4)) continue
      const [start, end] = originalSpan(numeric, m.index, m.index + m[0].length)
      out.push({ start, end, reason: "IPv4 address" })
    }
    const base = text.base
    for (const m of base.text.matchAll(IPV6)) {
      if ((m[0].match(/:/g)?.length ?? 0) < 3 || !validator.isIP(m[0], 6)) continue
      const [start, end] = originalSpan(base, m.index, m.index + m[0].length)
      out.push({ start, end, reason: "IPv6 address" })
    }
    return out
  },
})
