import { CanaryKind } from "@lyceum/privacy"
import { atMost, baseFields, Identifier, Limits, ModelRef, PrivacyConfig, upTo } from "@lyceum/scenario"
import { Schema } from "effect"
import { TopologyConfig } from "../topology/index.js"

/** The largest population one cohort may have: a million agents fit one 16 GiB process (docs/benchmarks.md). */
export const MAX_AGENTS = 2_000_000

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())
const Share = Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(1))

/** Who holds the task's knowledge at the start: a few seed agents, chosen seeded unless listed. */
export const SeedsConfig = Schema.Struct({
  count: Schema.propertySignature(
    upTo(Limits.agents, "each seed holds a share of the task's data"),
  ).annotations({
    description:
      "How many agents hold the task's private data. A task with its own shares (cultural facts: one culture per share) gives seed i the i-th share; any other task's training split is dealt IID over the seeds.",
  }),
  agents: Schema.optional(Schema.Array(NonNegativeInt)).annotations({
    description:
      "Which agents (0-based indexes) are the seeds; by default count agents drawn from the run's seed.",
  }),
}).annotations({
  description:
    "The agents that hold the task's knowledge before round 1: a few seed agents, chosen seeded unless listed.",
})

/** Every other agent may hold a few private examples of its own (it teaches them and its filter guards them). */
export const PrivateConfig = Schema.Struct({
  examples: Schema.optionalWith(NonNegativeInt.pipe(Schema.lessThanOrEqualTo(64)), {
    default: () => 0,
  }).annotations({
    description:
      "Private examples each non-seed agent holds, drawn IID from the training split; 0 by default.",
  }),
}).annotations({
  description:
    "Every other agent may hold a few private examples of its own (it teaches them and its filter guards them).",
})

/** An agent's memory: the lessons it holds, which are its prompt. */
export const MemoryConfig = Schema.Struct({
  capacity: Schema.optionalWith(upTo(64, "every lesson held is in the agent's prompt"), {
    default: () => 8,
  }).annotations({
    description: "Lessons held at most; the prompt is the agent's own examples, then these.",
  }),
  eviction: Schema.optionalWith(Schema.Literal("oldest", "random", "lowest-scored"), {
    default: () => "oldest" as const,
  }).annotations({
    description:
      "Which lesson a full memory forgets for a new one: oldest (first in, first out), random (seeded), or lowest-scored (the lesson the agent's own model found least likely, mean log-probability per token).",
  }),
}).annotations({
  description: "An agent's memory: the lessons it holds, which are its prompt.",
})

/** Who learns each round and from how many neighbours. */
export const LearningConfig = Schema.Struct({
  fraction: Schema.optionalWith(Share, { default: () => 1 }).annotations({
    description: "Share of agents that learn in a round (drawn each round); 1 = everyone.",
  }),
  neighbours: Schema.optionalWith(upTo(64, "one lesson per neighbour asked"), {
    default: () => 1,
  }).annotations({
    description: "Neighbours each learner asks for one lesson each (fewer when it has fewer).",
  }),
}).annotations({
  description: "Who learns each round and from how many neighbours.",
})

/** What is measured after each round, on a sample so cost does not grow with the population. */
export const EvaluateConfig = Schema.Struct({
  agents: Schema.optionalWith(PositiveInt, { default: () => 100 }).annotations({
    description: "Agents evaluated per round (drawn each round; all when fewer).",
  }),
  items: Schema.optionalWith(PositiveInt, { default: () => 5 }).annotations({
    description: "Test items each evaluated agent answers (the same items for all of them in a round).",
  }),
}).annotations({
  description: "What is measured after each round, on a sample so cost does not grow with the population.",
})

/**
 * The diffusion curve: the share of agents that know the seeds' knowledge, per round. An agent "knows" when it
 * holds at least `threshold` of the seed agents' private examples verbatim in memory.
 */
export const DiffusionConfig = Schema.Struct({
  threshold: Schema.optionalWith(PositiveInt, { default: () => 1 }).annotations({
    description:
      "An agent knows when it holds at least this many of the seed agents' private examples verbatim.",
  }),
}).annotations({
  description:
    'The diffusion curve: the share of agents that know the seeds\' knowledge, per round. An agent "knows" when it ' +
    "holds at least threshold of the seed agents' private examples verbatim in memory.",
})

/** A canary (Secret Sharer) in the first seed's private data: how far does it travel, filter on and off? */
export const PopulationCanaryConfig = Schema.Struct({
  kind: Schema.optionalWith(CanaryKind, { default: () => "code" as const }).annotations({
    description: "The canary's kind: a 4-digit code or a first name.",
  }),
  candidates: Schema.optionalWith(Schema.Int.pipe(Schema.between(2, 10_000)), {
    default: () => 100,
  }).annotations({
    description:
      "The canary and its alternatives, ranked by each evaluated agent (0 = it ranks the canary first).",
  }),
}).annotations({
  description:
    "A canary (Secret Sharer) in the first seed's private data: how far does it travel, filter on and off?",
})

/** How agents write a lesson for a neighbour (docs/social-learning.md §1), from their examples and memory. */
export const PopulationMethod = Schema.Union(
  Schema.Struct({
    name: Schema.optional(Identifier),
    strategy: Schema.Literal("original-examples"),
    privacy: Schema.optional(PrivacyConfig),
  }).annotations({
    description:
      "One of the agent's own examples or held lessons, verbatim (knowledge is relayed as written).",
  }),
  Schema.Struct({
    name: Schema.optional(Identifier),
    strategy: Schema.Literal("synthetic-examples"),
    nGen: Schema.optionalWith(upTo(64, "examples shown as few-shot context"), { default: () => 4 }),
    temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), { default: () => 0.8 }),
    samples: Schema.optionalWith(upTo(64, "each sample is generated and scored"), {
      default: () => 2,
    }).annotations({
      description: "Samples drawn; the most likely (mean log-probability) that passes the filter is sent.",
    }),
    privacy: Schema.optional(PrivacyConfig),
  }).annotations({
    description: "The agent's model writes a new example from nGen of its examples and held lessons.",
  }),
)
export type PopulationMethod = typeof PopulationMethod.Type

const Methods = Schema.NonEmptyArray(PopulationMethod)

export const populationFields = {
  agents: Schema.propertySignature(
    Schema.Int.pipe(
      Schema.greaterThanOrEqualTo(2, {
        message: () => "expected at least 2 agents (a population needs neighbours)",
      }),
      Schema.lessThanOrEqualTo(MAX_AGENTS, {
        message: () =>
          `expected at most ${MAX_AGENTS} agents (one process holds a cohort's coordinator state)`,
      }),
    ),
  ).annotations({
    description: "Agents of one cohort (one population per repeat × task × method).",
  }),
  shardSize: Schema.optionalWith(upTo(100_000, "a shard's lessons travel in one message per round"), {
    default: () => 1000,
  }).annotations({
    description: "Agents per shard: one actor holds a shard's agents, and workers host whole shards.",
  }),
  model: Schema.propertySignature(ModelRef).annotations({ description: "Every agent's model." }),
  topology: TopologyConfig,
  seeds: SeedsConfig,
  private: Schema.optionalWith(PrivateConfig, { default: () => ({ examples: 0 }) }),
  memory: Schema.optionalWith(MemoryConfig, {
    default: () => ({ capacity: 8, eviction: "oldest" as const }),
  }),
  rounds: Schema.propertySignature(upTo(Limits.rounds, "every round is a step of every cohort")).annotations({
    description: "Rounds of learning after round 0 (which only measures).",
  }),
  learning: Schema.optionalWith(LearningConfig, { default: () => ({ fraction: 1, neighbours: 1 }) }),
  evaluate: Schema.optionalWith(EvaluateConfig, { default: () => ({ agents: 100, items: 5 }) }),
  diffusion: Schema.optionalWith(DiffusionConfig, { default: () => ({ threshold: 1 }) }),
  methods: Schema.propertySignature(
    Methods.pipe(Schema.maxItems<typeof Methods>(Limits.methods, atMost(Limits.methods, "methods"))),
  ).annotations({
    description:
      "Every method is a variant: a population is played once per method (e.g. filter on and off).",
  }),
  canary: Schema.optionalWith(PopulationCanaryConfig, { exact: true }),
}

/** A population scenario: the base fields, `kind: population` and its own fields. */
export const PopulationScenario = Schema.Struct({
  ...baseFields,
  kind: Schema.Literal("population"),
  ...populationFields,
})
export type PopulationScenario = typeof PopulationScenario.Type

/** A method's label, as cohorts and tables name it. */
export const methodLabel = (method: PopulationMethod): string => method.name ?? method.strategy
