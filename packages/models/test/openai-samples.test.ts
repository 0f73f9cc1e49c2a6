import { describe, expect, it } from "@effect/vitest"
import { deriveSeed } from "@lyceum/core"
import { Effect } from "effect"
import { costOf, Metering } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { sampleSeed } from "../src/openai/Samples.js"
import { type FakeOpenAiOptions, makeFakeOpenAi } from "./support/FakeOpenAi.js"

/**
 * `n` > 1 on endpoints that do not honour it (Ollama answers one choice, llama.cpp at most its slots): the
 * missing samples are asked for one request each, with derived seeds, and every request is metered.
 */

const prices = { promptPerMTok: 2, completionPerMTok: 4 }

/** A fake endpoint, a model on it metered as agent "alice", and what the endpoint was asked. */
const setup = (server: FakeOpenAiOptions, config: Partial<OpenAiModelConfig> = {}) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeOpenAi(server)
    const metering = yield* Metering.make()
    const raw = yield* makeOpenAiModel(
      "local",
      { provider: "openai", baseURL: fake.baseURL, model: "llama3.2", prices, maxRetries: 2, ...config },
      {},
      { backoff: { baseDelayMs: 5, maxDelayMs: 20 } },
    )
    const model = metering.metered(raw, "alice", prices)
    const chats = () => fake.requests().filter((request) => request.endpoint === "chat")
    return { fake, metering, model, chats }
  })

const ask = { prompt: "pick a label", temperature: 0.8, n: 4, seed: 7 } as const

describe("samples on an endpoint that ignores n", () => {
  it.scopedLive("n=4 on an Ollama-like endpoint: 4 distinct samples from 4 requests, all metered", () =>
    Effect.gen(function* () {
      const { metering, model, chats } = yield* setup({ maxChoices: 1 })
      const response = yield* model.generate(ask)
      const seeds = [7, deriveSeed(7, "sample", 1), deriveSeed(7, "sample", 2), deriveSeed(7, "sample", 3)]
      expect(response.texts).toEqual(seeds.map((seed) => `answer 1 to pick a label (seed ${seed})`))
      expect(new Set(seeds).size).toBe(4)
      // The first request asked for all 4; the 3 missing ones were asked for alone, each with its own seed.
      expect(chats().map((request) => [request.body.n, request.body.seed, request.body.temperature])).toEqual(
        [
          [4, 7, 0.8],
          [undefined, seeds[1], 0.8],
          [undefined, seeds[2], 0.8],
          [undefined, seeds[3], 0.8],
        ],
      )
      // Each request bills 3 prompt words and 8 completion words; usage adds them all up.
      expect(response.usage).toEqual({ promptTokens: 4 * 3, completionTokens: 4 * 8 })
      const total = (yield* metering.snapshot).total
      expect(total).toMatchObject({ calls: 4, errors: 0, retries: 0, promptTokens: 12, completionTokens: 32 })
      expect(total.costUsd).toBeCloseTo(costOf(response.usage, prices), 12)
    }),
  )

  it.scopedLive(
    "remembers that n is not honoured: the next call sends exactly n requests, none asking for n",
    () =>
      Effect.gen(function* () {
        const { metering, model, chats } = yield* setup({ maxChoices: 1 })
        const first = yield* model.generate(ask)
        const before = chats().length
        const second = yield* model.generate(ask)
        expect(chats().length - before).toBe(4)
        expect(
          chats()
            .slice(before)
            .map((request) => request.body.n),
        ).toEqual([undefined, undefined, undefined, undefined])
        // Sample 0 keeps the request's seed, so what was learnt does not change the samples.
        expect(second.texts).toEqual(first.texts)
        expect((yield* metering.snapshot).total.calls).toBe(8)
        // A single sample is still one request.
        yield* model.generate({ prompt: "one", seed: 7 })
        expect(chats().length - before).toBe(5)
      }),
  )

  it.scopedLive("the same seed gives the same samples on a fresh model; another seed other samples", () =>
    Effect.gen(function* () {
      const a = yield* setup({ maxChoices: 1 })
      const b = yield* setup({ maxChoices: 1 })
      const once = yield* a.model.generate(ask)
      expect((yield* b.model.generate(ask)).texts).toEqual(once.texts)
      const other = yield* b.model.generate({ ...ask, seed: 8 })
      expect(other.texts.filter((text) => once.texts.includes(text))).toEqual([])
    }),
  )

  it.scopedLive(
    "a llama.cpp-like endpoint with 2 slots: its 2 choices, then the 3 missing samples alone",
    () =>
      Effect.gen(function* () {
        const { metering, model, chats } = yield* setup({ maxChoices: 2 })
        const response = yield* model.generate({ ...ask, n: 5 })
        expect(response.texts).toEqual([
          "answer 1 to pick a label (seed 7)",
          "answer 2 to pick a label (seed 7)",
          ...[2, 3, 4].map((i) => `answer 1 to pick a label (seed ${sampleSeed(7, i)})`),
        ])
        expect(chats().map((request) => request.body.n)).toEqual([5, undefined, undefined, undefined])
        expect((yield* metering.snapshot).total.calls).toBe(4)
      }),
  )

  it.scopedLive("an unseeded request's separate samples are unseeded too", () =>
    Effect.gen(function* () {
      const { model, chats } = yield* setup({ maxChoices: 1 })
      const response = yield* model.generate({ prompt: "free", n: 3 })
      expect(response.texts).toHaveLength(3)
      expect(chats().map((request) => request.body.seed)).toEqual([undefined, undefined, undefined])
    }),
  )

  it.scopedLive("a separate sample's failed attempt is retried and counted as a retry, not a call", () =>
    Effect.gen(function* () {
      const { fake, metering, model } = yield* setup({ maxChoices: 1 })
      yield* model.generate(ask)
      fake.script("chat", { kind: "ok" }, { kind: "serverError" })
      const response = yield* model.generate(ask)
      expect(response.texts).toHaveLength(4)
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 8, retries: 1, errors: 0 })
    }),
  )
})

describe("samples on an endpoint that honours n", () => {
  it.scopedLive("one request per call, every time", () =>
    Effect.gen(function* () {
      const { metering, model, chats } = yield* setup({})
      const first = yield* model.generate(ask)
      expect(first.texts).toEqual([1, 2, 3, 4].map((i) => `answer ${i} to pick a label`))
      yield* model.generate(ask)
      expect(chats().map((request) => [request.body.n, request.body.seed])).toEqual([
        [4, 7],
        [4, 7],
      ])
      expect((yield* metering.snapshot).total.calls).toBe(2)
    }),
  )
})
