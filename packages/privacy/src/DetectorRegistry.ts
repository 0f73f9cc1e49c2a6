import type { CountryCode } from "libphonenumber-js/max"
import { cardDetector } from "./CardDetector.js"
import { distanceDetector } from "./DistanceDetector.js"
import { emailDetector } from "./EmailDetector.js"
import type { Detector } from "./FilterDecision.js"
import { ibanDetector } from "./IbanDetector.js"
import { ipDetector } from "./IpDetector.js"
import { nationalIdDetector } from "./NationalIdDetector.js"
import { phoneDetector } from "./PhoneDetector.js"
import {
  type FilterOptions,
  type FilterPolicy,
  makePrivacyFilter,
  type PrivacyFilter,
} from "./PrivacyFilter.js"
import { secretDetector } from "./SecretDetector.js"
import { sessionScanner } from "./SessionScanner.js"
import { urlDetector } from "./UrlDetector.js"
import { overlapDetector, verbatimDetector } from "./VerbatimDetector.js"

/** The PII recognisers, by detector name. */
export const piiKinds = ["email", "phone", "card", "iban", "ip", "url", "national-id"] as const
export type PiiKind = (typeof piiKinds)[number]

/** Every detector name a finding can carry (policies are keyed by these). */
export const detectorNames = ["secret", "session", ...piiKinds, "verbatim", "overlap", "distance"] as const
export type DetectorName = (typeof detectorNames)[number]

/** What one teacher's filter knows and looks for. */
export interface PrivacyConfig {
  /** Canaries and configured secrets: matched through every disguise the filter knows. */
  readonly secrets?: ReadonlyArray<string>
  /** The teacher's private texts, for the verbatim, overlap and distance detectors. */
  readonly privateTexts?: ReadonlyArray<string>
  /** PII recognisers to run: all (default), none, or a list. */
  readonly pii?: boolean | ReadonlyArray<PiiKind>
  /** Default countries for phone numbers without a + prefix. Default GB and US. */
  readonly phoneCountries?: ReadonlyArray<CountryCode>
  /** Private texts shorter than this (normalised characters) are not matched verbatim. Default 12. */
  readonly verbatimMinLength?: number
  /** Shared consecutive words that make an overlap finding; `false` turns it off. Default 8. */
  readonly overlapWords?: number | false
  /** Normalised-distance threshold of the distance detector; `false` turns it off. Default `false`. */
  readonly distanceThreshold?: number | false
  /** Scan each student's session for secrets split across lessons. Default true when there are secrets. */
  readonly session?: boolean
}

const piiFactories: Readonly<Record<PiiKind, (config: PrivacyConfig) => Detector>> = {
  email: () => emailDetector(),
  phone: (config) => phoneDetector(config.phoneCountries),
  card: () => cardDetector(),
  iban: () => ibanDetector(),
  ip: () => ipDetector(),
  url: () => urlDetector(),
  "national-id": () => nationalIdDetector(),
}

/** The detectors a configuration asks for, in one registry (the session scanner is built by `makeFilter`). */
export const makeDetectors = (config: PrivacyConfig): ReadonlyArray<Detector> => {
  const detectors: Array<Detector> = []
  const secrets = config.secrets ?? []
  if (secrets.length > 0)
    detectors.push(
      secretDetector(
        secrets,
        config.phoneCountries === undefined ? {} : { phoneCountries: config.phoneCountries },
      ),
    )
  const pii = config.pii ?? true
  const kinds = pii === true ? piiKinds : pii === false ? [] : pii
  for (const kind of kinds) detectors.push(piiFactories[kind](config))
  const privateTexts = config.privateTexts ?? []
  if (privateTexts.length > 0) {
    detectors.push(verbatimDetector(privateTexts, config.verbatimMinLength))
    const words = config.overlapWords ?? 8
    if (words !== false) detectors.push(overlapDetector(privateTexts, words))
    const threshold = config.distanceThreshold ?? false
    if (threshold !== false) detectors.push(distanceDetector(privateTexts, { threshold }))
  }
  return detectors
}

/**
 * A sensible default: secrets, split secrets and verbatim copies drop the lesson; PII is redacted; sensitive
 * URLs, partial overlaps and near copies are flagged for the audit.
 */
export const defaultPolicy: Readonly<Record<DetectorName, "drop" | "redact" | "flag">> = {
  secret: "drop",
  session: "drop",
  email: "redact",
  phone: "redact",
  card: "redact",
  iban: "redact",
  ip: "redact",
  url: "flag",
  "national-id": "redact",
  verbatim: "drop",
  overlap: "flag",
  distance: "flag",
}

/** A teacher's filter from its configuration: the registry's detectors, the session scanner, a policy. */
export const makeFilter = (
  config: PrivacyConfig,
  policy: FilterPolicy = defaultPolicy,
  options: Omit<FilterOptions, "session"> = {},
): PrivacyFilter => {
  const secrets = config.secrets ?? []
  const session =
    (config.session ?? true) && secrets.length > 0
      ? sessionScanner(
          secrets,
          config.phoneCountries === undefined ? {} : { phoneCountries: config.phoneCountries },
        )
      : undefined
  return makePrivacyFilter(
    makeDetectors(config),
    policy,
    session === undefined ? options : { ...options, session },
  )
}
