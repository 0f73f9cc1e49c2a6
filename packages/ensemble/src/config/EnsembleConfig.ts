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
const modelRef = (description: string) => Schema.propertySignature(ModelRef).annotations({ description })

export const ProposerConfig = Schema.Struct({
  name: Schema.propertySignature(Identifier).annotations({
    description: "The agent's id in every table (evaluations.student, agents.agent_id).",
  }),
  model: modelRef("The proposer's model (declared under models:), or a fallback chain of them."),
  shots: Schema.optionalWith(ShotCount, { default: () => 0 }).annotations({
    description:
      "In-context examples drawn (seeded, per proposer) from the coalition's training pool: its private data.",
  }),
  instruction: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(Limits.descriptionLength)), {
    exact: true,
  }).annotations({ description: "A text put before the examples." }),
}).annotations({
  description:
    "One proposer: its own model, its own in-context examples from the coalition's pool, its own instruction.",
})
export type ProposerConfig = typeof ProposerConfig.Type

const aggregatorName = {
  name: Schema.optionalWith(Identifier, { exact: true }).annotations({
    description:
      "How the variant is reported (its cohorts' method); defaults to the kind (cascade@<tau> per threshold).",
  }),
}

export const VoteAggregator = Schema.Struct({ ...aggregatorName, kind: Schema.Literal("vote") }).annotations({
  description: "Majority over the proposers' answer classes (ties: a seeded pick).",
})
export const WeightedVoteAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("weighted-vote"),
}).annotations({
  description:
    "A vote weighted by the log-odds of each proposer's accuracy on the held-out items (holdout:).",
})
export const JudgeAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("judge"),
  model: modelRef("The judge's model (declared under models:), or a fallback chain."),
}).annotations({
  description:
    "A judge model compares every pair of distinct answers, in both orders; the winner is the answer. Needs a model that scores.",
})
export const FuseAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("fuse"),
  model: modelRef("The fuser's model (declared under models:), or a fallback chain."),
}).annotations({ description: "A fuser model writes the answer after the proposers' answers." })
export const MoaAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("moa"),
  layers: Schema.optionalWith(upTo(10, "every layer asks every proposer again"), {
    default: () => 2,
  }).annotations({
    description:
      "Proposer layers: layer 1 answers alone, each later layer sees every answer of the one before.",
  }),
  model: Schema.optionalWith(ModelRef, { exact: true }).annotations({
    description:
      "A model that writes the final answer from the last layer's answers; without one the last layer votes.",
  }),
}).annotations({
  description: "Mixture of agents: layers of proposers, each seeing the answers of the layer before.",
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
  confidence: Schema.optionalWith(CascadeConfidence, { default: () => "margin" as const }).annotations({
    description:
      "How a stage's confidence is measured: margin = P(the answer's label) - P(the likeliest other label); " +
      "agreement = share of samples in the greedy answer's class; judge = a verifier model's P(yes) that the " +
      "answer is correct.",
  }),
  thresholds: Schema.propertySignature(
    Thresholds.pipe(Schema.maxItems<typeof Thresholds>(Limits.methods, atMost(Limits.methods, "thresholds"))),
  ).annotations({
    description:
      "One variant per threshold τ (cascade@<τ>): a stage's answer is accepted when its confidence ≥ τ.",
  }),
  samples: Schema.optionalWith(upTo(100, "each sample is generated"), { default: () => 5 }).annotations({
    description: "Temperature samples per stage for agreement.",
  }),
  temperature: Schema.optionalWith(Temperature, { default: () => 0.8 }).annotations({
    description: "Sampling temperature of the agreement samples.",
  }),
  model: Schema.optionalWith(ModelRef, { exact: true }).annotations({
    description: 'The model asked "is this answer right?" for judge confidence.',
  }),
}).annotations({
  description:
    "Stages are the proposers by price, cheapest first (FrugalGPT-style): an item stops at the first stage " +
    "whose confidence reaches the threshold, or at the last.",
})
/** Most held-out neighbours a router may consult per item. */
export const MAX_NEIGHBOURS = 1000
export const RouteAggregator = Schema.Struct({
  ...aggregatorName,
  kind: Schema.Literal("route"),
  neighbours: Schema.optionalWith(upTo(MAX_NEIGHBOURS, "neighbours are held-out items"), {
    default: () => 5,
  }).annotations({
    description: "Held-out neighbours (TF-IDF cosine of the item input) that vote for a proposer.",
  }),
}).annotations({
  description:
    "The proposer right most often on the item's nearest held-out items answers it (needs holdout:).",
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
  proposers: Schema.propertySignature(
    Proposers.pipe(Schema.maxItems<typeof Proposers>(Limits.agents, atMost(Limits.agents, "proposers"))),
  ).annotations({ description: "The agents that answer every item, each its own way." }),
  holdout: Schema.optionalWith(
    Schema.Int.pipe(Schema.nonNegative({ message: () => "expected an integer of 0 or more" })),
    { default: () => 0 },
  ).annotations({
    description:
      "Items of the training pool held out of every prompt: weighted-vote weights and the router's training.",
  }),
  aggregators: Schema.propertySignature(
    Aggregators.pipe(
      Schema.maxItems<typeof Aggregators>(Limits.methods, atMost(Limits.methods, "aggregators")),
    ),
  ).annotations({
    description:
      "How the proposers' answers become the coalition's answer; each aggregator is a variant (a cascade one " +
      "per threshold), played on every task. kind: picks one.",
  }),
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
