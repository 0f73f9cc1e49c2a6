import { PolicyAction } from "@lyceum/core"
import { ModelConfig, ResponseCacheConfig } from "@lyceum/models"
import { TaskConfig, TaskLimits } from "@lyceum/tasks"
import { Schema } from "effect"

const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/**
 * Hard limits: values beyond them cannot be meant or cannot fit in one process (agents are actors in memory,
 * arrays of that length cannot be allocated), so the scenario is refused before anything runs, with the limit
 * and its reason in the message. Merely large scenarios within them are planned and confirmed (`--yes` or a
 * budget) by the runner's preflight. Kinds' fields use them too (rounds, methods, agents, ...).
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
  /** A task's test split; the task configs (`@lyceum/tasks`) check it. */
  testSize: TaskLimits.testSize,
  examples: 1000,
  maxTokens: 100_000,
  smuggle: 100,
  /** repeats × tasks × variants (methods): every cohort is planned before the run starts. */
  cohorts: 10_000,
} as const

/** A positive integer up to `max`; `why` says what a larger value would break. */
export const upTo = (max: number, why: string) =>
  Schema.Int.pipe(
    Schema.positive(),
    Schema.lessThanOrEqualTo(max, { message: () => `expected a positive integer up to ${max} (${why})` }),
  )

/** The message of a list's length limit. */
export const atMost = (max: number, what: string) => ({ message: () => `expected at most ${max} ${what}` })

/** A name of a scenario, model, method or agent: usable as a key, in file names and in tables. */
export const Identifier = Schema.String.pipe(
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

/** A number of agents of one role. */
export const AgentCount = upTo(Limits.agents, "every agent is an actor with its own prompts, held in memory")
/** In-context examples one prompt shows. */
export const ExampleCount = upTo(Limits.examples, "more examples fit no model's context")

/** A declared model's name, or a fallback chain [primary, backup, ...] tried in order when one fails. */
export const ModelRef = Schema.Union(Identifier, Schema.NonEmptyArray(Identifier))
export type ModelRef = typeof ModelRef.Type

/** What the verbatim filter may do with a copied private example (redacting a whole example leaves nothing). */
export const VerbatimAction = PolicyAction.pipe(Schema.pickLiteral("drop", "flag"))
export type VerbatimAction = typeof VerbatimAction.Type

const SecretAction = PolicyAction.pipe(Schema.pickLiteral("drop", "redact", "flag"))

export const PrivacyConfig = Schema.Struct({
  secrets: Schema.optionalWith(SecretAction, { default: () => "drop" as const }).annotations({
    description:
      "What to do with a lesson carrying a known secret (a canary), whole, disguised or split across lessons.",
  }),
  pii: Schema.optionalWith(Schema.Literal("drop", "redact", "flag", "off"), {
    default: () => "off" as const,
  }).annotations({
    description:
      "What to do with personal data (emails, phone and card numbers, IBANs, IPs, national ids); off skips the detectors.",
  }),
  verbatim: Schema.optionalWith(VerbatimAction, { default: () => "drop" as const }).annotations({
    description: "What to do with a lesson that copies one of the teacher's private examples verbatim.",
  }),
}).annotations({
  description: "The privacy filter's policy: what it does with each kind of finding in an outgoing lesson.",
})
export type PrivacyConfig = typeof PrivacyConfig.Type

/**
 * The scenario's privacy section: the filter policy (a method may replace it with its own) and what the run
 * keeps of the text the filter withheld, which is the run's choice, not a method's.
 */
export const ScenarioPrivacyConfig = Schema.Struct({
  ...PrivacyConfig.fields,
  keepDroppedText: Schema.optionalWith(Schema.Boolean, { default: () => false }).annotations({
    description:
      "Keep every candidate's text as its agent wrote it in the audit record (what crosses to the coordinator, " +
      "over NATS too, and into SQLite), dropped and redacted ones included, for analysing the filter. Default: " +
      'only what the filter let out; a dropped candidate\'s text is "" and its findings (detector, spans, keyed ' +
      "hash) say what was withheld.",
  }),
}).annotations({
  description:
    "The privacy filter's policy (a method may replace it with its own) and what the run keeps of the text the " +
    "filter withheld.",
})
export type ScenarioPrivacyConfig = typeof ScenarioPrivacyConfig.Type

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
}).annotations({
  description:
    "Limits on the whole run; when one is reached the run stops cleanly with everything finished so far saved.",
})

const Tasks = Schema.NonEmptyArray(TaskConfig)

/**
 * The fields every scenario has, whatever its kind; a kind adds its own (`KindSchema.fields`). A scenario
 * without `kind:` is of the first kind the loader is given.
 */
export const baseFields = {
  name: Schema.propertySignature(Identifier).annotations({
    description: "The scenario's name: runs, tables and reports are labelled with it.",
  }),
  description: Schema.optional(
    Schema.String.pipe(
      Schema.maxLength(Limits.descriptionLength, {
        message: () => `expected a description of at most ${Limits.descriptionLength} characters`,
      }),
    ),
  ).annotations({ description: "What the scenario is for, in prose (stored with the run)." }),
  seed: Schema.optionalWith(
    NonNegativeInt.pipe(
      Schema.lessThanOrEqualTo(Limits.seed, {
        message: () => `expected a non-negative integer up to ${Limits.seed} (seeds are 32-bit)`,
      }),
    ),
    { default: () => 0 },
  ).annotations({
    description:
      "The run's seed. Seeds are 32-bit: a larger one would silently repeat the run of a smaller one.",
  }),
  repeats: Schema.optionalWith(upTo(Limits.repeats, "the paper uses 5"), { default: () => 1 }).annotations({
    description:
      "How many times every task and variant is played (repeats × tasks × variants cohorts; the paper uses 5).",
  }),
  models: Schema.propertySignature(
    Schema.Record({ key: Identifier, value: ModelConfig }).pipe(
      Schema.filter((models) => Object.keys(models).length <= Limits.models, {
        message: () => `expected at most ${Limits.models} models`,
        jsonSchema: { maxProperties: Limits.models },
      }),
    ),
  ).annotations({
    description:
      "The models the agents use, by name: agents refer to them (model: name, or a fallback chain).",
  }),
  tasks: Schema.propertySignature(
    Tasks.pipe(Schema.maxItems<typeof Tasks>(Limits.tasks, atMost(Limits.tasks, "tasks"))),
  ).annotations({
    description: "Every task is played with every variant of the kind (social learning: every method).",
  }),
  budget: Schema.optionalWith(BudgetConfig, { exact: true }),
  cache: Schema.optionalWith(ResponseCacheConfig, { exact: true }).annotations({
    description:
      "Model answers kept in a SQLite file (path relative to the scenario file); mode: replay makes no calls.",
  }),
  privacy: Schema.optionalWith(ScenarioPrivacyConfig, {
    default: () => ({
      verbatim: "drop" as const,
      secrets: "drop" as const,
      pii: "off" as const,
      keepDroppedText: false,
    }),
  }),
}

/** A scenario as every kind has it: the base fields and the kind's name. A kind casts it to its own type. */
export const ScenarioBase = Schema.Struct({ ...baseFields, kind: Schema.String })
export type ScenarioBase = typeof ScenarioBase.Type
