import { Schema } from "effect"

/** An agent's id within its run, e.g. `teacher-1` or `student`. */
export const AgentId = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.-]+$/), Schema.brand("AgentId"))
export type AgentId = typeof AgentId.Type
