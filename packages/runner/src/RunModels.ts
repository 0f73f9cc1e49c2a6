import { dirname, resolve } from "node:path"
import { Metering, ModelRegistry, type RunBudget } from "@lyceum/models"
import type { LoadedScenario } from "@lyceum/scenario"
import { builtinCultureIds, priorCorpus } from "@lyceum/tasks"
import { Layer } from "effect"

/**
 * What is left of a run's budget after `spentTokens` (a resumed run spent part of it before). Cost is not
 * stored per call, so a resumed run's cost budget starts again from zero.
 */
export const budgetLeft = (budget: RunBudget | undefined, spentTokens: number): RunBudget | undefined =>
  budget?.maxTokens === undefined
    ? budget
    : { ...budget, maxTokens: Math.max(1, budget.maxTokens - spentTokens) }

/** Priors for sim students that know one culture: `corpus: culture:<id>` in a sim model's config. */
const culturalCorpora = Object.fromEntries(builtinCultureIds.map((id) => [`culture:${id}`, priorCorpus(id)]))

/**
 * The models a scenario declares and the metering of their calls (with the scenario's budget, less the tokens
 * a resumed run spent before), as every process of a run builds them: the same seed gives the same sim models
 * everywhere.
 */
export const runModelsLayer = (loaded: LoadedScenario, seed: number, spentTokens = 0) => {
  const { scenario } = loaded
  const budget = budgetLeft(scenario.budget, spentTokens)
  return ModelRegistry.layer({
    models: scenario.models,
    seed,
    corpora: culturalCorpora,
    ...(scenario.cache && {
      cache: { ...scenario.cache, path: resolve(dirname(loaded.file), scenario.cache.path) },
    }),
  }).pipe(Layer.provideMerge(Metering.layer(budget ? { budget } : {})))
}
