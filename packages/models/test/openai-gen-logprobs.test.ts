import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { cached } from "../src/cache/CachedModel.js"
import { generateKey } from "../src/cache/CacheKey.js"
import { makeResponseCache } from "../src/cache/ResponseCache.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { meteredChatModel } from "./support/ChatModel.js"
import { type FakeOpenAiOptions, fakeLogprobAfter, fakeTokens } from "./support/FakeOpenAi.js"
import { makeTempDir } from "./support/TempDir.js"

/**
 * Generation log-probs from OpenAI-compatible endpoints (chat `logprobs: true`): what ranking samples by their
 * own perplexity needs where the server cannot teacher-force (Ollama, llama.cpp, OpenAI's chat models).
 */

const setup = (server: FakeOpenAiOptions, config: Partial<OpenAiModelConfig> = {}) =>
  meteredChatModel("teacher", server, config)

/** What the fake server's log-probs of a generated text are (see `fakeLogprobAfter`). */
const expected = (text: string) => {
  const tokens = fakeTokens(text)
  return tokens.map((token, i) => fakeLogprobAfter(tokens[i - 1], token))
}

const ask = { prompt: "Write an example", temperature: 1, n: 3, seed: 5 } as const

describe("generation log-probs on openai endpoints", () => {
  it.scopedLive("logprobs: true is sent only when asked, and each sample's token log-probs come back", () =>
    Effect.gen(function* () {
      const { fake, model } = yield* setup({ server: "llamacpp" })
      const plain = yield* model.generate(ask)
      expect(plain.logprobs).toBeUndefined()
      expect(fake.requests()[0]!.body.logprobs).toBeUndefined()
      const response = yield* model.generate({ ...ask, logprobs: true })
      expect(fake.requests()[1]!.body.logprobs).toBe(true)
      expect(response.texts).toHaveLength(3)
      expect(response.logprobs).toEqual(response.texts.map(expected))
      expect(response.logprobs![0]!.length).toBeGreaterThan(3)
    }),
  )

  it.scopedLive("samples asked one request each (Ollama ignores n) carry their own log-probs, in order", () =>
    Effect.gen(function* () {
      const { fake, model, metering } = yield* setup({ server: "ollama" })
      const response = yield* model.generate({ ...ask, logprobs: true })
      expect(fake.count("chat")).toBe(3)
      expect(new Set(response.texts).size).toBe(3)
      expect(response.logprobs).toEqual(response.texts.map(expected))
      expect((yield* metering.snapshot).total.calls).toBe(3)
    }),
  )

  it.scopedLive(
    "a server that answers logprobs: true without them: ScoreUnsupported naming model, URL and what to do",
    () =>
      Effect.gen(function* () {
        // The plain fake (no server mode) ignores `logprobs`, as Ollama before 0.12.11 did.
        const { fake, model, raw } = yield* setup({})
        expect(raw.capabilities.generationLogprobs).toBe(true)
        const error = yield* Effect.flip(model.generate({ ...ask, logprobs: true }))
        expect(error._tag).toBe("ScoreUnsupported")
        expect(error.message).toContain("teacher")
        expect(error.message).toContain(fake.baseURL)
        expect(error.message).toMatch(/Upgrade the server.*vLLM/)
        // Learnt: the capability says so, and the next such call is refused without a request.
        expect(raw.capabilities.generationLogprobs).toBe(false)
        const sent = fake.count("chat")
        expect((yield* Effect.flip(model.generate({ ...ask, logprobs: true })))._tag).toBe("ScoreUnsupported")
        expect(fake.count("chat")).toBe(sent)
        // Plain generation still works.
        expect((yield* model.generate(ask)).texts).toHaveLength(3)
      }),
  )

  it.scopedLive("score: none gives no log-probs of any kind, without asking the server", () =>
    Effect.gen(function* () {
      const { fake, raw } = yield* setup({ server: "vllm" }, { score: "none" })
      expect({ ...raw.capabilities }).toEqual({ score: false, generationLogprobs: false, labelScores: false })
      const error = yield* Effect.flip(raw.generate({ ...ask, logprobs: true }))
      expect(error.message).toContain('score: "none"')
      expect(fake.count("chat")).toBe(0)
    }),
  )

  it.scopedLive(
    "score: chat does not teacher-force: score fails naming the server and the alternatives",
    () =>
      Effect.gen(function* () {
        const { fake, raw } = yield* setup({ server: "ollama" })
        expect({ ...raw.capabilities }).toEqual({ score: false, generationLogprobs: true, labelScores: true })
        const error = yield* Effect.flip(raw.score({ prompt: "a", continuation: " b" }))
        expect(error._tag).toBe("ScoreUnsupported")
        expect(error.message).toContain(fake.baseURL)
        expect(error.message).toMatch(/score: completions.*vLLM.*sim/)
        expect(fake.count("completions") + fake.count("chat")).toBe(0)
      }),
  )

  it.scopedLive(
    "the cache keys on logprobs, stores and replays them; an entry without them never answers",
    () =>
      Effect.gen(function* () {
        const { fake, raw } = yield* setup({ server: "vllm" })
        const dir = yield* makeTempDir("genlogprobs")
        const cache = yield* makeResponseCache({ path: join(dir, "cache.db") })
        const identity = { provider: "openai", model: "llama3.2", endpoint: fake.baseURL }
        const model = cached(raw, cache, identity)
        const seeded = { prompt: "Write an example", temperature: 1, seed: 9 } as const
        // An entry written before generation log-probs existed, under the key of a request that asks for them.
        yield* cache.store({
          identity,
          request: generateKey(identity, { ...seeded, logprobs: true }, 0),
          occurrence: 0,
          response: JSON.stringify({ texts: ["stale"], usage: { promptTokens: 1, completionTokens: 1 } }),
        })
        const plain = yield* model.generate(seeded)
        expect(plain.logprobs).toBeUndefined()
        expect(fake.count("chat")).toBe(1)
        const first = yield* model.generate({ ...seeded, logprobs: true })
        expect(fake.count("chat")).toBe(2)
        expect(first.texts).not.toEqual(["stale"])
        expect(first.logprobs).toEqual(first.texts.map(expected))
        // The stale entry keeps its slot (answers are never overwritten), yet replay does not take it for an answer.
        const replaying = cached(raw, cache, { ...identity, mode: "replay" })
        expect((yield* Effect.flip(replaying.generate({ ...seeded, logprobs: true })))._tag).toBe(
          "ReplayMiss",
        )
        // A request recorded with log-probs replays them, without a request.
        const other = { ...seeded, seed: 10, logprobs: true }
        const recorded = yield* model.generate(other)
        expect(fake.count("chat")).toBe(3)
        expect(yield* replaying.generate(other)).toEqual(recorded)
        expect(recorded.logprobs).toEqual(recorded.texts.map(expected))
        expect(fake.count("chat")).toBe(3)
        expect(yield* model.generate(seeded)).toEqual(plain)
      }),
  )
})
