import { ModelConfig } from "@lyceum/models"
import { Schema } from "effect"

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())
const Identifier = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]+$/, { message: () => "letters, digits, '-' or '_' only" }),
)

/** Where a task's examples come from: the built-in dataset, or a public file the user downloaded. */
export const DatasetSource = Schema.Union(
  Schema.Literal("builtin"),
  Schema.Struct({
    path: Schema.String.annotations({
      description: "path to the dataset file, relative to the scenario file",
    }),
  }),
)
export type DatasetSource = typeof DatasetSource.Type

export const SpamTaskConfig = Schema.Struct({
  kind: Schema.Literal("spam"),
  /** `base` is `Text:`/`Class:`; `with-class` lists the classes in the label line (paper Table 5). */
  format: Schema.optionalWith(Schema.Literal("base", "with-class"), { default: () => "base" as const }),
  dataset: Schema.optionalWith(DatasetSource, { default: () => "builtin" as const }),
  testSize: Schema.optionalWith(PositiveInt, { default: () => 100 }),
})
export type SpamTaskConfig = typeof SpamTaskConfig.Type

export const TaskConfig = SpamTaskConfig
export type TaskConfig = typeof TaskConfig.Type

export const TeachersConfig = Schema.Struct({
  count: PositiveInt,
  model: Identifier,
  /** Fraction of each teacher's partition held back (for the voting aggregator); 0 keeps everything. */
  holdout: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 0.9)), { default: () => 0 }),
})

export const StudentsConfig = Schema.Struct({
  count: PositiveInt,
  model: Identifier,
})

export const LessonConfig = Schema.Struct({
  strategy: Schema.Literal("original-examples", "synthetic-examples"),
  /** Examples the student adds to its prompt each round (its prompt holds perRound × round examples). */
  perRound: PositiveInt,
  /** Private examples a teacher shows its model as few-shot context when generating (paper: n_gen). */
  nGen: Schema.optionalWith(PositiveInt, { default: () => 8 }),
  /** Sampling temperature for synthetic examples (paper: tau). */
  temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), { default: () => 0.8 }),
  /** Samples drawn per request before ranking by perplexity. */
  samples: Schema.optionalWith(PositiveInt, { default: () => 8 }),
  /** Candidates a teacher returns per request, the best by perplexity (paper: k). */
  topK: Schema.optionalWith(PositiveInt, { default: () => 2 }),
})
export type LessonConfig = typeof LessonConfig.Type

export const FilterAction = Schema.Literal("drop", "flag")
export type FilterAction = typeof FilterAction.Type

export const PrivacyConfig = Schema.Struct({
  /** What to do with a lesson that copies one of the teacher's private examples verbatim. */
  verbatim: Schema.optionalWith(FilterAction, { default: () => "drop" as const }),
})

/** Limits on the whole run; when one is reached the run stops cleanly with everything finished so far saved. */
export const BudgetConfig = Schema.Struct({
  maxTokens: Schema.optionalWith(
    PositiveInt.annotations({ description: "prompt plus completion tokens, all models" }),
    { exact: true },
  ),
  maxCostUsd: Schema.optionalWith(
    Schema.Number.pipe(Schema.positive()).annotations({ description: "US dollars, from the models' prices" }),
    { exact: true },
  ),
})

export const Scenario = Schema.Struct({
  name: Identifier,
  description: Schema.optional(Schema.String),
  seed: Schema.optionalWith(NonNegativeInt, { default: () => 0 }),
  repeats: Schema.optionalWith(PositiveInt, { default: () => 1 }),
  rounds: NonNegativeInt,
  models: Schema.Record({ key: Identifier, value: ModelConfig }),
  task: TaskConfig,
  teachers: TeachersConfig,
  students: StudentsConfig,
  lessons: LessonConfig,
  aggregator: Schema.optionalWith(Schema.Literal("random"), { default: () => "random" as const }),
  budget: Schema.optionalWith(BudgetConfig, { exact: true }),
  privacy: Schema.optionalWith(PrivacyConfig, { default: () => ({ verbatim: "drop" as const }) }),
})
export type Scenario = typeof Scenario.Type
export type ScenarioInput = typeof Scenario.Encoded
