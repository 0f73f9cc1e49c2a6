import { CanaryKind, CanaryTemplateId } from "@lyceum/privacy"
import { AgentCount, atMost, baseFields, Limits, ModelRef, upTo } from "@lyceum/scenario"
import { Schema } from "effect"
import { MethodConfig } from "./Methods.js"

const PositiveInt = Schema.Int.pipe(Schema.positive())

const modelRef = Schema.propertySignature(ModelRef).annotations({
  description: "A model declared under models:, or a fallback chain [primary, backup, ...] tried in order.",
})

export const TeachersConfig = Schema.Struct({
  count: Schema.propertySignature(AgentCount).annotations({
    description: "Teachers; the task's training split is dealt over them as their private data.",
  }),
  model: modelRef,
  holdout: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 0.9)), { default: () => 0 }).annotations({
    description:
      "Fraction of each teacher's partition held back (for the voting aggregator); 0 keeps everything.",
  }),
  dataSize: Schema.optionalWith(PositiveInt, { exact: true }).annotations({
    description:
      "Private examples each teacher keeps of its partition (the rest is not used); all by default. Small " +
      "shares make a canary a large part of what a teacher knows.",
  }),
}).annotations({ description: "The agents that hold private data and teach." })
export type TeachersConfig = typeof TeachersConfig.Type

export const StudentsConfig = Schema.Struct({
  count: Schema.propertySignature(AgentCount).annotations({
    description: "Students; each learns from the teachers' lessons and is tested after every round.",
  }),
  model: modelRef,
}).annotations({ description: "The agents that hold nothing and learn." })
export type StudentsConfig = typeof StudentsConfig.Type

/**
 * The Secret Sharer experiment (paper §5): each repeat draws a canary, inserts it into every teacher's private
 * data, and after the last round scores it against `candidates - 1` alternatives of the same template as a
 * continuation of every student's prompt; the ranks go to the leakage view. `kind: code | name` uses each
 * task's own template (spam: an SMS, cloze: Lambada-style, arithmetic: GSM8K-style; paper Table 14);
 * `template` names one for a scenario of one task kind.
 */
export const CanaryConfig = Schema.Struct({
  kind: Schema.optional(CanaryKind).annotations({
    description: "The paper's canary kinds: a 4-digit code or a first name, in each task's own template.",
  }),
  template: Schema.optional(
    CanaryTemplateId.annotations({
      description: "a built-in canary template, for scenarios whose tasks are all of its kind",
    }),
  ),
  candidates: Schema.optionalWith(Schema.Int.pipe(Schema.between(2, 10_000)), {
    default: () => 1000,
  }).annotations({
    description:
      "The canary is ranked among this many continuations: itself and candidates - 1 alternatives.",
  }),
}).annotations({
  description:
    "The Secret Sharer experiment (paper §5): each repeat draws a canary, inserts it into every teacher's " +
    "private data, and after the last round scores it against candidates - 1 alternatives of the same template " +
    "as a continuation of every student's prompt; the ranks go to the leakage view. kind: code | name uses each " +
    "task's own template; template names one for a scenario of one task kind.",
})
export type CanaryConfig = typeof CanaryConfig.Type

const Rounds = Schema.Array(upTo(Limits.promptSize, "a prompt of more lessons fits no model's context"))
const Methods = Schema.NonEmptyArray(MethodConfig)

/** What social learning adds to the base scenario (`@lyceum/scenario`'s `baseFields`). */
export const socialLearningFields = {
  rounds: Schema.propertySignature(
    Rounds.pipe(
      Schema.minItems<typeof Rounds>(1, {
        message: () =>
          "expected at least one round, e.g. [2, 4, 8] (round 0 alone only measures the students before any lesson)",
      }),
      Schema.maxItems<Schema.filter<typeof Rounds>>(Limits.rounds, atMost(Limits.rounds, "rounds")),
    ),
  ).annotations({
    description:
      "The student's prompt size after each round: round r brings it to rounds[r-1] lessons (round 0 measures " +
      "the student before any lesson). [1, 2, 4, 8, 16] gives the rows of the paper's Table 1.",
  }),
  teachers: TeachersConfig,
  students: StudentsConfig,
  methods: Schema.propertySignature(
    Methods.pipe(Schema.maxItems<typeof Methods>(Limits.methods, atMost(Limits.methods, "methods"))),
  ).annotations({
    description:
      "Every method is played on every task: the rows (Table 2) or the O/G pairs (Table 1). strategy: picks one.",
  }),
  canary: Schema.optionalWith(CanaryConfig, { exact: true }),
}

/** A social-learning scenario: the base fields, `kind: social-learning` (the default) and its own fields. */
export const SocialLearningScenario = Schema.Struct({
  ...baseFields,
  kind: Schema.Literal("social-learning"),
  ...socialLearningFields,
})
export type SocialLearningScenario = typeof SocialLearningScenario.Type
export type SocialLearningScenarioInput = typeof SocialLearningScenario.Encoded
