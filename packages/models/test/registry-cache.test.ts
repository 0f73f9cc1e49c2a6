import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { Metering } from "../src/Metering.js"
import type { CacheMode, ModelConfig } from "../src/ModelConfig.js"
import { ModelRegistry, type ModelRegistryOptions } from "../src/ModelRegistry.js"
import { type FakeOpenAi, makeFakeOpenAi } from "./support/FakeOpenAi.js"
import { makeTempDir } from "./support/TempDir.js"

const KEY = "sk-cache-test"

/** Runs `play` against a fresh registry and metering over the cache, all closed afterwards. */
const runOnce = <A, E>(
  options: ModelRegistryOptions,
  play: (registry: ModelRegistry["Type"]) => Effect.Effect<A, E>,
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const context = yield* Layer.build(
        ModelRegistry.layer(options).pipe(Layer.provideMerge(Metering.layer())),
      )
      const result = yield* play(Context.get(context, ModelRegistry))
      return { result, usage: yield* Context.get(context, Metering).snapshot }
    }),
  )

/**
 * A small scenario: in each of two repeats a teacher on the endpoint samples (unseeded, twice the same
 * request), generates seeded, and scores; a student on the sim model does the same.
 */
const scenario = (registry: ModelRegistry["Type"]) =>
  Effect.forEach([0, 1], (repeat) =>
    Effect.gen(function* () {
      const outputs: Array<unknown> = []
      for (const [name, agent] of [
        ["remote", "teacher-1"],
        ["local", "student-1"],
      ] as const) {
        const model = yield* registry.forAgent(name, agent, { repeat })
        const sampled = { prompt: "Write one example:", temperature: 1, maxTokens: 8 }
        outputs.push((yield* model.generate(sampled)).texts)
        outputs.push((yield* model.generate(sampled)).texts)
        outputs.push((yield* model.generate({ prompt: "the cat sat on the", seed: 7, maxTokens: 8 })).texts)
        outputs.push((yield* model.score({ prompt: "the cat sat on the", continuation: " mat" })).logprobs)
      }
      return outputs
    }),
  )

/** Answers whose text tells the calls apart, so that an answer served to the wrong request would show. */
const numbered = (server: FakeOpenAi) =>
  server.script(
    "chat",
    ...Array.from({ length: 20 }, (_, i) => ({ kind: "ok" as const, texts: [`call ${i}`] })),
  )

describe("ModelRegistry with a response cache", () => {
  it.scopedLive("re-running a finished scenario answers everything from the cache, with no calls", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      numbered(server)
      const dir = yield* makeTempDir("registry-cache")
      const models: Record<string, ModelConfig> = {
        remote: { provider: "openai", baseURL: server.baseURL, model: "m", apiKeyEnv: "CACHE_TEST_KEY" },
        local: { provider: "sim", seed: 3 },
      }
      const options = (mode: CacheMode, env: Record<string, string>): ModelRegistryOptions => ({
        models,
        seed: 1,
        env,
        cache: { path: join(dir, "responses.db"), mode },
      })

      const first = yield* runOnce(options("read-write", { CACHE_TEST_KEY: KEY }), scenario)
      // Nothing is answered from another repeat's entries, nor a second sample from the first.
      expect(server.count("chat")).toBe(6)
      expect(server.count("completions")).toBe(2)
      const [repeat0, repeat1] = first.result
      expect(repeat0?.slice(0, 2)).toEqual([["call 0"], ["call 1"]])
      expect(repeat1?.slice(0, 2)).toEqual([["call 3"], ["call 4"]])
      expect(first.usage.total).toMatchObject({ calls: 16, cacheHits: 0 })

      const second = yield* runOnce(options("read-write", { CACHE_TEST_KEY: KEY }), scenario)
      expect(second.result).toEqual(first.result)
      expect(server.requests()).toHaveLength(8)
      expect(second.usage.total).toMatchObject({
        calls: 0,
        cacheHits: 16,
        promptTokens: 0,
        completionTokens: 0,
      })

      // Replaying needs neither the endpoint nor its API key.
      const replayed = yield* runOnce(options("replay", {}), (registry) =>
        Effect.gen(function* () {
          const result = yield* scenario(registry)
          const remote = yield* registry.forAgent("remote", "teacher-1")
          const miss = yield* Effect.flip(remote.generate({ prompt: "a new question", seed: 1 }))
          return { result, miss }
        }),
      )
      expect(replayed.result.result).toEqual(first.result)
      expect(replayed.result.miss._tag).toBe("ReplayMiss")
      expect(replayed.result.miss.message).toContain("Replay mode forbids model calls")
      expect(server.requests()).toHaveLength(8)
      expect(replayed.usage.total).toMatchObject({ calls: 0, cacheHits: 16, errors: 1 })
    }),
  )

  it.scopedLive("replays a run whose primary model fell back, from the backup's answers", () =>
    Effect.gen(function* () {
      const down = yield* makeFakeOpenAi({ defaultReply: { kind: "serverError" } })
      const up = yield* makeFakeOpenAi()
      const dir = yield* makeTempDir("registry-cache-fallback")
      const options = (mode: CacheMode): ModelRegistryOptions => ({
        models: {
          primary: { provider: "openai", baseURL: down.baseURL, model: "big", maxRetries: 0 },
          backup: { provider: "openai", baseURL: up.baseURL, model: "small" },
        },
        seed: 1,
        cache: { path: join(dir, "responses.db"), mode },
      })
      const ask = (registry: ModelRegistry["Type"]) =>
        Effect.flatMap(registry.forAgent(["primary", "backup"], "alice"), (model) =>
          model.generate({ prompt: "hello", seed: 2 }),
        )
      const first = yield* runOnce(options("read-write"), ask)
      expect(first.result.texts).toEqual(["answer 1 to hello"])
      const replayed = yield* runOnce(options("replay"), ask)
      expect(replayed.result).toEqual(first.result)
      expect(down.requests()).toHaveLength(1)
      expect(up.requests()).toHaveLength(1)
      expect(replayed.usage.fallbacks).toEqual([{ agent: "alice", from: "primary", to: "backup", count: 1 }])
    }),
  )

  it.scopedLive('with mode "off" opens no file and caches nothing', () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const dir = yield* makeTempDir("registry-cache-off")
      const path = join(dir, "responses.db")
      const options: ModelRegistryOptions = {
        models: { remote: { provider: "openai", baseURL: server.baseURL, model: "m" } },
        seed: 1,
        cache: { path, mode: "off" },
      }
      const ask = (registry: ModelRegistry["Type"]) =>
        Effect.flatMap(registry.forAgent("remote", "a"), (model) => model.generate({ prompt: "x", seed: 1 }))
      yield* runOnce(options, ask)
      yield* runOnce(options, ask)
      expect(server.count("chat")).toBe(2)
      expect(existsSync(path)).toBe(false)
    }),
  )
})
