import { Schema } from "effect"
import type { Capabilities } from "./LanguageModel.js"

// Each refinement carries its own message, so a validation error says what was expected rather than
// repeating the field's description.
const PositiveInt = Schema.Int.pipe(Schema.positive({ message: () => "expected a positive integer" }))
const NonNegativeInt = Schema.Int.pipe(
  Schema.nonNegative({ message: () => "expected an integer of 0 or more" }),
)
const NonNegativeNumber = Schema.Number.pipe(
  Schema.finite(),
  Schema.nonNegative({ message: () => "expected a number of 0 or more" }),
)

/** An optional field that, when present, holds a value: `undefined` is not a value a config can hold. */
const optional = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** An absolute http(s) URL, kept as a string so configs round-trip through YAML, JSON and SQLite unchanged. */
const HttpUrl = Schema.String.pipe(
  Schema.filter(
    (value) => {
      try {
        const url = new URL(value)
        return url.protocol === "http:" || url.protocol === "https:"
      } catch {
        return false
      }
    },
    {
      message: () => "expected an absolute http(s) URL such as https://api.openai.com/v1",
      jsonSchema: { format: "uri" },
    },
  ),
)

/** The environment variable name pattern POSIX shells accept. */
const EnvVarName = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: () =>
      "expected the NAME of an environment variable (such as OPENAI_API_KEY), not the key itself",
  }),
)

/** Prices in US dollars per million tokens, used to account the cost of every call. */
export const ModelPrices = Schema.Struct({
  promptPerMTok: NonNegativeNumber.annotations({ description: "US dollars per million prompt tokens." }),
  completionPerMTok: NonNegativeNumber.annotations({
    description: "US dollars per million completion tokens.",
  }),
}).annotations({ identifier: "ModelPrices", description: "Prices in US dollars per million tokens." })
export type ModelPrices = typeof ModelPrices.Type

/** The built-in, deterministic simulation model. */
export const SimModelConfig = Schema.Struct({
  provider: Schema.Literal("sim"),
  seed: optional(
    Schema.Int.annotations({
      description: "Seed of the model's sampling. Default: derived from the run seed and the model's name.",
    }),
  ),
  corpus: optional(
    Schema.NonEmptyTrimmedString.annotations({
      description:
        "A named background corpus (the model's prior) that the runner provides, e.g. culture:japan for a prior " +
        "that knows Japan's cultural facts. Default: the built-in general English corpus.",
    }),
  ),
  prices: optional(
    ModelPrices.annotations({
      description:
        "What this sim model would cost if it were a paid model, accounted exactly as an openai model's prices " +
        "are, to study cost trade-offs (cascades, routing) offline. Default: free.",
    }),
  ),
}).annotations({
  identifier: "SimModelConfig",
  title: "sim model",
  description: "The built-in statistical simulation model: offline, seeded and deterministic.",
})
export type SimModelConfig = typeof SimModelConfig.Type

/** A model that answers at once and costs nothing, for measuring the framework's own overhead. */
export const ZeroModelConfig = Schema.Struct({
  provider: Schema.Literal("zero"),
  answer: optional(
    Schema.String.annotations({
      description: 'What every generation returns, whatever the prompt. Default "" (the empty answer).',
    }),
  ),
}).annotations({
  identifier: "ZeroModelConfig",
  title: "zero model",
  description:
    "A zero-cost model for measuring framework overhead: generate returns the fixed answer at once, score " +
    "gives every token log-probability 0; tokens are counted as the sim model counts them, cost is 0, and " +
    "nothing is called (never cached: answering costs less than a cache lookup).",
})
export type ZeroModelConfig = typeof ZeroModelConfig.Type

/** How an `openai` model scores: teacher-forcing, generation log-probs and label scores (see the README). */
export const ScoreMode = Schema.Literal("auto", "completions", "chat", "none").annotations({
  identifier: "ScoreMode",
  description:
    'How the model scores. "completions" (default without a preset): teacher-forcing through the completions ' +
    "endpoint with echo and logprobs (scores any forced continuation; vLLM), plus chat log-probabilities of " +
    "generated tokens; labels are teacher-forced; an endpoint that does not echo fails the call with " +
    'ScoreUnsupported. "chat": no teacher-forcing (score fails with ScoreUnsupported): the log-probabilities ' +
    "of generated tokens (chat logprobs: true), for ranking samples by their own perplexity, and short labels " +
    "scored by the first token's chat top_logprobs (labels sharing a first token are refused); for Ollama, " +
    'llama.cpp and OpenAI\'s chat models. "auto": probe echo once when the model is created and score by ' +
    'teacher-forcing where it answers, else as "chat". "none": no log-probabilities of any kind.',
})
export type ScoreMode = typeof ScoreMode.Type

/**
 * What an `openai` model can do in score mode `mode`; `echoes` says whether its completions endpoint
 * teacher-forces (as declared, or as learnt from its answers). "completions": scores, and so teacher-forces
 * labels, only while echo works; "auto": teacher-forces where echo works and scores labels by chat
 * top_logprobs where it does not.
 */
export const scoreModeCapabilities = (mode: ScoreMode, echoes = true): Capabilities => {
  switch (mode) {
    case "none":
      return { score: false, generationLogprobs: false, labelScores: false }
    case "chat":
      return { score: false, generationLogprobs: true, labelScores: true }
    case "completions":
      return { score: echoes, generationLogprobs: true, labelScores: echoes }
    case "auto":
      return { score: echoes, generationLogprobs: true, labelScores: true }
  }
}

/**
 * Whether an `openai` model in `mode` scores labels its own way (`LanguageModel.scoreLabels`: chat
 * top_logprobs, or in "auto" whichever way works) rather than by the caller teacher-forcing each label.
 */
export const hasOwnLabelScores = (mode: ScoreMode): boolean => mode === "chat" || mode === "auto"

/** The OpenAI-compatible servers whose defaults a model can take with `preset:`. */
export const OpenAiPreset = Schema.Literal("vllm", "ollama", "llamacpp", "openai").annotations({
  identifier: "OpenAiPreset",
  description:
    "The server behind the endpoint; sets the defaults of baseURL and score for it (a field given explicitly " +
    'always wins). "vllm": http://localhost:8000/v1, score: completions (vLLM echoes prompt log-probabilities). ' +
    '"ollama": http://localhost:11434/v1, score: chat (Ollama has no echo; chat logprobs since 0.12.11). ' +
    '"llamacpp": http://localhost:8080/v1, score: chat (llama.cpp\'s server ignores echo and returns ' +
    "log-probabilities of generated tokens only, so echo scoring would measure noise: ggml-org/llama.cpp#27174). " +
    '"openai": $OPENAI_BASE_URL or https://api.openai.com/v1, key in $OPENAI_API_KEY, score: chat (chat models ' +
    "have no completions endpoint). Only a model without a preset or with preset openai reads OPENAI_BASE_URL and " +
    "OPENAI_API_KEY: the OpenAI key is never sent to a local server's preset.",
})
export type OpenAiPreset = typeof OpenAiPreset.Type

/** What each preset sets when the model does not say otherwise (see `OpenAiPreset`). */
export const OpenAiPresets: Readonly<
  Record<OpenAiPreset, { readonly baseURL: string; readonly score: ScoreMode; readonly openAiEnv: boolean }>
> = {
  vllm: { baseURL: "http://localhost:8000/v1", score: "completions", openAiEnv: false },
  ollama: { baseURL: "http://localhost:11434/v1", score: "chat", openAiEnv: false },
  llamacpp: { baseURL: "http://localhost:8080/v1", score: "chat", openAiEnv: false },
  openai: { baseURL: "https://api.openai.com/v1", score: "chat", openAiEnv: true },
}

/**
 * The defaults applied to the optional fields of an `openai` model (the registry and the client apply them; the
 * JSON Schema of scenario files shows them as the fields' defaults).
 */
export const OpenAiDefaults = {
  score: "completions",
  maxConcurrency: 4,
  timeoutMs: 60_000,
  maxRetries: 5,
} as const satisfies {
  readonly score: ScoreMode
  readonly maxConcurrency: number
  readonly timeoutMs: number
  readonly maxRetries: number
}

const openAiFields = {
  provider: Schema.Literal("openai"),
  preset: optional(OpenAiPreset),
  baseURL: HttpUrl.annotations({
    description:
      "Base URL of the OpenAI-compatible API, including the version path, e.g. http://localhost:8000/v1. " +
      "Default: the preset's; without a preset, the environment variable OPENAI_BASE_URL.",
  }),
  model: Schema.NonEmptyTrimmedString.annotations({
    description: "The model identifier the endpoint expects.",
  }),
  apiKeyEnv: optional(
    EnvVarName.annotations({
      description:
        "NAME of the environment variable that holds the API key. The key itself never appears in configs, " +
        "the database or logs. Default: OPENAI_API_KEY when that variable is set, for a model without a preset " +
        "(required with preset openai); no key for the local servers' presets.",
    }),
  ),
  score: optional(ScoreMode),
  maxConcurrency: optional(
    PositiveInt.annotations({
      description: "Most requests in flight at once to this endpoint, shared by all models on it. Default 4.",
      default: OpenAiDefaults.maxConcurrency,
    }),
  ),
  requestsPerMinute: optional(
    PositiveInt.annotations({ description: "Request rate limit for this endpoint. Default: unlimited." }),
  ),
  tokensPerMinute: optional(
    PositiveInt.annotations({
      description: "Token rate limit (prompt + completion) for this endpoint. Default: unlimited.",
    }),
  ),
  timeoutMs: optional(
    PositiveInt.annotations({
      description: "Time limit of one request attempt, in milliseconds. Default 60000.",
      default: OpenAiDefaults.timeoutMs,
    }),
  ),
  maxRetries: optional(
    NonNegativeInt.annotations({
      description:
        "Retries after a rate limit, timeout, 5xx or truncated response, with exponential backoff that " +
        "honours Retry-After. Default 5.",
      default: OpenAiDefaults.maxRetries,
    }),
  ),
  prices: optional(ModelPrices),
}

/**
 * An `openai` model as a scenario declares it: `baseURL` and `apiKeyEnv` may be left to the preset or to the
 * OPENAI_* environment variables, which the registry reads when it builds the model (`resolveOpenAiConfig`).
 */
export const DeclaredOpenAiModelConfig = Schema.Struct({
  ...openAiFields,
  baseURL: optional(openAiFields.baseURL),
}).annotations({
  identifier: "OpenAiModelConfig",
  title: "openai model",
  description: "A model served by an OpenAI-compatible HTTP endpoint.",
})
export type DeclaredOpenAiModelConfig = typeof DeclaredOpenAiModelConfig.Type

/** An `openai` model with its endpoint settled (explicit, preset or environment): what a client is made from. */
export const OpenAiModelConfig = Schema.Struct(openAiFields).annotations({
  identifier: "ResolvedOpenAiModelConfig",
  title: "openai model (resolved)",
  description: "An openai model with its base URL settled.",
})
export type OpenAiModelConfig = typeof OpenAiModelConfig.Type

/** A model as a scenario's `models:` block declares it, discriminated by `provider`. */
export const ModelConfig = Schema.Union(
  SimModelConfig,
  ZeroModelConfig,
  DeclaredOpenAiModelConfig,
).annotations({
  identifier: "ModelConfig",
  description:
    'A declared model: provider "sim" (built in), "zero" (built in, no work: framework overhead) or "openai" ' +
    "(any OpenAI-compatible endpoint).",
})
export type ModelConfig = typeof ModelConfig.Type

/** What a model's calls cost, per million tokens; undefined: nothing (a zero model never costs anything). */
export const modelPrices = (config: ModelConfig): ModelPrices | undefined =>
  config.provider === "zero" ? undefined : config.prices

/**
 * The score mode an `openai` model is declared with: its own `score`, else its preset's, else the default.
 * Untyped on purpose, so the scenario's cross-checks can ask it of the raw document before the Schema.
 */
export const declaredScore = (score: unknown, preset: unknown): unknown =>
  score ??
  (typeof preset === "string" && Object.hasOwn(OpenAiPresets, preset)
    ? OpenAiPresets[preset as OpenAiPreset].score
    : OpenAiDefaults.score)

/** How the response cache is used. */
export const CacheMode = Schema.Literal("read-write", "replay", "off").annotations({
  identifier: "CacheMode",
  description:
    '"read-write" (default): answer from the cache when it can, call the model and store the answer when it ' +
    'cannot. "replay": answer only from the cache and never call a model; a request the cache cannot answer ' +
    'fails with ReplayMiss. "off": no cache.',
})
export type CacheMode = typeof CacheMode.Type

/** The SQLite response cache of a run's models. */
export const ResponseCacheConfig = Schema.Struct({
  path: Schema.NonEmptyTrimmedString.annotations({
    description: "The SQLite file of the cache; created when missing (except in replay mode).",
  }),
  mode: optional(CacheMode),
}).annotations({
  identifier: "ResponseCacheConfig",
  description:
    "A SQLite file of model answers keyed by provider, model, endpoint, every generation parameter, the " +
    "prompt's hash, the seed and the repeat index; errors are never stored.",
})
export type ResponseCacheConfig = typeof ResponseCacheConfig.Type
