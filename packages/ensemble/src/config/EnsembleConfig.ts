import { atMost, Identifier, Limits, ModelRef, type ScenarioBase, upTo } from "@lyceum/scenario"
import { Schema } from "effect"

const ShotCount = Schema.Int.pipe(
  Schema.nonNegative({ message: () => "expected an integer of 0 or more" }),
  Schema.lessThanOrEqualTo(Limits.examples, {
    message: () => `expected at most ${Limits.examples} shots (more examples fit no model's context)`,
  }),
)
// Every confidence (a margin, a share of samples, a P(yes)) lies in [0, 1]: a larger threshold would defer every
// item to the last stage, most likely a percentage (90 for 0.9), so it is refused rather than silently run.
const Threshold = Schema.Number.pipe(
  Schema.finite(),
  Schema.between(0, 1, {
    message: () => "expected a threshold between 0 and 1 (confidences are probabilities: 0.9, not 90)",
  }),
)
// As social learning's methods bound it (the range OpenAI-compatible endpoints accept).
const Temperature = Schema.Number.pipe(
  Schema.finite(),
  Schema.between(0, 2, { message: () => "expected a temperature between 0 and 2" }),
)

/** One proposer: its own model, its own in-context examples from the coalition's pool, its own instruction. */
export const ProposerConfig = Schema.Struct({
  /** The agent's id in every table (`evaluations.student`, `agents.agent_id`). */
  name: Identifier,
  model: ModelRef,
  /** In-context examples drawn (seeded, per proposer) from the coalition's training pool: its private data. */
  shots: Schema.optionalWith(ShotCount, { default: () => 0 }),
  /** A text put before the examples. */
  instruction: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(Limits.descriptionLength)), {
    exact: true,
  }),
})
export type ProposerConfig = typeof ProposerConfig.Type

const aggregatorName = {
  /** How the variant is reported (its cohorts' `method`); defaults to the kind (`cascade@<tau>` per threshold). */
  name: Schema.optionalWith(Identifier, { exact: true }),
}

export const VoteAggregator = Schema.Struct({ ...aggregatorName, kind: Schema.Literal("vote") })
export const WeightedVoteAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("weighted-vote"),
})
export const JudgeAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("judge"),
  model: ModelRef,
})
export const FuseAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("fuse"),
  model: ModelRef,
})
export const MoaAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("moa"),
  /** Proposer layers: layer 1 answers alone, each later layer sees every answer of the one before. */
  layers: Schema.optionalWith(upTo(10, "every layer asks every proposer again"), { default: () => 2 }),
  /** A model that writes the final answer from the last layer's answers; without one the last layer votes. */
  model: Schema.optionalWith(ModelRef, { exact: true }),
})
export const CascadeConfidence = Schema.Literal("margin", "agreement", "judge")
export type CascadeConfidence = typeof CascadeConfidence.Type
const repeatedIn = (taus: ReadonlyArray<number>) => taus.find((tau, i) => taus.indexOf(tau) !== i)
// Each threshold is a variant labelled by its value: a repeated one would be two cohorts of one method.
const Thresholds = Schema.NonEmptyArray(Threshold).pipe(
  Schema.filter((taus) => repeatedIn(taus) === undefined, {
    message: (issue) =>
      `threshold ${repeatedIn(issue.actual as ReadonlyArray<number>)} is listed twice; list each threshold once`,
  }),
)
export const CascadeAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("cascade"),
  confidence: Schema.optionalWith(CascadeConfidence, { default: () => "margin" as const }),
  /** One variant per threshold τ (`cascade@<τ>`): a stage's answer is accepted when its confidence ≥ τ. */
  thresholds: Thresholds.pipe(
    Schema.maxItems<typeof Thresholds>(Limits.methods, atMost(Limits.methods, "thresholds")),
  ),
  /** Temperature samples per stage for `agreement`. */
  samples: Schema.optionalWith(upTo(100, "each sample is generated"), { default: () => 5 }),
  temperature: Schema.optionalWith(Temperature, { default: () => 0.8 }),
  /** The model asked "is this answer right?" for `judge` confidence. */
  model: Schema.optionalWith(ModelRef, { exact: true }),
})
/** Most held-out neighbours a router may consult per item. */
export const MAX_NEIGHBOURS = 1000
export const RouteAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("route"),
  /** Held-out neighbours (TF-IDF cosine of the item input) that vote for a proposer. */
  neighbours: Schema.optionalWith(upTo(MAX_NEIGHBOURS, "neighbours are held-out items"), {
    default: () => 5,
  }),
})

export const AggregatorConfig = Schema.Union(
  VoteAggregator,
  WeightedVoteAggregator,
  JudgeAggregator,
  FuseAggregator,
  MoaAggregator,
  CascadeAggregator,
  RouteAggregator,
)
export type AggregatorConfig = typeof AggregatorConfig.Type

const Proposers = Schema.NonEmptyArray(ProposerConfig)
const Aggregators = Schema.NonEmptyArray(AggregatorConfig)

/** The fields `kind: ensemble` adds to the base scenario. */
export const ensembleFields = {
  proposers: Proposers.pipe(
    Schema.maxItems<typeof Proposers>(Limits.agents, atMost(Limits.agents, "proposers")),
  ),
  /** Items of the training pool held out of every prompt: weighted-vote weights and the router's training. */
  holdout: Schema.optionalWith(
    Schema.Int.pipe(Schema.nonNegative({ message: () => "expected an integer of 0 or more" })),
    { default: () => 0 },
  ),
  aggregators: Aggregators.pipe(
    Schema.maxItems<typeof Aggregators>(Limits.methods, atMost(Limits.methods, "aggregators")),
  ),
}

const EnsembleSection = Schema.Struct(ensembleFields)
/** A scenario of `kind: ensemble`, as the kind's Schema decodes it. */
export type EnsembleScenario = ScenarioBase & typeof EnsembleSection.Type

/** One variant: an aggregator, and for a cascade the threshold this variant stops at. */
export interface Variant {
  readonly label: string
  /** Position of the aggregator in `aggregators:` (names its agent: `judge-3`). */
  readonly index: number
  readonly aggregator: AggregatorConfig
  readonly tau?: number
}

/** Every variant in the scenario's order; a cascade gives one per threshold, labelled `<name>@<tau>`. */
export const variantsOf = (scenario: Pick<EnsembleScenario, "aggregators">): ReadonlyArray<Variant> =>
  scenario.aggregators.flatMap((aggregator, index): ReadonlyArray<Variant> => {
    const label = aggregator.name ?? aggregator.kind
    return aggregator.kind === "cascade"
      ? aggregator.thresholds.map((tau) => ({ label: `${label}@${tau}`, index, aggregator, tau }))
      : [{ label, index, aggregator }]
  })

/** The agent that aggregates under a variant (judge, fuser, moa aggregator, cascade verifier), if any. */
export const aggregatorAgent = (
  aggregator: AggregatorConfig,
  index: number,
): { readonly role: string; readonly id: string; readonly model: ModelRef } | undefined => {
  const agent = (role: string, model: ModelRef) => ({ role, id: `${role}-${index + 1}`, model })
  switch (aggregator.kind) {
    case "judge":
      return agent("judge", aggregator.model)
    case "fuse":
      return agent("fuser", aggregator.model)
    case "moa":
      return aggregator.model === undefined ? undefined : agent("aggregator", aggregator.model)
    case "cascade":
      return aggregator.confidence === "judge" && aggregator.model !== undefined
        ? agent("verifier", aggregator.model)
        : undefined
    default:
      return undefined
  }
}

/** The id of the coalition's own answer in `evaluations.student`. */
export const COALITION = "coalition"
