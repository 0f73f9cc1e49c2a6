import { Schema } from "effect"

/**
 * An agent could not do what it was asked (its model failed, a peer did not answer); `reason` is the cause's
 * tag. Every kind's protocols carry this one failure, so the runner's messages read alike whatever the kind.
 */
export class AgentFailed extends Schema.TaggedError<AgentFailed>()("AgentFailed", {
  agent: Schema.String,
  reason: Schema.String,
  message: Schema.String,
}) {}

/** Turns any tagged failure into `AgentFailed`, naming the agent (one already naming an agent is kept). */
export const agentFailed =
  (agent: string) =>
  (error: { readonly _tag: string; readonly message?: string }): AgentFailed =>
    error instanceof AgentFailed
      ? error
      : new AgentFailed({ agent, reason: error._tag, message: error.message ?? error._tag })
