import validator from "validator"
import type { Detector, Match } from "./FilterDecision.js"
import { originalSpan } from "./TextView.js"

const URL_LIKE =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}\/[^\s<>"']*/gi
const PRIVATE_HOST = /(?:^localhost$|\.(?:local|internal|lan|corp|home|localhost|intranet)$)/
const PRIVATE_IP = /^(?:10\.|127\.|192\.168\.|172\.(?:1[6-9]|2[0-9]|3[01])\.|169\.254\.)/
const TOKEN_LIKE = /[A-Za-z0-9_-]{16,}/

/** Why a URL is sensitive, or undefined for an ordinary public link. */
const risk = (raw: string): string | undefined => {
  const candidate = raw.replace(/[.,;:!?)\]]+$/, "")
  let url: URL
  try {
    url = new URL(/^https?:\/\//i.test(candidate) ? candidate : `http://${candidate}`)
  } catch {
    return undefined
  }
  if (!validator.isURL(candidate, { require_tld: false })) return undefined
  if (url.username !== "" || url.password !== "") return "URL with credentials"
  const host = url.hostname.toLowerCase()
  if (PRIVATE_HOST.test(host)) return "URL of a private host"
  if (validator.isIP(host)) return PRIVATE_IP.test(host) ? "URL of a private address" : "URL of an IP address"
  if (url.search.length > 1) return "URL with a query string"
  if (url.hash.length > 1) return "URL with a fragment"
  if (
    url.pathname.split("/").some((part) => TOKEN_LIKE.test(part) && /[0-9]/.test(part) && /[a-z]/i.test(part))
  )
    return "URL with a token-like path"
  return undefined
}

/**
 * URLs that can carry private data: credentials, query strings and fragments, private hosts and addresses,
 * token-like path segments. Plain public links ("www.example.co.uk", "example.com/offers") pass, since
 * lessons about spam need them.
 */
export const urlDetector = (): Detector => ({
  name: "url",
  scan: (text) => {
    const surface = text.surface
    const out: Array<Match> = []
    for (const m of surface.text.matchAll(URL_LIKE)) {
      const reason = risk(m[0])
      if (reason === undefined) continue
      const [start, end] = originalSpan(surface, m.index, m.index + m[0].length)
      out.push({ start, end, reason })
    }
    return out
  },
})
