import { ModelConfig, ResponseCacheConfig } from "@lyceum/models"
import { smuggleList } from "@lyceum/privacy"
import { Schema } from "effect"

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/**
 * Hard limits: values beyond them cannot be meant or cannot fit in one process (agents are actors in memory,
 * arrays of that length cannot be allocated), so the scenario is refused before anything runs, with the limit
 * and its reason in the message. Merely large scenarios within them are planned and confirmed (`--yes` or a
 * budget) by the runner's preflight.
 */
export const Limits = {
  nameLength: 100,
  descriptionLength: 10_000,
  seed: 2 ** 32 - 1,
  repeats: 1000,
  rounds: 100,
  promptSize: 10_000,
  tasks: 50,
  methods: 100,
  models: 100,
  agents: 1000,
  testSize: 100_000,
  examples: 1000,
  maxTokens: 100_000,
  smuggle: 100,
  /** repeats × tasks × methods: every cohort is planned before the run starts. */
  cohorts: 10_000,
} as const

/** A positive integer up to `max`; `why` says what a larger value would break. */
const upTo = (max: number, why: string) =>
  Schema.Int.pipe(
    Schema.positive(),
    Schema.lessThanOrEqualTo(max, { message: () => `expected a positive integer up to ${max} (${why})` }),
  )

/** The message of a list's length limit. */
const atMost = (max: number, what: string) => ({ message: () => `expected at most ${max} ${what}` })

const Identifier = Schema.String.pipe(
  Schema.maxLength(Limits.nameLength, {
    message: () => `expected a name of at most ${Limits.nameLength} characters`,
  }),
  Schema.pattern(/^[A-Za-z0-9_-]+$/, {
    message: () => "expected a name of letters, digits, '-' or '_' only",
  }),
  // As a key, `__proto__` would set an object's prototype instead of naming an entry: the entry would vanish.
  Schema.filter((name) => name !== "__proto__", {
    message: () => "expected a name other than __proto__ (JavaScript reserves it)",
    // What a union with a name in it (a model reference) says it expected.
    description: "a name of letters, digits, '-' or '_'",
  }),
)
const TestSize = upTo(Limits.testSize, "each test item costs a model call per student and round")
const AgentCount = upTo(Limits.agents, "every agent is an actor with its own prompts, held in memory")
const ExampleCount = upTo(Limits.examples, "more examples fit no model's context")

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
  testSize: Schema.optionalWith(TestSize, { default: () => 100 }),
})
export type SpamTaskConfig = typeof SpamTaskConfig.Type

/** A task whose data is built in or read from the public file format named in the README. */
const datasetTask = <K extends string>(kind: K, file: string) =>
  Schema.Struct({
    kind: Schema.Literal(kind),
    dataset: Schema.optionalWith(
      DatasetSource.annotations({ description: `builtin, or { path } to ${file}` }),
      {
        default: () => "builtin" as const,
      },
    ),
    testSize: Schema.optionalWith(TestSize, { default: () => 100 }),
  })

/** Lambada-style cloze: `Fill in blank: ... ____ -> word`. */
export const ClozeTaskConfig = datasetTask("cloze", "LAMBADA plain text (one passage per line)")
/** GSM8K-style arithmetic: the answer after `####`. */
export const ArithmeticTaskConfig = datasetTask("arithmetic", "GSM8K jsonl")
/** BoolQ-style yes/no questions about a passage. */
export const YesNoTaskConfig = datasetTask("yesno", "BoolQ jsonl")
/** GPT-3's random insertion: recover a word with a symbol inserted after each character (generated). */
export const InsertionTaskConfig = Schema.Struct({
  kind: Schema.Literal("insertion"),
  testSize: Schema.optionalWith(TestSize, { default: () => 100 }),
})

const probePath = {
  path: Schema.String.annotations({
    description: "path to the probe file (BLEnD: its data directory), relative to the scenario file",
  }),
}

/**
 * A public cultural-probe file; its probes and their cultures replace the built-in probes. `geomlama`: a
 * `gd_prompt_<lang>.tsv` (`paraphrases: true` adds its `_aug.tsv`); `shen`: one of Shen et al.'s JSON files
 * with its `task`; `candle`: CANDLE's JSON lines; `blend`: BLEnD's `data` directory, every region in it.
 */
export const ProbeSource = Schema.Union(
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("geomlama"),
    language: Schema.optionalWith(Schema.Literal("en", "zh", "hi", "fa", "sw"), { exact: true }),
    paraphrases: Schema.optionalWith(Schema.Boolean, { exact: true }),
  }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("shen"),
    task: Schema.Literal("qa", "country-prediction", "verification"),
  }),
  Schema.Struct({ ...probePath, format: Schema.Literal("candle") }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("blend"),
    language: Schema.optionalWith(Schema.Literal("en", "local"), { exact: true }),
  }),
)
export type ProbeSource = typeof ProbeSource.Type

/**
 * Cultural commonsense: teacher i privately holds the fact sentences of `cultures[i mod n]`; students are
 * measured on the built-in probes of those cultures (`probeKinds` of them), or on every probe of a public
 * `probes` file, whose cultures come from the file (per culture and topic, see the probe_accuracy view).
 */
export const CulturalTaskConfig = Schema.Struct({
  kind: Schema.Literal("cultural"),
  cultures: Schema.NonEmptyArray(
    Schema.Literal("us", "china", "india", "iran", "kenya", "japan", "brazil", "germany"),
  ),
  probeKinds: Schema.optionalWith(
    Schema.NonEmptyArray(Schema.Literal("cloze", "multiple-choice", "true-false")),
    { default: () => ["cloze" as const] },
  ),
  probes: Schema.optionalWith(ProbeSource, { exact: true }),
})

export const TaskConfig = Schema.Union(
  SpamTaskConfig,
  CulturalTaskConfig,
  ClozeTaskConfig,
  ArithmeticTaskConfig,
  YesNoTaskConfig,
  InsertionTaskConfig,
)
export type TaskConfig = typeof TaskConfig.Type

/** A declared model's name, or a fallback chain [primary, backup, ...] tried in order when one fails. */
export const ModelRef = Schema.Union(Identifier, Schema.NonEmptyArray(Identifier))
export type ModelRef = typeof ModelRef.Type

export const TeachersConfig = Schema.Struct({
  count: AgentCount,
  model: ModelRef,
  /** Fraction of each teacher's partition held back (for the voting aggregator); 0 keeps everything. */
  holdout: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 0.9)), { default: () => 0 }),
  /**
   * Private examples each teacher keeps of its partition (the rest is not used); all by default. Small shares
   * make a canary a large part of what a teacher knows.
   */
  dataSize: Schema.optionalWith(PositiveInt, { exact: true }),
})

export const StudentsConfig = Schema.Struct({
  count: AgentCount,
  model: ModelRef,
})

export const FilterAction = Schema.Literal("drop", "flag")
export type FilterAction = typeof FilterAction.Type

const SecretAction = Schema.Literal("drop", "redact", "flag")

export const PrivacyConfig = Schema.Struct({
  /** What to do with a lesson carrying a known secret (a canary), whole, disguised or split across lessons. */
  secrets: Schema.optionalWith(SecretAction, { default: () => "drop" as const }),
  /** Personal data (emails, phone and card numbers, IBANs, IPs, national ids); `off` skips the detectors. */
  pii: Schema.optionalWith(Schema.Literal("drop", "redact", "flag", "off"), {
    default: () => "off" as const,
  }),
  /** What to do with a lesson that copies one of the teacher's private examples verbatim. */
  verbatim: Schema.optionalWith(FilterAction, { default: () => "drop" as const }),
})

/** Lesson strategies (social-learning.md §1): what a teacher sends, or the baselines. */
const Aggregator = Schema.Literal("random", "voting").annotations({
  description:
    "random: uniform over candidates (paper default); voting: each teacher votes with its held-out data",
})

const methodName = {
  /** How the method is reported; defaults to the strategy. */
  name: Schema.optional(Identifier),
  /** Overrides the scenario's privacy policy for this method's lessons. */
  privacy: Schema.optional(PrivacyConfig),
}

/** No lessons at all: the low bar. */
export const ZeroShotMethod = Schema.Struct({ ...methodName, strategy: Schema.Literal("zero-shot") })

/** n of a teacher's private examples, verbatim: the non-private high bar. */
export const OriginalExamplesMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("original-examples"),
  aggregator: Schema.optionalWith(Aggregator, { default: () => "random" as const }),
  /** The paper's baseline takes all n from one teacher; `all` asks every teacher for an equal share. */
  teachers: Schema.optionalWith(Schema.Literal("first", "all"), { default: () => "first" as const }),
})

/** Teachers write synthetic examples from their private ones (paper: "live model"). */
export const SyntheticExamplesMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("synthetic-examples"),
  /** Private examples a teacher shows its model as few-shot context (paper: n_gen). */
  nGen: Schema.optionalWith(ExampleCount, { default: () => 8 }),
  /** Sampling temperature (paper: tau). */
  temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), { default: () => 0.8 }),
  /** Samples drawn per request before ranking by perplexity. */
  samples: Schema.optionalWith(upTo(1000, "each sample is generated and scored"), { default: () => 8 }),
  /** Candidates a teacher returns per request, the most likely first (paper: k). */
  topK: Schema.optionalWith(upTo(1000, "at most samples"), { default: () => 2 }),
  aggregator: Schema.optionalWith(Aggregator, { default: () => "random" as const }),
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
  /** How many teachers (the first ones) are adversarial. */
  adversaries: Schema.optionalWith(AgentCount, { default: () => 1 }),
  smuggle: Schema.optionalWith(
    Schema.Array(SmuggleName).pipe(
      Schema.maxItems<Schema.Array$<typeof SmuggleName>>(
        Limits.smuggle,
        atMost(Limits.smuggle, "transforms (each is tried once per round)"),
      ),
    ),
    { default: () => [] },
  ),
  /** Pieces a split attempt cuts the secret into, one lesson each (0: no split attempt; at most topK). */
  split: Schema.optionalWith(NonNegativeInt, { default: () => 0 }),
})

/** One teacher writes an instruction from k private examples through a meta-prompt (paper Fig. 2). */
export const InstructionMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("instruction"),
  /** Private examples the teacher sees when writing its instruction. */
  examples: Schema.optionalWith(ExampleCount, { default: () => 8 }),
  temperature: Schema.optionalWith(Schema.Number.pipe(Schema.between(0, 2)), { default: () => 0.7 }),
  maxTokens: Schema.optionalWith(upTo(Limits.maxTokens, "no model writes more at once"), {
    default: () => 160,
  }),
})

/** A hand-written instruction per task kind, given in the scenario (paper Table 7). */
export const ManualInstructionMethod = Schema.Struct({
  ...methodName,
  strategy: Schema.Literal("manual-instruction"),
  text: Schema.Record({ key: Schema.String, value: Schema.String }).annotations({
    description: "instruction text per task kind, e.g. { spam: 'Reply spam if ...' }",
  }),
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

const Rounds = Schema.Array(upTo(Limits.promptSize, "a prompt of more lessons fits no model's context"))
const Tasks = Schema.NonEmptyArray(TaskConfig)
const Methods = Schema.NonEmptyArray(MethodConfig)

export const Scenario = Schema.Struct({
  name: Identifier,
  description: Schema.optional(
    Schema.String.pipe(
      Schema.maxLength(Limits.descriptionLength, {
        message: () => `expected a description of at most ${Limits.descriptionLength} characters`,
      }),
    ),
  ),
  /** Seeds are 32-bit: a larger one would silently repeat the run of a smaller one. */
  seed: Schema.optionalWith(
    NonNegativeInt.pipe(
      Schema.lessThanOrEqualTo(Limits.seed, {
        message: () => `expected a non-negative integer up to ${Limits.seed} (seeds are 32-bit)`,
      }),
    ),
    { default: () => 0 },
  ),
  repeats: Schema.optionalWith(upTo(Limits.repeats, "the paper uses 5"), { default: () => 1 }),
  /**
   * The student's prompt size after each round: round r brings it to rounds[r-1] lessons (round 0 measures
   * the student before any lesson). `[1, 2, 4, 8, 16]` gives the rows of the paper's Table 1.
   */
  rounds: Rounds.pipe(
    Schema.minItems<typeof Rounds>(1, {
      message: () =>
        "expected at least one round, e.g. [2, 4, 8] (round 0 alone only measures the students before any lesson)",
    }),
    Schema.maxItems<Schema.filter<typeof Rounds>>(Limits.rounds, atMost(Limits.rounds, "rounds")),
  ),
  models: Schema.Record({ key: Identifier, value: ModelConfig }).pipe(
    Schema.filter((models) => Object.keys(models).length <= Limits.models, {
      message: () => `expected at most ${Limits.models} models`,
    }),
  ),
  /** Every task is played with every method: the columns of the paper's tables. */
  tasks: Tasks.pipe(Schema.maxItems<typeof Tasks>(Limits.tasks, atMost(Limits.tasks, "tasks"))),
  teachers: TeachersConfig,
  students: StudentsConfig,
  /** Every method is played on every task: the rows (Table 2) or the O/G pairs (Table 1). */
  methods: Methods.pipe(Schema.maxItems<typeof Methods>(Limits.methods, atMost(Limits.methods, "methods"))),
  budget: Schema.optionalWith(BudgetConfig, { exact: true }),
  /** Model answers kept in a SQLite file (path relative to the scenario file); `mode: replay` makes no calls. */
  cache: Schema.optionalWith(ResponseCacheConfig, { exact: true }),
  privacy: Schema.optionalWith(PrivacyConfig, {
    default: () => ({ verbatim: "drop" as const, secrets: "drop" as const, pii: "off" as const }),
  }),
  /**
   * The Secret Sharer experiment (paper §5): each repeat draws a canary, inserts it into every teacher's private
   * data, and after the last round scores it against `candidates - 1` alternatives of the same template as a
   * continuation of every student's prompt; the ranks go to the leakage view. `kind: code | name` uses each
   * task's own template (spam: an SMS, cloze: Lambada-style, arithmetic: GSM8K-style; paper Table 14);
   * `template` names one for a scenario of one task kind.
   */
  canary: Schema.optionalWith(
    Schema.Struct({
      /** The paper's canary kinds: a 4-digit code or a first name, in each task's own template. */
      kind: Schema.optional(Schema.Literal("code", "name")),
      template: Schema.optional(
        Schema.Literal(
          "spam-code",
          "spam-name",
          "lambada-code",
          "lambada-name",
          "gsm8k-code",
          "gsm8k-name",
        ).annotations({
          description: "a built-in canary template, for scenarios whose tasks are all of its kind",
        }),
      ),
      candidates: Schema.optionalWith(Schema.Int.pipe(Schema.between(2, 10_000)), { default: () => 1000 }),
    }),
    { exact: true },
  ),
})
export type Scenario = typeof Scenario.Type
export type ScenarioInput = typeof Scenario.Encoded
