import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Schema } from "effect"
import { scoreLabels } from "../src/Labels.js"
import { Metering } from "../src/Metering.js"
import { ModelConfig, modelPrices } from "../src/ModelConfig.js"
import { ModelRegistry } from "../src/ModelRegistry.js"
import { tokenize } from "../src/sim/Tokenizer.js"
import { makeZeroModel } from "../src/zero/ZeroModel.js"
import { makeTempDir } from "./support/TempDir.js"

const prompt = "Messages offering prizes are spam.\n\nWin a free phone now! Class:"

describe("the zero model", () => {
  it.effect("generates its fixed answer for every sample, counting tokens as sim does", () =>
    Effect.gen(function* () {
      const model = makeZeroModel({ name: "z", answer: "spam, surely" })
      expect(model.capabilities).toEqual({ score: true, generationLogprobs: true, labelScores: true })
      const response = yield* model.generate({ prompt, n: 3, maxTokens: 1, stop: [","], logprobs: true })
      expect(response.texts).toEqual(["spam, surely", "spam, surely", "spam, surely"])
      // "spam", ",", "surely": three tokens per sample.
      expect(response.usage).toEqual({ promptTokens: tokenize(prompt).length, completionTokens: 9 })
      expect(response.logprobs).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ])
      expect(tokenize(prompt).length).toBe(16)
    }),
  )

  it.effect('answers "" by default, from chat messages as from a prompt', () =>
    Effect.gen(function* () {
      const model = makeZeroModel({ name: "z" })
      const response = yield* model.generate({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: prompt },
        ],
      })
      expect(response).toEqual({
        texts: [""],
        usage: { promptTokens: tokenize(`Be brief.\n\n${prompt}`).length, completionTokens: 0 },
      })
    }),
  )

  it.effect("scores every continuation token 0, so every label ties", () =>
    Effect.gen(function* () {
      const model = makeZeroModel({ name: "z" })
      const scored = yield* model.score({ prompt, continuation: " spam and more" })
      expect(scored).toEqual({
        tokens: ["spam", "and", "more"],
        logprobs: [0, 0, 0],
        usage: { promptTokens: 16 + 3, completionTokens: 0 },
      })
      const labels = yield* scoreLabels(model, { prompt, labels: [" spam", " ham"] })
      expect(labels.logprobs).toEqual([0, 0])
    }),
  )
})

describe("provider: zero", () => {
  it("is a ModelConfig with an optional answer, and nothing else", () => {
    const decode = Schema.decodeUnknownEither(ModelConfig)
    expect(decode({ provider: "zero" })).toEqual(Either.right({ provider: "zero" }))
    expect(decode({ provider: "zero", answer: "spam" })).toEqual(
      Either.right({ provider: "zero", answer: "spam" }),
    )
    expect(Either.isLeft(decode({ provider: "zero", answer: 3 }))).toBe(true)
    expect(modelPrices({ provider: "zero" })).toBeUndefined()
    expect(modelPrices({ provider: "sim", prices: { promptPerMTok: 1, completionPerMTok: 2 } })).toEqual({
      promptPerMTok: 1,
      completionPerMTok: 2,
    })
  })

  it.scoped(
    "is built by the registry, metered at no cost, and answers without a cache even in replay mode",
    () =>
      Effect.gen(function* () {
        const dir = yield* makeTempDir("zero")
        const context = yield* Layer.build(
          ModelRegistry.layer({
            models: { z: { provider: "zero", answer: "ham" }, s: { provider: "sim" } },
            seed: 1,
            cache: { path: join(dir, "responses.db"), mode: "read-write" },
          }).pipe(Layer.provideMerge(Metering.layer())),
        )
        const registry = Context.get(context, ModelRegistry)
        expect(yield* registry.config("z")).toEqual({ provider: "zero", answer: "ham" })
        const model = yield* registry.forAgent("z", "agent-7")
        expect((yield* model.generate({ prompt })).texts).toEqual(["ham"])
        yield* model.score({ prompt, continuation: " ham" })
        const snapshot = yield* Context.get(context, Metering).snapshot
        expect(
          snapshot.rows.map((r) => [r.model, r.agent, r.calls, r.promptTokens, r.completionTokens]),
        ).toEqual([["z", "agent-7", 2, 16 + 17, 1]])
        expect(snapshot.total.costUsd).toBe(0)

        // Replay answers only from the cache, which never held a zero model's answer: it answers all the same.
        const replay = yield* Layer.build(
          ModelRegistry.layer({
            models: { z: { provider: "zero" } },
            seed: 1,
            cache: { path: join(dir, "responses.db"), mode: "replay" },
          }).pipe(Layer.provideMerge(Metering.layer())),
        )
        const replayed = yield* Context.get(replay, ModelRegistry).get("z")
        expect((yield* replayed.generate({ prompt: "anything" })).texts).toEqual([""])
      }),
  )
})
