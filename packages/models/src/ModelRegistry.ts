import { deriveSeed } from "@lyceum/core"
import { Context, Data, Effect, Layer, type Scope } from "effect"
import type { LanguageModel } from "./LanguageModel.js"
import { Metering } from "./Metering.js"
import type { ModelConfig } from "./ModelConfig.js"
import { type MissingApiKey, makeOpenAiModel, type OpenAiModelOptions } from "./openai/OpenAiModel.js"
import { makeSimModel } from "./sim/SimModel.js"

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
}

export interface ModelRegistryService {
  /** The declared model names, sorted. */
  readonly names: ReadonlyArray<string>
  readonly config: (name: string) => Effect.Effect<ModelConfig, UnknownModel>
  /** The model itself, unmetered: calls through it are neither counted nor held to the run budget. */
  readonly get: (name: string) => Effect.Effect<LanguageModel, UnknownModel>
  /** The model as `agent` uses it: counted under (model, agent), priced, and held to the run budget. */
  readonly forAgent: (name: string, agent: string) => Effect.Effect<LanguageModel, UnknownModel>
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
  ): Effect.Effect<ModelRegistryService, MissingApiKey, Scope.Scope | Metering> =>
    Effect.gen(function* () {
      const metering = yield* Metering
      const env = options.env ?? process.env
      const names = Object.keys(options.models).sort()
      const built = new Map<string, { readonly config: ModelConfig; readonly model: LanguageModel }>()
      for (const name of names) {
        const config = options.models[name]!
        const model =
          config.provider === "sim"
            ? makeSimModel({ name, seed: config.seed ?? deriveSeed(options.seed, "model", name) })
            : yield* makeOpenAiModel(name, config, env, options.openAi)
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
      return {
        names,
        config: (name) => Effect.map(lookup(name), (entry) => entry.config),
        get: (name) => Effect.map(lookup(name), (entry) => entry.model),
        forAgent: (name, agent) =>
          Effect.map(lookup(name), ({ config, model }) =>
            metering.metered(model, agent, config.provider === "openai" ? config.prices : undefined),
          ),
      }
    })

  /** The registry as a layer; it needs `Metering` (see `Metering.layer`). */
  static readonly layer = (
    options: ModelRegistryOptions,
  ): Layer.Layer<ModelRegistry, MissingApiKey, Metering> =>
    Layer.scoped(ModelRegistry, ModelRegistry.make(options))
}
