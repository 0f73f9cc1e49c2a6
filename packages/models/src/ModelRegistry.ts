import { deriveSeed } from "@lyceum/core"
import { Context, Data, Effect, Layer, type Scope } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { cached } from "./cache/CachedModel.js"
import { atRepeat } from "./cache/CacheRepeat.js"
import { ResponseCache, type ResponseCacheService } from "./cache/ResponseCache.js"
import type { ResponseCacheError } from "./cache/ResponseCacheError.js"
import { fallbackChain } from "./Fallback.js"
import type { LanguageModel } from "./LanguageModel.js"
import { Metering } from "./Metering.js"
import {
  type DeclaredOpenAiModelConfig,
  hasOwnLabelScores,
  type ModelConfig,
  modelPrices,
  OpenAiDefaults,
  type OpenAiModelConfig,
  OpenAiPresets,
  type ResponseCacheConfig,
  scoreModeCapabilities,
} from "./ModelConfig.js"
import { type MissingApiKey, makeOpenAiModel, type OpenAiModelOptions } from "./openai/OpenAiModel.js"
import { makeSimModel } from "./sim/SimModel.js"
import { makeZeroModel } from "./zero/ZeroModel.js"

/** A model name the scenario did not declare; the message lists the declared ones. */
export class UnknownModel extends Data.TaggedError("UnknownModel")<{
  readonly name: string
  readonly known: ReadonlyArray<string>
  readonly message: string
}> {}

export interface ModelRegistryOptions {
  /** The scenario's `models:` block: declared name → config. */
  readonly models: Readonly<Record<string, ModelConfig>>
  /** The run seed; a sim model without its own seed gets one derived from this and its name. */
  readonly seed: number
  /** Where API keys are looked up by the variable names in the configs. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly openAi?: OpenAiModelOptions
  /**
   * The response cache every model (sim included) answers through; none when omitted. In "replay" mode no
   * model is ever called, so `openai` models need neither their API key nor their endpoint.
   */
  readonly cache?: ResponseCacheConfig
  /** Named background corpora a sim model may select with `corpus:` (provided by the runner). */
  readonly corpora?: Readonly<Record<string, string>>
}

/** A sim model asked for a background corpus nobody provided; the message lists the ones there are. */
export class UnknownCorpus extends Data.TaggedError("UnknownCorpus")<{
  readonly model: string
  readonly corpus: string
  readonly message: string
}> {}

/** An `openai` model whose base URL neither its config, its preset nor OPENAI_BASE_URL gives. */
export class MissingBaseURL extends Data.TaggedError("MissingBaseURL")<{
  readonly model: string
  readonly message: string
}> {}

/**
 * The `openai` model `name` with its defaults settled: explicit fields first, then its preset's, then (without
 * a preset, or with preset openai) the OPENAI_BASE_URL and OPENAI_API_KEY conventions of OpenAI's own clients,
 * read from `env`. Only the variable's NAME goes into the result, never the key. The score mode is made
 * explicit, so a preset's `score: none` reaches the model and the replay stand-in alike.
 */
export const resolveOpenAiConfig = (
  name: string,
  config: DeclaredOpenAiModelConfig,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<OpenAiModelConfig, MissingBaseURL> => {
  const preset = config.preset === undefined ? undefined : OpenAiPresets[config.preset]
  const openAiEnv = preset === undefined || preset.openAiEnv
  const envBaseURL = openAiEnv && config.baseURL === undefined ? nonEmpty(env.OPENAI_BASE_URL) : undefined
  if (envBaseURL !== undefined && !isHttpUrl(envBaseURL))
    return Effect.fail(
      new MissingBaseURL({
        model: name,
        message:
          `Model "${name}" takes its baseURL from the environment variable OPENAI_BASE_URL, which holds ` +
          `"${envBaseURL}", not an absolute http(s) URL: set it to one such as http://localhost:8000/v1, or ` +
          "set baseURL in the model's models: entry.",
      }),
    )
  const baseURL = config.baseURL ?? envBaseURL ?? preset?.baseURL
  if (baseURL === undefined)
    return Effect.fail(
      new MissingBaseURL({
        model: name,
        message:
          `Model "${name}" (provider openai) has no baseURL: set baseURL in its models: entry (e.g. ` +
          "http://localhost:8000/v1), give it a preset (vllm, ollama, llamacpp or openai), or set the " +
          "environment variable OPENAI_BASE_URL.",
      }),
    )
  // With preset openai the key is required (MissingApiKey names the variable when it is unset); without a
  // preset it is sent only when set, as the endpoint may need none.
  const apiKeyEnv =
    config.apiKeyEnv ??
    (config.preset === "openai" || (openAiEnv && nonEmpty(env.OPENAI_API_KEY) !== undefined)
      ? "OPENAI_API_KEY"
      : undefined)
  const score = config.score ?? preset?.score ?? OpenAiDefaults.score
  return Effect.succeed({
    ...config,
    baseURL,
    score,
    ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }),
  })
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** How an agent's model is handed out. */
export interface ForAgentOptions {
  /** The scenario repeat the agent works in; part of every cache key (see `atRepeat`). */
  readonly repeat?: number
}

export interface ModelRegistryService {
  /** The declared model names, sorted. */
  readonly names: ReadonlyArray<string>
  readonly config: (name: string) => Effect.Effect<ModelConfig, UnknownModel>
  /** The model itself (through the cache, when there is one), unmetered: not counted, not held to the budget. */
  readonly get: (name: string) => Effect.Effect<LanguageModel, UnknownModel>
  /**
   * The model as `agent` uses it: counted under (model, agent), priced, and held to the run budget. Given a
   * list of names — a fallback chain [primary, backup, ...] — a call the primary fails after its retries with
   * an unavailable, timed-out, rate-limited or garbled answer goes to the next model, and the switch is
   * recorded in metering.
   */
  readonly forAgent: (
    name: string | NonEmptyReadonlyArray<string>,
    agent: string,
    options?: ForAgentOptions,
  ) => Effect.Effect<LanguageModel, UnknownModel>
}

/** The base URL as the cache keys it: trailing slashes do not make another endpoint. */
const endpointOf = (baseURL: string) => baseURL.replace(/\/+$/, "")

/**
 * What an `openai` model is in replay mode: nothing is ever sent, so no client, key or limiter is made. Its
 * capabilities are those of its score mode as declared ("auto" cannot probe, so it counts as scoring), and it
 * has `scoreLabels` exactly where the live model has it, so label scores replay from the same cache entries.
 */
const replayOnly = (name: string, config: OpenAiModelConfig): LanguageModel => {
  const mode = config.score ?? OpenAiDefaults.score
  const called = () => Effect.dieMessage(`Model "${name}" was called in replay mode`)
  return {
    name,
    capabilities: scoreModeCapabilities(mode),
    generate: called,
    score: called,
    ...(hasOwnLabelScores(mode) && { scoreLabels: called }),
  }
}

/**
 * The models a run declared, built once when the registry is (so a missing API key fails the run before it
 * starts) and released with its scope.
 */
export class ModelRegistry extends Context.Tag("@lyceum/models/ModelRegistry")<
  ModelRegistry,
  ModelRegistryService
>() {
  static readonly make = (
    options: ModelRegistryOptions,
  ): Effect.Effect<
    ModelRegistryService,
    MissingApiKey | MissingBaseURL | UnknownCorpus | ResponseCacheError,
    Scope.Scope | Metering
  > =>
    Effect.gen(function* () {
      const metering = yield* Metering
      const env = options.env ?? process.env
      const cacheMode = options.cache?.mode ?? "read-write"
      const cache: ResponseCacheService | undefined =
        options.cache === undefined || cacheMode === "off"
          ? undefined
          : yield* ResponseCache.make({ path: options.cache.path, mustExist: cacheMode === "replay" })
      const replay = cache !== undefined && cacheMode === "replay"

      const names = Object.keys(options.models).sort()
      const built = new Map<string, { readonly config: ModelConfig; readonly model: LanguageModel }>()
      for (const name of names) {
        const config = options.models[name]!
        let model: LanguageModel
        if (config.provider === "sim") {
          const seed = config.seed ?? deriveSeed(options.seed, "model", name)
          const corpus = config.corpus === undefined ? undefined : options.corpora?.[config.corpus]
          if (config.corpus !== undefined && corpus === undefined) {
            const known = Object.keys(options.corpora ?? {}).sort()
            return yield* new UnknownCorpus({
              model: name,
              corpus: config.corpus,
              message: `Model "${name}" asks for the corpus "${config.corpus}"; the corpora there are: ${known.join(", ") || "none"}.`,
            })
          }
          model = makeSimModel(corpus === undefined ? { name, seed } : { name, seed, corpus })
          if (cache !== undefined) {
            const identity = `seed=${seed}${config.corpus === undefined ? "" : ` corpus=${config.corpus}`}`
            model = cached(model, cache, { provider: "sim", model: identity, mode: cacheMode })
          }
        } else if (config.provider === "zero") {
          // Not cached: it answers faster than a cache lookup, and its answers are known without one.
          model = makeZeroModel(config.answer === undefined ? { name } : { name, answer: config.answer })
        } else {
          const resolved = yield* resolveOpenAiConfig(name, config, env)
          model = replay
            ? replayOnly(name, resolved)
            : yield* makeOpenAiModel(name, resolved, env, options.openAi)
          if (cache !== undefined) {
            model = cached(model, cache, {
              provider: "openai",
              model: resolved.model,
              endpoint: endpointOf(resolved.baseURL),
              mode: cacheMode,
            })
          }
        }
        built.set(name, { config, model })
      }

      const lookup = (name: string) => {
        const entry = built.get(name)
        return entry === undefined
          ? Effect.fail(
              new UnknownModel({
                name,
                known: names,
                message:
                  names.length === 0
                    ? `Unknown model "${name}": the scenario declares no models.`
                    : `Unknown model "${name}"; the scenario declares: ${names.join(", ")}.`,
              }),
            )
          : Effect.succeed(entry)
      }

      const meteredFor = (name: string, agent: string) =>
        Effect.map(lookup(name), ({ config, model }) =>
          metering.metered(model, agent, modelPrices(config), config.provider),
        )

      const forAgent: ModelRegistryService["forAgent"] = (name, agent, agentOptions = {}) =>
        Effect.gen(function* () {
          const chain: ReadonlyArray<string> = typeof name === "string" ? [name] : name
          const [first, ...rest] = yield* Effect.forEach(chain, (member) => meteredFor(member, agent))
          if (first === undefined) {
            return yield* new UnknownModel({
              name: "",
              known: names,
              message: `Agent "${agent}" was given an empty list of models; name at least one of: ${names.join(", ")}.`,
            })
          }
          const model = fallbackChain([first, ...rest], ({ from, to, error }) =>
            Effect.zipRight(
              metering.recordFallback({ agent, from, to }),
              Effect.logDebug(`${agent}: model "${from}" failed (${error._tag}); "${to}" answers instead`),
            ),
          )
          return agentOptions.repeat === undefined ? model : atRepeat(model, agentOptions.repeat)
        })

      return {
        names,
        config: (name) => Effect.map(lookup(name), (entry) => entry.config),
        get: (name) => Effect.map(lookup(name), (entry) => entry.model),
        forAgent,
      }
    })

  /** The registry as a layer; it needs `Metering` (see `Metering.layer`). */
  static readonly layer = (
    options: ModelRegistryOptions,
  ): Layer.Layer<
    ModelRegistry,
    MissingApiKey | MissingBaseURL | UnknownCorpus | ResponseCacheError,
    Metering
  > => Layer.scoped(ModelRegistry, ModelRegistry.make(options))
}
