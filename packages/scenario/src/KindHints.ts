import type { Finding, KindSchema } from "./BaseChecks.js"

const isUnknownTopField = (finding: Finding) =>
  finding.key.length === 1 && finding.message.startsWith("unknown field")

/**
 * Findings of a document decoded as `kind` that has fields of another kind (`proposers:` in a social-learning
 * file, `teachers:` in an ensemble), restated as what to do: such a field names the kind the author meant.
 * When `kind:` was left out (`defaulted`), the default kind's own fields that are "missing" are dropped too:
 * the author wrote another kind's file without its `kind:`, and a list of fields they never meant to write
 * would bury the one line that fixes it.
 */
export const kindHints = (
  kinds: ReadonlyArray<KindSchema>,
  kind: KindSchema,
  defaulted: boolean,
  found: ReadonlyArray<Finding>,
): Array<Finding> => {
  const ownerOf = (field: PropertyKey) =>
    kinds.find((k) => k !== kind && typeof field === "string" && Object.hasOwn(k.fields, field))
  const foreign = found.filter((f) => isUnknownTopField(f) && ownerOf(f.key[0]!) !== undefined)
  if (foreign.length === 0) return [...found]
  const dropMissing = (f: Finding) =>
    defaulted && f.key.length === 1 && f.message === "is missing" && Object.hasOwn(kind.fields, f.key[0]!)
  return found.flatMap((f): Array<Finding> => {
    if (dropMissing(f)) return []
    const owner = foreign.includes(f) ? ownerOf(f.key[0]!) : undefined
    if (owner === undefined) return [f]
    const field = String(f.key[0])
    const what = defaulted
      ? `this file has no kind: line, so it is read as ${kind.name}; add kind: ${owner.name}`
      : `set kind: ${owner.name}`
    return [
      {
        key: f.key,
        message: `${field} is a field of kind ${owner.name}, not ${kind.name}: ${what} (or remove ${field})`,
      },
    ]
  })
}
