import { Schema } from "effect"

/** Identifies one run of a scenario in the store and on the wire. */
export const RunId = Schema.String.pipe(Schema.minLength(1), Schema.brand("RunId"))
export type RunId = typeof RunId.Type

/** An agent's id within its run, e.g. `teacher-1` or `student`. */
export const AgentId = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.-]+$/), Schema.brand("AgentId"))
export type AgentId = typeof AgentId.Type

export const AgentRole = Schema.Literal("teacher", "student")
export type AgentRole = typeof AgentRole.Type
