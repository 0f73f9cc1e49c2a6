import { Schema } from "effect"

/**
 * What a privacy filter did with a message: `allow` it unchanged, `flag` it (let it through, record the
 * finding), `redact` the offending spans (it leaves with placeholders), or `drop` it. The privacy filter
 * decides it, the store keeps it with every message, reports count it.
 */
export const FilterAction = Schema.Literal("allow", "flag", "redact", "drop")
export type FilterAction = typeof FilterAction.Type

/** What a policy may ask for when a detector fires: every action but `allow`. */
export const PolicyAction = FilterAction.pipe(Schema.pickLiteral("flag", "redact", "drop"))
export type PolicyAction = typeof PolicyAction.Type
