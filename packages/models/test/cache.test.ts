import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Exit, Scope } from "effect"
import { cached } from "../src/cache/CachedModel.js"
import { atRepeat, withRepeat } from "../src/cache/CacheRepeat.js"
import { ResponseCache } from "../src/cache/ResponseCache.js"
import type { LanguageModel } from "../src/LanguageModel.js"
import { Metering } from "../src/Metering.js"
import type { CacheMode, OpenAiModelConfig } from "../src/ModelConfig.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { makeSimModel } from "../src/sim/SimModel.js"
import { type FakeOpenAi, makeFakeOpenAi } from "./support/FakeOpenAi.js"
import { makeTempDir } from "./support/TempDir.js"

const prices = { promptPerMTok: 1_000, completionPerMTok: 1_000 }

/** A fake endpoint, an `openai` model on it (no retries), and a way to open the cache file under a mode. */
const setup = Effect.gen(function* () {
  const server = yield* makeFakeOpenAi()
  const dir = yield* makeTempDir("cache")
  const path = join(dir, "cache", "responses.db")
  const config: OpenAiModelConfig = { provider: "openai", baseURL: server.baseURL, model: "m", maxRetries: 0 }
  const raw = yield* makeOpenAiModel("gpt", config, {})
  /** The model through the cache at `path`, metered as agent "alice"; each call opens the file anew. */
  const open = (mode: CacheMode = "read-write") =>
    Effect.gen(function* () {
      const cache = yield* ResponseCache.make({ path, mustExist: mode === "replay" })
      const metering = yield* Metering.make()
      const model = metering.metered(
        cached(raw, cache, { provider: "openai", model: "m", endpoint: server.baseURL, mode }),
        "alice",
        prices,
      )
      return { cache, metering, model }
    })
  return { server, path, open }
})

/** Runs `f` with the cache opened in a scope of its own, closed afterwards (so the next open is a new session). */
const session = <A, E>(
  open: Effect.Effect<{ cache: unknown; metering: unknown; model: LanguageModel }, unknown, Scope.Scope>,
  f: (opened: Effect.Effect.Success<typeof open>) => Effect.Effect<A, E>,
) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const opened = yield* Scope.extend(open, scope)
    const result = yield* f(opened)
    yield* Scope.close(scope, Exit.void)
    return result
  })

const chats = (server: FakeOpenAi) => server.count("chat")

describe("response cache", () => {
  it.scopedLive("answers a repeated generate and score from the cache, as cache hits that cost nothing", () =>
    Effect.gen(function* () {
      const { server, open } = yield* setup
      const { model, metering, cache } = yield* open()
      const request = { prompt: "hello", temperature: 0, maxTokens: 5 }
      const first = yield* model.generate(request)
      const again = yield* model.generate(request)
      expect(again).toEqual(first)
      const scored = yield* model.score({ prompt: "the cat", continuation: " sat down" })
      expect(yield* model.score({ prompt: "the cat", continuation: " sat down" })).toEqual(scored)
      expect(server.count("chat")).toBe(1)
      expect(server.count("completions")).toBe(1)
      const usage = (yield* metering.snapshot).total
      expect(usage).toMatchObject({ calls: 2, cacheHits: 2, errors: 0 })
      // Only the two real calls are priced.
      expect(usage.promptTokens).toBe(first.usage.promptTokens + scored.usage.promptTokens)
      expect(yield* cache.size).toBe(2)
      expect(yield* cache.stats).toEqual({ lookups: 4, hits: 2, writes: 2 })
    }),
  )

  it.scopedLive("keys every parameter, the prompt, the seed and the repeat", () =>
    Effect.gen(function* () {
      const { server, open } = yield* setup
      const { model } = yield* open()
      const base = { prompt: "hello", temperature: 0.5, topP: 0.9, maxTokens: 5, stop: ["\n"], seed: 1 }
      const variants = [
        base,
        { ...base, prompt: "hello!" },
        { seed: 1, messages: [{ role: "user" as const, content: "hello" }] },
        { ...base, temperature: 0.6 },
        { ...base, topP: 1 },
        { ...base, maxTokens: 6 },
        { ...base, stop: ["\n\n"] },
        { ...base, n: 2 },
        { ...base, seed: 2 },
      ]
      for (const request of variants) yield* model.generate(request)
      yield* withRepeat(model.generate(base), 1)
      yield* atRepeat(model, 2).generate(base)
      expect(chats(server)).toBe(variants.length + 2)
      // And each of them again, answered from the cache.
      for (const request of variants) yield* model.generate(request)
      yield* withRepeat(model.generate(base), 1)
      yield* atRepeat(model, 2).generate(base)
      // `n: 1` and an empty stop list mean the same as leaving them out.
      yield* model.generate({ prompt: "plain", seed: 1, stop: [], n: 1 })
      yield* model.generate({ prompt: "plain", seed: 1 })
      expect(chats(server)).toBe(variants.length + 2 + 1)
    }),
  )

  it.scopedLive("never stores a failure, so the next asking calls the model again", () =>
    Effect.gen(function* () {
      const { server, open } = yield* setup
      const { model, cache } = yield* open()
      server.script("chat", { kind: "serverError" })
      const request = { prompt: "hello", seed: 3 }
      expect((yield* Effect.flip(model.generate(request)))._tag).toBe("Unavailable")
      expect(yield* cache.size).toBe(0)
      yield* model.generate(request)
      yield* model.generate(request)
      expect(chats(server)).toBe(2)
      expect(yield* cache.size).toBe(1)
    }),
  )

  it.scopedLive("keeps one answer per asking of a sampled request, and replays them in order", () =>
    Effect.gen(function* () {
      const { server, open } = yield* setup
      const request = { prompt: "tell me something", temperature: 1 }
      server.script(
        "chat",
        { kind: "ok", texts: ["first"] },
        { kind: "serverError" },
        { kind: "ok", texts: ["second"] },
        { kind: "ok", texts: ["third"] },
      )
      const asked = yield* session(open(), ({ model }) =>
        Effect.gen(function* () {
          const texts: Array<string> = []
          texts.push(...(yield* model.generate(request)).texts)
          // The failed asking gives its occurrence back; the next one fills it.
          yield* Effect.flip(model.generate(request))
          for (let i = 0; i < 2; i++) texts.push(...(yield* model.generate(request)).texts)
          return texts
        }),
      )
      expect(asked).toEqual(["first", "second", "third"])
      expect(chats(server)).toBe(4)
      const replayed = yield* session(open("replay"), ({ model }) =>
        Effect.forEach([0, 1, 2], () => Effect.map(model.generate(request), (r) => r.texts[0])),
      )
      expect(replayed).toEqual(asked)
      expect(chats(server)).toBe(4)
    }),
  )

  it.scopedLive(
    "in replay mode answers only from the file and fails a miss with ReplayMiss, calling nothing",
    () =>
      Effect.gen(function* () {
        const { server, open } = yield* setup
        yield* session(open(), ({ model }) => model.generate({ prompt: "recorded", seed: 1 }))
        const { model, metering } = yield* open("replay")
        expect((yield* model.generate({ prompt: "recorded", seed: 1 })).texts).toEqual([
          "answer 1 to recorded",
        ])
        const miss = yield* Effect.flip(model.generate({ prompt: "never asked", seed: 1 }))
        expect(miss._tag).toBe("ReplayMiss")
        if (miss._tag !== "ReplayMiss") return
        expect(miss.promptHash).toMatch(/^[0-9a-f]{64}$/)
        expect(miss.message).toContain("Replay mode forbids model calls")
        expect(miss.message).toContain('model "gpt"')
        expect(miss.message).toContain(`prompt hash ${miss.promptHash}`)
        const scoreMiss = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
        expect(scoreMiss._tag).toBe("ReplayMiss")
        expect(server.requests().length).toBe(1)
        expect((yield* metering.snapshot).total).toMatchObject({ calls: 0, cacheHits: 1, errors: 2 })
      }),
  )

  it.scopedLive("names a replay miss's repeat and asking from 1, as the progress lines count repeats", () =>
    Effect.gen(function* () {
      const { open } = yield* setup
      const sampled = { prompt: "tell me", temperature: 1 }
      yield* session(open(), ({ model }) => withRepeat(model.generate(sampled), 0))
      const { model } = yield* open("replay")
      const first = yield* Effect.flip(withRepeat(model.generate({ prompt: "never asked", seed: 1 }), 0))
      expect(first.message).toContain(", repeat 1.")
      const third = yield* Effect.flip(withRepeat(model.generate({ prompt: "x", seed: 1 }), 2))
      expect(third.message).toContain(", repeat 3.")
      // The first asking is recorded; the second has no answer.
      yield* withRepeat(model.generate(sampled), 0)
      const again = yield* Effect.flip(withRepeat(model.generate(sampled), 0))
      expect(again.message).toContain(", repeat 1, asking 2 of this request.")
    }),
  )

  it.scopedLive("refuses to replay from a file that does not exist", () =>
    Effect.gen(function* () {
      const dir = yield* makeTempDir("cache-missing")
      const error = yield* Effect.flip(ResponseCache.make({ path: join(dir, "none.db"), mustExist: true }))
      expect(error._tag).toBe("ResponseCacheError")
      expect(error.message).toContain("does not exist")
    }),
  )

  it.scopedLive("is one WAL-mode SQLite file, and a file of a newer layout is refused", () =>
    Effect.gen(function* () {
      const { path, open } = yield* setup
      yield* session(open(), ({ model }) => model.generate({ prompt: "x", seed: 1 }))
      const db = new Database(path)
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
      expect(db.prepare("SELECT provider, model, operation, repeat FROM responses").all()).toEqual([
        { provider: "openai", model: "m", operation: "generate", repeat: 0 },
      ])
      db.pragma("user_version = 99")
      db.close()
      const error = yield* Effect.flip(ResponseCache.make({ path }))
      expect(error.message).toContain("layout version 99")
    }),
  )

  it.scopedLive('with mode "off" is the model itself', () =>
    Effect.gen(function* () {
      const dir = yield* makeTempDir("cache-off")
      const cache = yield* ResponseCache.make({ path: join(dir, "c.db") })
      const sim = makeSimModel({ name: "sim", seed: 1 })
      expect(cached(sim, cache, { provider: "sim", model: "seed=1", mode: "off" })).toBe(sim)
    }),
  )

  it.scopedLive("hits do not count against the run budget", () =>
    Effect.gen(function* () {
      const dir = yield* makeTempDir("cache-budget")
      const cache = yield* ResponseCache.make({ path: join(dir, "c.db") })
      const metering = yield* Metering.make({ budget: { maxTokens: 60 } })
      const sim = cached(makeSimModel({ name: "sim", seed: 1 }), cache, { provider: "sim", model: "seed=1" })
      const model = metering.metered(sim, "alice")
      const request = { prompt: "the cat sat on the", maxTokens: 10, seed: 4 }
      const first = yield* model.generate(request)
      const tokens = first.usage.promptTokens + first.usage.completionTokens
      expect(tokens).toBeLessThan(60)
      for (let i = 0; i < 20; i++) expect(yield* model.generate(request)).toEqual(first)
      const snapshot = yield* metering.snapshot
      expect(snapshot.total).toMatchObject({ calls: 1, cacheHits: 20 })
      expect(snapshot.total.promptTokens + snapshot.total.completionTokens).toBe(tokens)
      expect(snapshot.budgetExhausted).toBe(false)
    }),
  )
})
