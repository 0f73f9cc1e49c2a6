import { AgentFailed } from "@lyceum/coalition"
import { TaskItem } from "@lyceum/core"
import { FilterDecisionSchema } from "@lyceum/privacy"
import { Schema } from "effect"

/**
 * What the coordinator, proposers and aggregating agents (judge, fuser, moa aggregator, verifier) say to each
 * other. Schemas, so one cohort runs in one process or across NATS. A proposer's answer reaches another agent
 * only as the text its privacy filter cleared (`Shared.text`); a dropped answer is not shown at all.
 */

export { AgentFailed } from "@lyceum/coalition"

/** Calls, tokens and cost (from the model's prices) of what one agent did for one item. */
export const ItemUsage = Schema.Struct({
  calls: Schema.Int,
  promptTokens: Schema.Int,
  completionTokens: Schema.Int,
  costUsd: Schema.Number,
})
export type ItemUsage = typeof ItemUsage.Type

/** A proposer's answer as it may be shown to others: the filter's decision and, unless dropped, the text. */
export const Shared = Schema.Struct({
  decision: FilterDecisionSchema,
  text: Schema.optional(Schema.String),
})
export type Shared = typeof Shared.Type

/** A proposer's answer to one item: the raw answer (graded by the coordinator), its shareable form, usage. */
export const ProposerAnswer = Schema.Struct({
  itemId: Schema.String,
  answer: Schema.String,
  shared: Shared,
  usage: ItemUsage,
})
export type ProposerAnswer = typeof ProposerAnswer.Type

/** Coordinator → proposer: answer these items (test items, or held-out ones for weights and routing). */
export class Answer extends Schema.TaggedRequest<Answer>()("Answer", {
  failure: AgentFailed,
  success: Schema.Array(ProposerAnswer),
  payload: { items: Schema.Array(TaskItem) },
}) {}

/** Coordinator → proposer (mixture of agents): answer again, seeing the previous layer's cleared answers. */
export class Refine extends Schema.TaggedRequest<Refine>()("Refine", {
  failure: AgentFailed,
  success: Schema.Array(ProposerAnswer),
  payload: {
    layer: Schema.Int,
    items: Schema.Array(Schema.Struct({ item: TaskItem, previous: Schema.Array(Schema.String) })),
  },
}) {}

/** How a cascade stage's confidence in its own answer is measured (see `agents/ProposerActor.ts`). */
export const ConfidenceMethod = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("margin"), labels: Schema.Array(Schema.String) }),
  Schema.Struct({ kind: Schema.Literal("agreement"), samples: Schema.Int, temperature: Schema.Number }),
)
export type ConfidenceMethod = typeof ConfidenceMethod.Type

/** Coordinator → proposer (cascade): how sure are you of these answers of yours? */
export class Confidence extends Schema.TaggedRequest<Confidence>()("Confidence", {
  failure: AgentFailed,
  success: Schema.Array(
    Schema.Struct({ itemId: Schema.String, confidence: Schema.Number, usage: ItemUsage }),
  ),
  payload: {
    method: ConfidenceMethod,
    items: Schema.Array(Schema.Struct({ item: TaskItem, answer: Schema.String })),
  },
}) {}

export const ProposerProtocol = Schema.Union(Answer, Refine, Confidence)

/** Coordinator → judge: which of two candidates is the better answer, in this order? 0 = first, 1 = second. */
export class Prefer extends Schema.TaggedRequest<Prefer>()("Prefer", {
  failure: AgentFailed,
  success: Schema.Struct({ winner: Schema.Literal(0, 1), usage: ItemUsage }),
  payload: { item: TaskItem, first: Schema.String, second: Schema.String },
}) {}

/** Coordinator → fuser or moa aggregator: write the answer from these candidates. */
export class Fuse extends Schema.TaggedRequest<Fuse>()("Fuse", {
  failure: AgentFailed,
  success: Schema.Struct({ answer: Schema.String, usage: ItemUsage }),
  payload: { item: TaskItem, candidates: Schema.Array(Schema.String) },
}) {}

/** Coordinator → verifier (cascade, `confidence: judge`): the probability that this answer is right. */
export class Verify extends Schema.TaggedRequest<Verify>()("Verify", {
  failure: AgentFailed,
  success: Schema.Struct({ pYes: Schema.Number, usage: ItemUsage }),
  payload: { item: TaskItem, answer: Schema.String },
}) {}

export const AggregatorProtocol = Schema.Union(Prefer, Fuse, Verify)
