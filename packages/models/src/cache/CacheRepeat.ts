import { Effect, FiberRef } from "effect"
import { dual } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import type { LabelScoreRequest, LanguageModel } from "../LanguageModel.js"

/**
 * The repeat of the scenario the current fiber works for. It is part of every cache key, so the repeats of a
 * scenario, which ask the same questions on purpose, are never answered from one another's entries.
 * Outside `withRepeat` it is 0.
 */
export const currentRepeat = globalValue(Symbol.for("@lyceum/models/cache/currentRepeat"), () =>
  FiberRef.unsafeMake(0),
)

/**
 * Runs `self` (and the fibers it forks) as work of scenario repeat `repeat`, so its cached model calls are
 * keyed under it.
 */
export const withRepeat: {
  (repeat: number): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, repeat: number): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, repeat: number): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentRepeat, repeat),
)

/**
 * `model` bound to scenario repeat `repeat`: every call through it is keyed under that repeat, whichever fiber
 * makes it. Use this where the caller of the model is an actor whose fibers were not forked under `withRepeat`.
 */
export const atRepeat = (model: LanguageModel, repeat: number): LanguageModel => ({
  name: model.name,
  capabilities: model.capabilities,
  generate: (request) => withRepeat(model.generate(request), repeat),
  score: (request) => withRepeat(model.score(request), repeat),
  ...(model.scoreLabels !== undefined && {
    scoreLabels: (request: LabelScoreRequest) => withRepeat(model.scoreLabels!(request), repeat),
  }),
})
