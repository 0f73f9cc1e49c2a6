import { smuggleList } from "@lyceum/privacy"
import { AgentCount, atMost, ExampleCount, Identifier, Limits, PrivacyConfig, upTo } from "@lyceum/scenario"
import { Schema } from "effect"

const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/** Lesson strategies (social-learning.md §1): what a teacher sends, or the baselines. */
const Aggregator = Schema.Literal("random", "voting").annotations({
  description:
    "random: uniform over candidates (paper default); voting: each teacher votes with its held-out data",
})

/** How a teacher ranks its samples (docs/social-learning.md §1): both are the sample's mean token log-probability. */
export const RankBy = Schema.Literal("auto", "prompt-score", "generation-logprobs").annotations({
  description:
    "prompt-score: score each sample after the few-shot prompt by teacher-forcing; generation-logprobs: the " +
    "log-probabilities the model returned while generating it (for endpoints that cannot teacher-force: " +
    "Ollama, llama.cpp, OpenAI chat models); auto: prompt-score where the teachers' model can, else generation-logprobs",
})
export type RankBy = typeof RankBy.Type

const methodName = {
  name: Schema.optional(Identifier).annotations({
    description: "How the method is reported; defaults to the strategy.",
  }),
  privacy: Schema.optional(PrivacyConfig).annotations({
    description: "Overrides the scenario's privacy policy for this method's lessons.",
  }),
}

/** No lessons at all: the low bar. */
export const ZeroShotMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("zero-shot"),
}).annotations({
  description: "No lessons at all: the low bar.",
})

/** n of a teacher's private examples, verbatim: the non-private high bar. */
export const OriginalExamplesMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("original-examples"),
  aggregator: Schema.optionalWith(Aggregator, { default: () => "random" as const }),
  teachers: Schema.optionalWith(Schema.Literal("first", "all"), {
    default: () => "first" as const,
  }).annotations({
    description:
      "The paper's baseline takes all n from one teacher; all asks every teacher for an equal share.",
  }),
}).annotations({ description: "n of a teacher's private examples, verbatim: the non-private high bar." })

/** Teachers write synthetic examples from their private ones (paper: "live model"). */
export const SyntheticExamplesMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("synthetic-examples"),
  nGen: Schema.optionalWith(ExampleCount, { default: () => 8 }).annotations({
    description: "Private examples a teacher shows its model as few-shot context (paper: n_gen).",
  }),
  temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), {
    default: () => 0.8,
  }).annotations({
    description: "Sampling temperature (paper: tau).",
  }),
  samples: Schema.optionalWith(upTo(1000, "each sample is generated and scored"), {
    default: () => 8,
  }).annotations({ description: "Samples drawn per request before ranking by perplexity." }),
  topK: Schema.optionalWith(upTo(1000, "at most samples"), { default: () => 2 }).annotations({
    description: "Candidates a teacher returns per request, the most likely first (paper: k).",
  }),
  aggregator: Schema.optionalWith(Aggregator, { default: () => "random" as const }),
  rankBy: Schema.optionalWith(RankBy, { default: () => "auto" as const }),
}).annotations({
  description: 'Teachers write synthetic examples from their private ones (paper: "live model").',
})

/** A smuggling transform of the red-team suite (docs/privacy.md), by name. */
const SmuggleName = Schema.Literal(...(smuggleList.map((s) => s.name) as [string, ...Array<string>]))

/**
 * Synthetic examples, but `adversaries` of the teachers also try to smuggle the canary out every round,
 * rewritten by the transforms in turn (or split into pieces across lessons), and send whatever passes their
 * filter first. Needs `canary:`; the `smuggling` view says which transform got through.
 */
export const AdversarialExamplesMethod = Schema.Struct({
  ...SyntheticExamplesMethod.fields,
  strategy: Schema.Literal("adversarial-examples"),
  adversaries: Schema.optionalWith(AgentCount, { default: () => 1 }).annotations({
    description: "How many teachers (the first ones) are adversarial.",
  }),
  smuggle: Schema.optionalWith(
    Schema.Array(SmuggleName).pipe(
      Schema.maxItems<Schema.Array$<typeof SmuggleName>>(
        Limits.smuggle,
        atMost(Limits.smuggle, "transforms (each is tried once per round)"),
      ),
    ),
    { default: () => [] },
  ).annotations({
    description: "The smuggling transforms (docs/privacy.md) the adversaries try, in turn, one per round.",
  }),
  split: Schema.optionalWith(NonNegativeInt, { default: () => 0 }).annotations({
    description:
      "Pieces a split attempt cuts the secret into, one lesson each (0: no split attempt; at most topK).",
  }),
}).annotations({
  description:
    "Synthetic examples, but adversaries of the teachers also try to smuggle the canary out every round, " +
    "rewritten by the transforms in turn (or split into pieces across lessons), and send whatever passes their " +
    "filter first. Needs canary:.",
})

/** One teacher writes an instruction from k private examples through a meta-prompt (paper Fig. 2). */
export const InstructionMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("instruction"),
  examples: Schema.optionalWith(ExampleCount, { default: () => 8 }).annotations({
    description: "Private examples the teacher sees when writing its instruction.",
  }),
  temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), {
    default: () => 0.7,
  }).annotations({
    description: "Sampling temperature of the instruction.",
  }),
  maxTokens: Schema.optionalWith(upTo(Limits.maxTokens, "no model writes more at once"), {
    default: () => 160,
  }).annotations({ description: "Most tokens of the instruction." }),
}).annotations({
  description:
    "One teacher writes an instruction from k private examples through a meta-prompt (paper Fig. 2).",
})

/** A hand-written instruction per task kind, given in the scenario (paper Table 7). */
export const ManualInstructionMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("manual-instruction"),
  text: Schema.Record({ key: Schema.String, value: Schema.String }).annotations({
    description: "instruction text per task kind, e.g. { spam: 'Reply spam if ...' }",
  }),
}).annotations({
  description: "A hand-written instruction per task kind, given in the scenario (paper Table 7).",
})

export const MethodConfig = Schema.Union(
  ZeroShotMethod,
  OriginalExamplesMethod,
  SyntheticExamplesMethod,
  AdversarialExamplesMethod,
  InstructionMethod,
  ManualInstructionMethod,
)
export type MethodConfig = typeof MethodConfig.Type

/** The name a method is reported under: its `name`, or its strategy. */
export const methodLabel = (method: MethodConfig): string => method.name ?? method.strategy
