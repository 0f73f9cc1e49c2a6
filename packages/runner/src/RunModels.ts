import { dirname, resolve } from "node:path"
import { Metering, ModelRegistry, type RunBudget, type ScoreMode } from "@lyceum/models"
import type { LoadedScenario } from "@lyceum/scenario"
import { builtinCultureIds, priorCorpus } from "@lyceum/tasks"
import { Layer } from "effect"

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
  return ModelRegistry.layer({
    models: withScores(scenario.models, scores),
    seed,
    corpora: culturalCorpora,
    ...(scenario.cache && {
      cache: { ...scenario.cache, path: resolve(dirname(loaded.file), scenario.cache.path) },
    }),
  }).pipe(Layer.provideMerge(Metering.layer(budget ? { budget } : {})))
}
