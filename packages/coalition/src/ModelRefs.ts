import type { ModelRef } from "@lyceum/scenario"

/** A model reference as stored: its name, or a fallback chain as `primary > backup`. */
export const modelText = (ref: ModelRef): string => (typeof ref === "string" ? ref : ref.join(" > "))

/** The model that prices and scores for a reference: a fallback chain's first. */
export const firstModel = (ref: ModelRef): string => (typeof ref === "string" ? ref : ref[0])
