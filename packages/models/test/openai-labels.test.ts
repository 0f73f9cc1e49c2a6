import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { cached } from "../src/cache/CachedModel.js"
import { makeResponseCache } from "../src/cache/ResponseCache.js"
import { scoreLabels } from "../src/Labels.js"
import { Metering } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { ModelRegistry } from "../src/ModelRegistry.js"
import { LABEL_TOP_LOGPROBS, makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { labelsFromTopLogprobs } from "../src/openai/TopLogprobLabels.js"
import { meteredChatModel } from "./support/ChatModel.js"
import { type FakeOpenAiOptions, labelTopLogprobs, makeFakeOpenAi } from "./support/FakeOpenAi.js"
import { makeTempDir } from "./support/TempDir.js"

/**
 * Label scores where the server cannot teacher-force (score: chat): one chat request, one token, its
 * top_logprobs; labels sharing their first token are refused, never guessed.
 */

const setup = (server: FakeOpenAiOptions, config: Partial<OpenAiModelConfig> = {}) =>
  meteredChatModel("judge", server, config)

const fewShot = (labels: ReadonlyArray<string>) =>
  `${labels.map((label, i) => `Text: example ${i}\nClass: ${label}`).join("\n\n")}\n\nText: new one\nClass:`

describe("labels by chat top_logprobs", () => {
  it.scopedLive("one request (max_tokens 1, temperature 0, top_logprobs 20), metered as one call", () =>
    Effect.gen(function* () {
      for (const server of ["ollama", "llamacpp", "openai"] as const) {
        const { fake, metering, model } = yield* setup({ server })
        const prompt = fewShot(["spam", "ham", "spam", "spam", "ham", "spam"])
        const scored = yield* scoreLabels(model, { prompt, labels: ["ham", " spam", "eggs"] })
        expect(fake.count("chat")).toBe(1)
        expect(fake.requests()[0]!.body).toMatchObject({
          max_tokens: 1,
          temperature: 0,
          logprobs: true,
          top_logprobs: LABEL_TOP_LOGPROBS,
          messages: [{ role: "user", content: prompt }],
        })
        expect(scored.method).toBe("top-logprobs")
        const top = labelTopLogprobs(prompt, LABEL_TOP_LOGPROBS, server)
        const of = (word: string) => top.find((t) => t.token.trim() === word)!.logprob
        // spam 4 of 6 labels, ham 2: log(4/7) and log(2/7); "eggs" is in no top token: the smallest top one.
        expect(scored.logprobs).toEqual([of("ham"), of("spam"), top.at(-1)!.logprob])
        expect(scored.logprobs[1]!).toBeCloseTo(Math.log(4 / 7), 12)
        expect(scored.logprobs[2]!).toBe(Math.min(...top.map((t) => t.logprob)))
        const usage = (yield* metering.snapshot).total
        expect(usage.calls).toBe(1)
        expect(usage.estimatedCalls).toBe(0)
      }
    }),
  )

  it.scopedLive("labels whose first token is the same are refused, naming both and the alternatives", () =>
    Effect.gen(function* () {
      const { fake, model } = yield* setup({ server: "llamacpp" })
      // The fake's tokenizer spells both by " nega" (as BPE splits rare long words).
      const prompt = fewShot(["negative", "negation", "positive"])
      const error = yield* Effect.flip(
        scoreLabels(model, { prompt, labels: ["negative", "negation", "positive"] }),
      )
      expect(error._tag).toBe("ScoreUnsupported")
      expect(error.message).toContain('labels "negative" and "negation" share their first token "nega"')
      expect(error.message).toContain(fake.baseURL)
      expect(error.message).toContain("Use score: completions (vLLM) or sim")
    }),
  )

  it.scopedLive("a server that answers without logprobs: ScoreUnsupported, not a crash", () =>
    Effect.gen(function* () {
      const { model } = yield* setup({})
      const error = yield* Effect.flip(
        scoreLabels(model, { prompt: fewShot(["a", "b"]), labels: ["a", "b"] }),
      )
      expect(error._tag).toBe("ScoreUnsupported")
      expect(error.message).toContain("without logprobs")
    }),
  )

  it.scopedLive("score: completions teacher-forces each label through /completions (vLLM)", () =>
    Effect.gen(function* () {
      const { fake, raw, metering, model } = yield* setup({ server: "vllm" }, { score: "completions" })
      expect(raw.scoreLabels).toBeUndefined()
      const scored = yield* scoreLabels(model, { prompt: "one two", labels: [" three", " four five"] })
      expect(scored.method).toBe("teacher-forcing")
      expect(fake.count("completions")).toBe(2)
      expect(fake.count("chat")).toBe(0)
      // " three" after "two" is near certain in the vllm fake; " four five" is two unlikely-ish tokens.
      expect(scored.logprobs[0]!).toBeCloseTo(-0.05, 12)
      expect(scored.logprobs[1]!).toBeLessThan(scored.logprobs[0]!)
      expect((yield* metering.snapshot).total.calls).toBe(2)
    }),
  )

  it.scopedLive("score: auto scores labels by teacher-forcing where echo works, else by top_logprobs", () =>
    Effect.gen(function* () {
      const ollama = yield* setup({ server: "ollama" }, { score: "auto" })
      expect({ ...ollama.raw.capabilities }).toEqual({
        score: false,
        generationLogprobs: true,
        labelScores: true,
      })
      const byTop = yield* scoreLabels(ollama.model, {
        prompt: fewShot(["yes", "no"]),
        labels: ["yes", "no"],
      })
      expect(byTop.method).toBe("top-logprobs")
      const vllm = yield* setup({ server: "vllm" }, { score: "auto" })
      expect({ ...vllm.raw.capabilities }).toEqual({
        score: true,
        generationLogprobs: true,
        labelScores: true,
      })
      const forced = yield* scoreLabels(vllm.model, { prompt: "one two", labels: [" three", " nine"] })
      expect(forced.method).toBe("teacher-forcing")
      expect(forced.logprobs[0]!).toBeGreaterThan(forced.logprobs[1]!)
      // One call to the agent, two score requests on the wire (after the start-up probe's one).
      expect(vllm.fake.count("completions")).toBe(3)
      expect((yield* vllm.metering.snapshot).total.calls).toBe(2)
    }),
  )

  it.scopedLive("through the registry: metered, cached, falls back, and replays without the server", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeOpenAi({ server: "ollama" })
      const path = join(yield* makeTempDir("labels"), "cache.db")
      const models = {
        judge: {
          provider: "openai",
          preset: "ollama",
          baseURL: fake.baseURL,
          model: "llama3.2",
          maxRetries: 0,
        },
        backup: { provider: "sim", seed: 1 },
      } as const
      const prompt = fewShot(["spam", "ham", "spam"])
      const ask = { prompt, labels: ["spam", "ham"] }
      const run = (mode: "read-write" | "replay", request = ask) =>
        Effect.gen(function* () {
          const metering = yield* Metering.make()
          const registry = yield* ModelRegistry.make({ models, seed: 1, cache: { path, mode } }).pipe(
            Effect.provideService(Metering, metering),
          )
          const model = yield* registry.forAgent(["judge", "backup"], "alice")
          expect(model.capabilities).toMatchObject({ score: false, labelScores: true })
          return { scored: yield* scoreLabels(model, request), usage: (yield* metering.snapshot).total }
        })
      const live = yield* run("read-write")
      expect(live.scored.method).toBe("top-logprobs")
      expect(live.usage.calls).toBe(1)
      expect(fake.count("chat")).toBe(1)
      const replayed = yield* run("replay")
      expect(replayed.scored).toEqual(live.scored)
      expect(replayed.usage).toMatchObject({ calls: 0, cacheHits: 1 })
      expect(fake.count("chat")).toBe(1)
      // The endpoint fails: the sim backup scores the labels its own way (teacher-forcing).
      fake.script("chat", { kind: "serverError", status: 503 })
      const fellBack = yield* run("read-write", { ...ask, prompt: `${prompt} ` })
      expect(fellBack.scored.method).toBe("teacher-forcing")
      expect(fellBack.usage).toMatchObject({ fallbacks: 1, errors: 1 })
    }),
  )

  it("matching: longest top token that begins the label, whitespace-insensitive; absent labels get the floor", () => {
    const top = [
      { token: " pos", logprob: -0.5 },
      { token: "positive", logprob: -1 },
      { token: " neg", logprob: -2 },
      { token: " x", logprob: -7 },
    ]
    expect(labelsFromTopLogprobs(["positive", " negative", "other"], top)).toEqual({
      _tag: "Scored",
      logprobs: [-1, -2, -7],
    })
    expect(labelsFromTopLogprobs(["positive", "posh"], top)).toEqual({ _tag: "Scored", logprobs: [-1, -0.5] })
    expect(labelsFromTopLogprobs(["pos", "posit"], top)._tag).toBe("Refused")
    expect(labelsFromTopLogprobs([" "], top)).toMatchObject({ _tag: "Refused", reason: 'label " " is empty' })
    expect(labelsFromTopLogprobs(["a"], [])._tag).toBe("Refused")
  })
})

describe("the cache tells label-scoring methods apart", () => {
  it.scopedLive(
    "top_logprobs scores stored for score: chat never answer an auto model that teacher-forces",
    () =>
      Effect.gen(function* () {
        const fake = yield* makeFakeOpenAi({ server: "vllm" })
        const cache = yield* makeResponseCache({
          path: join(yield* makeTempDir("label-methods"), "cache.db"),
        })
        const identity = { provider: "openai", model: "llama3.2", endpoint: fake.baseURL }
        const make = (score: "chat" | "auto") =>
          Effect.map(
            makeOpenAiModel(
              "judge",
              { provider: "openai", baseURL: fake.baseURL, model: "llama3.2", score, maxRetries: 0 },
              {},
            ),
            (raw) => cached(raw, cache, identity),
          )
        const request = { prompt: fewShot(["spam", "ham", "spam"]), labels: ["spam", "ham"] }
        const byTop = yield* (yield* make("chat")).scoreLabels!(request)
        expect(byTop.method).toBe("top-logprobs")
        // The same endpoint, declared auto: its echo works (vLLM), so it teacher-forces each label.
        const auto = yield* make("auto")
        const before = fake.count("completions")
        const forced = yield* auto.scoreLabels!(request)
        expect(forced.method).toBe("teacher-forcing")
        expect(fake.count("completions")).toBe(before + 2)
        // Each is answered from the cache by its own kind of entry.
        expect(yield* (yield* make("chat")).scoreLabels!(request)).toEqual(byTop)
        expect(yield* auto.scoreLabels!(request)).toEqual(forced)
        expect(fake.count("completions")).toBe(before + 2)
      }),
  )
})
