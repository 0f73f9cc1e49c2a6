import { Effect } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { scoreLabels } from "./Labels.js"
import type { LanguageModel } from "./LanguageModel.js"
import type { ModelError } from "./ModelError.js"

/**
 * Failures after which the next model of a chain is asked: the model is unreachable, overloaded, too slow
 * or talking nonsense, or (replaying) the cache holds no answer from it, which is what a run that fell back
 * leaves behind. Not: a bad key, a too-long prompt, a spent budget or a missing capability, which another
 * model would not cure or must not paper over.
 */
export const fallsBack = (error: ModelError): boolean => {
  switch (error._tag) {
    case "Unavailable":
    case "Timeout":
    case "RateLimited":
    case "BadResponse":
    case "ReplayMiss":
      return true
    default:
      return false
  }
}

/** One switch of a chain: the call to `from` failed with `error` (after its retries) and goes to `to`. */
export interface FallbackSwitch {
  readonly from: string
  readonly to: string
  readonly error: ModelError
}

/**
 * The models as one: each call goes to the first; when it fails after its own retries with an error for which
 * `fallsBack` holds, the next one is asked, and so on; the last one's error is the call's. `onSwitch` runs at
 * every switch (to count it). Score calls skip models that declare no score capability, label scores those
 * that declare no label scores (each member scores labels its own way: see `scoreLabels`). The chain has the
 * first model's name and capabilities; every call starts again from the first model.
 */
export const fallbackChain = (
  models: NonEmptyReadonlyArray<LanguageModel>,
  onSwitch: (fallback: FallbackSwitch) => Effect.Effect<void>,
): LanguageModel => {
  const primary = models[0]
  if (models.length === 1) return primary

  const from = <A>(
    index: number,
    call: (model: LanguageModel) => Effect.Effect<A, ModelError>,
    eligible: (model: LanguageModel) => boolean,
  ): Effect.Effect<A, ModelError> => {
    const model = models[index]!
    return Effect.catchIf(call(model), fallsBack, (error) => {
      const next = models.findIndex((candidate, i) => i > index && eligible(candidate))
      if (next < 0) return Effect.fail(error)
      return Effect.zipRight(
        onSwitch({ from: model.name, to: models[next]!.name, error }),
        from(next, call, eligible),
      )
    })
  }

  return {
    name: primary.name,
    capabilities: primary.capabilities,
    generate: (request) =>
      from(
        0,
        (model) => model.generate(request),
        () => true,
      ),
    score: (request) =>
      from(
        0,
        (model) => model.score(request),
        (model) => model.capabilities.score,
      ),
    scoreLabels: (request) =>
      from(
        0,
        (model) => scoreLabels(model, request),
        (model) => model.capabilities.labelScores,
      ),
  }
}
