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
  /**
   * How many agents hold the task's private data. A task with its own shares (cultural facts: one culture per
   * share) gives seed i the i-th share; any other task's training split is dealt IID over the seeds.
   */
  count: upTo(Limits.agents, "each seed holds a share of the task's data"),
  /** Which agents (0-based indexes) are the seeds; by default `count` agents drawn from the run's seed. */
  agents: Schema.optional(Schema.Array(NonNegativeInt)),
}).annotations({ description: "the agents that hold the task's knowledge before round 1" })

/** Every other agent may hold a few private examples of its own (it teaches them and its filter guards them). */
export const PrivateConfig = Schema.Struct({
  /** Private examples each non-seed agent holds, drawn IID from the training split; 0 by default. */
  examples: Schema.optionalWith(NonNegativeInt.pipe(Schema.lessThanOrEqualTo(64)), { default: () => 0 }),
})

/** An agent's memory: the lessons it holds, which are its prompt. */
export const MemoryConfig = Schema.Struct({
  /** Lessons held at most; the prompt is the agent's own examples, then these. */
  capacity: Schema.optionalWith(upTo(64, "every lesson held is in the agent's prompt"), { default: () => 8 }),
  /**
   * Which lesson a full memory forgets for a new one: `oldest` (first in, first out), `random` (seeded), or
   * `lowest-scored` (the lesson the agent's own model found least likely, mean log-probability per token).
   */
  eviction: Schema.optionalWith(Schema.Literal("oldest", "random", "lowest-scored"), {
    default: () => "oldest" as const,
  }),
})

/** Who learns each round and from how many neighbours. */
export const LearningConfig = Schema.Struct({
  /** Share of agents that learn in a round (drawn each round); 1 = everyone. */
  fraction: Schema.optionalWith(Share, { default: () => 1 }),
  /** Neighbours each learner asks for one lesson each (fewer when it has fewer). */
  neighbours: Schema.optionalWith(upTo(64, "one lesson per neighbour asked"), { default: () => 1 }),
})

/** What is measured after each round, on a sample so cost does not grow with the population. */
export const EvaluateConfig = Schema.Struct({
  /** Agents evaluated per round (drawn each round; all when fewer). */
  agents: Schema.optionalWith(PositiveInt, { default: () => 100 }),
  /** Test items each evaluated agent answers (the same items for all of them in a round). */
  items: Schema.optionalWith(PositiveInt, { default: () => 5 }),
})

/**
 * The diffusion curve: the share of agents that know the seeds' knowledge, per round. An agent "knows" when it
 * holds at least `threshold` of the seed agents' private examples verbatim in memory.
 */
export const DiffusionConfig = Schema.Struct({
  threshold: Schema.optionalWith(PositiveInt, { default: () => 1 }),
})

/** A canary (Secret Sharer) in the first seed's private data: how far does it travel, filter on and off? */
export const PopulationCanaryConfig = Schema.Struct({
  kind: Schema.optionalWith(CanaryKind, { default: () => "code" as const }),
  /** The canary and its alternatives, ranked by each evaluated agent (0 = it ranks the canary first). */
  candidates: Schema.optionalWith(Schema.Int.pipe(Schema.between(2, 10_000)), { default: () => 100 }),
})

/** How agents write a lesson for a neighbour (docs/social-learning.md §1), from their examples and memory. */
export const PopulationMethod = Schema.Union(
  Schema.Struct({
    name: Schema.optional(Identifier),
    /** One of the agent's own examples or held lessons, verbatim (knowledge is relayed as written). */
    strategy: Schema.Literal("original-examples"),
    privacy: Schema.optional(PrivacyConfig),
  }),
  Schema.Struct({
    name: Schema.optional(Identifier),
    /** The agent's model writes a new example from `nGen` of its examples and held lessons. */
    strategy: Schema.Literal("synthetic-examples"),
    nGen: Schema.optionalWith(upTo(64, "examples shown as few-shot context"), { default: () => 4 }),
    temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), { default: () => 0.8 }),
    /** Samples drawn; the most likely (mean log-probability) that passes the filter is sent. */
    samples: Schema.optionalWith(upTo(64, "each sample is generated and scored"), { default: () => 2 }),
    privacy: Schema.optional(PrivacyConfig),
  }),
)
export type PopulationMethod = typeof PopulationMethod.Type

const Methods = Schema.NonEmptyArray(PopulationMethod)

export const populationFields = {
  /** Agents of one cohort (one population per repeat × task × method). */
  agents: Schema.Int.pipe(
    Schema.greaterThanOrEqualTo(2, {
      message: () => "expected at least 2 agents (a population needs neighbours)",
    }),
    Schema.lessThanOrEqualTo(MAX_AGENTS, {
      message: () => `expected at most ${MAX_AGENTS} agents (one process holds a cohort's coordinator state)`,
    }),
  ),
  /** Agents per shard: one actor holds a shard's agents, and workers host whole shards. */
  shardSize: Schema.optionalWith(upTo(100_000, "a shard's lessons travel in one message per round"), {
    default: () => 1000,
  }),
  /** Every agent's model. */
  model: ModelRef,
  topology: TopologyConfig,
  seeds: SeedsConfig,
  private: Schema.optionalWith(PrivateConfig, { default: () => ({ examples: 0 }) }),
  memory: Schema.optionalWith(MemoryConfig, {
    default: () => ({ capacity: 8, eviction: "oldest" as const }),
  }),
  /** Rounds of learning after round 0 (which only measures). */
  rounds: upTo(Limits.rounds, "every round is a step of every cohort"),
  learning: Schema.optionalWith(LearningConfig, { default: () => ({ fraction: 1, neighbours: 1 }) }),
  evaluate: Schema.optionalWith(EvaluateConfig, { default: () => ({ agents: 100, items: 5 }) }),
  diffusion: Schema.optionalWith(DiffusionConfig, { default: () => ({ threshold: 1 }) }),
  /** Every method is a variant: a population is played once per method (e.g. filter on and off). */
  methods: Methods.pipe(Schema.maxItems<typeof Methods>(Limits.methods, atMost(Limits.methods, "methods"))),
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
