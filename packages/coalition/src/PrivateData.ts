import { defaultPolicy, type FilterPolicy, makeFilter, type PrivacyFilter } from "@lyceum/privacy"
import type { PrivacyConfig } from "@lyceum/scenario"

/** A scenario's privacy section as a filter policy (PII detectors are not run at all when `off`). */
export const filterPolicy = (privacy: PrivacyConfig): FilterPolicy => {
  const pii = privacy.pii === "off" ? "flag" : privacy.pii
  return {
    ...defaultPolicy,
    verbatim: privacy.verbatim,
    secret: privacy.secrets,
    session: privacy.secrets,
    email: pii,
    phone: pii,
    card: pii,
    iban: pii,
    ip: pii,
    "national-id": pii,
  }
}

/**
 * The filter every message of an agent holding private data passes before another agent reads it, under a
 * scenario's privacy section: its secrets, its private examples (compared by input, so a copy with another
 * label still leaks one) and, unless `pii: off`, personal data.
 */
export const privateDataFilter = (
  privacy: PrivacyConfig,
  held: { readonly privateTexts: ReadonlyArray<string>; readonly secrets?: ReadonlyArray<string> },
  /** The findings' hash key; random per filter by default (a population's shard shares one among its agents). */
  auditKey?: Uint8Array,
): PrivacyFilter =>
  makeFilter(
    {
      secrets: held.secrets ?? [],
      privateTexts: held.privateTexts,
      pii: privacy.pii !== "off",
      overlapWords: false,
    },
    filterPolicy(privacy),
    auditKey === undefined ? {} : { auditKey },
  )
