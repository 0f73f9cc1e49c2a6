import { dirname, resolve } from "node:path"
import { Metering, ModelRegistry, type RunBudget, type ScoreMode } from "@lyceum/models"
import type { LoadedScenario } from "@lyceum/scenario"
import { builtinCultureIds, priorCorpus } from "@lyceum/tasks"
import { Effect, Layer } from "effect"

/** What a run spent before this invocation (a resumed run): tokens and US dollars. */
export interface Spent {
  readonly tokens: number
  readonly costUsd: number
}

export const nothingSpent: Spent = { tokens: 0, costUsd: 0 }

/** What is left of a run's budget after what it `spent` before (a resumed run). */
export const budgetLeft = (budget: RunBudget | undefined, spent: Spent): RunBudget | undefined =>
  budget === undefined
    ? undefined
    : {
        ...(budget.maxTokens !== undefined && { maxTokens: Math.max(1, budget.maxTokens - spent.tokens) }),
        ...(budget.maxCostUsd !== undefined && {
          maxCostUsd: Math.max(1e-9, budget.maxCostUsd - spent.costUsd),
        }),
      }

/** Priors for sim models that know one culture: `corpus: culture:<id>` in a sim model's config. */
const culturalCorpora = Object.fromEntries(builtinCultureIds.map((id) => [`culture:${id}`, priorCorpus(id)]))

/**
 * The declared models with each probed `openai` model's score mode replaced by the one the run uses it with
 * (`probeRunEndpoints`), so every process of the run scores the same way without probing again.
 */
const withScores = (
  models: LoadedScenario["scenario"]["models"],
  scores: Readonly<Record<string, ScoreMode>>,
): LoadedScenario["scenario"]["models"] =>
  Object.fromEntries(
    Object.entries(models).map(([name, config]) => [
      name,
      config.provider === "openai" && scores[name] !== undefined
        ? { ...config, score: scores[name] }
        : config,
    ]),
  )

/** What the registry of `scenario`'s models is built from, as every process of a run builds it. */
const registryOptions = (
  loaded: LoadedScenario,
  scenario: LoadedScenario["scenario"],
  seed: number,
  scores: Readonly<Record<string, ScoreMode>>,
) => ({
  models: withScores(scenario.models, scores),
  seed,
  corpora: culturalCorpora,
  ...(scenario.cache && {
    cache: { ...scenario.cache, path: resolve(dirname(loaded.file), scenario.cache.path) },
  }),
})

/**
 * The models a scenario declares and the metering of their calls (with the scenario's budget, less what a
 * resumed run spent before), as every process of a run builds them: the same seed gives the same sim models
 * everywhere.
 */
export const runModelsLayer = (
  loaded: LoadedScenario,
  seed: number,
  spent: Spent = nothingSpent,
  scores: Readonly<Record<string, ScoreMode>> = {},
) => {
  const { scenario } = loaded
  const budget = budgetLeft(scenario.budget, spent)
  return ModelRegistry.layer(registryOptions(loaded, scenario, seed, scores)).pipe(
    Layer.provideMerge(Metering.layer(budget ? { budget } : {})),
  )
}

/**
 * The model registry each point of a sweep plays with: the run's own (`runModelsLayer`, in context) where the
 * point declares the same models, else one built from the point's models (a swept temperature) that meters
 * into the run's metering, so the budget and usage stay the run's. One per distinct set of models.
 */
export const pointRegistries = (
  loaded: LoadedScenario,
  points: ReadonlyArray<{ readonly scenario: LoadedScenario["scenario"] }>,
  seed: number,
  scores: Readonly<Record<string, ScoreMode>> = {},
) =>
  Effect.gen(function* () {
    const own = yield* ModelRegistry
    const built = new Map<string, ModelRegistry["Type"]>([[JSON.stringify(loaded.scenario.models), own]])
    return yield* Effect.forEach(points, ({ scenario }) =>
      Effect.gen(function* () {
        const key = JSON.stringify(scenario.models)
        const known = built.get(key)
        if (known !== undefined) return known
        const registry = yield* ModelRegistry.make(registryOptions(loaded, scenario, seed, scores))
        built.set(key, registry)
        return registry
      }),
    )
  })
