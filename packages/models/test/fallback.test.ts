import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { fallsBack } from "../src/Fallback.js"
import { Metering, type MeteringOptions } from "../src/Metering.js"
import type { ModelConfig } from "../src/ModelConfig.js"
import {
  BadResponse,
  BudgetExceeded,
  ContextTooLong,
  RateLimited,
  ReplayMiss,
  ScoreUnsupported,
  Timeout,
  Unauthorized,
  Unavailable,
} from "../src/ModelError.js"
import { ModelRegistry } from "../src/ModelRegistry.js"
import { type FakeOpenAi, type FakeOpenAiOptions, makeFakeOpenAi } from "./support/FakeOpenAi.js"

const openai = (server: FakeOpenAi, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  provider: "openai",
  baseURL: server.baseURL,
  model: "m",
  maxRetries: 1,
  ...extra,
})

/** A registry over `models` with fast retries, built in the test's scope, and its metering. */
const registryOf = (models: Record<string, ModelConfig>, metering: MeteringOptions = {}) =>
  Effect.map(
    Layer.build(
      ModelRegistry.layer({ models, seed: 1, openAi: { backoff: { baseDelayMs: 1, maxDelayMs: 2 } } }).pipe(
        Layer.provideMerge(Metering.layer(metering)),
      ),
    ),
    (context) => ({
      registry: Context.get(context, ModelRegistry),
      metering: Context.get(context, Metering),
    }),
  )

const failing = (options: FakeOpenAiOptions = { defaultReply: { kind: "serverError" } }) =>
  makeFakeOpenAi(options)

describe("fallback chains", () => {
  it("fall back on unreachable, slow, rate-limited or garbled models, and replay misses, only", () => {
    const model = "m"
    expect(fallsBack(new Unavailable({ model, message: "down" }))).toBe(true)
    expect(fallsBack(new Timeout({ model, afterMs: 1 }))).toBe(true)
    expect(fallsBack(new RateLimited({ model }))).toBe(true)
    expect(fallsBack(new BadResponse({ model, message: "garbage" }))).toBe(true)
    expect(
      fallsBack(new ReplayMiss({ model, operation: "generate", promptHash: "0", message: "miss" })),
    ).toBe(true)
    expect(fallsBack(new Unauthorized({ model, message: "no" }))).toBe(false)
    expect(fallsBack(new ContextTooLong({ model, message: "long" }))).toBe(false)
    expect(fallsBack(new BudgetExceeded({ message: "spent" }))).toBe(false)
    expect(fallsBack(new ScoreUnsupported({ model, message: "no" }))).toBe(false)
  })

  it.scopedLive("hand a call the primary fails after its retries to the backup, and record the switch", () =>
    Effect.gen(function* () {
      const down = yield* failing()
      const up = yield* makeFakeOpenAi()
      const { registry, metering } = yield* registryOf({
        primary: openai(down),
        backup: openai(up, { prices: { promptPerMTok: 1, completionPerMTok: 1 } }),
      })
      const model = yield* registry.forAgent(["primary", "backup"], "alice")
      expect(model.name).toBe("primary")
      expect((yield* model.generate({ prompt: "hello" })).texts).toEqual(["answer 1 to hello"])
      expect((yield* model.generate({ prompt: "again" })).texts).toEqual(["answer 1 to again"])
      // Each call tries the primary first: one attempt and one retry, twice.
      expect(down.count("chat")).toBe(4)
      expect(up.count("chat")).toBe(2)
      const snapshot = yield* metering.snapshot
      expect(snapshot.fallbacks).toEqual([{ agent: "alice", from: "primary", to: "backup", count: 2 }])
      expect(
        snapshot.rows.map((row) => [row.model, row.agent, row.calls, row.errors, row.fallbacks]),
      ).toEqual([
        ["backup", "alice", 2, 0, 0],
        ["primary", "alice", 2, 2, 2],
      ])
      expect(snapshot.total.fallbacks).toBe(2)
    }),
  )

  it.scopedLive("do not fall back on errors another model would not cure", () =>
    Effect.gen(function* () {
      const refusing = yield* failing({ defaultReply: { kind: "unauthorized" } })
      const up = yield* makeFakeOpenAi()
      const { registry, metering } = yield* registryOf({ primary: openai(refusing), backup: openai(up) })
      const model = yield* registry.forAgent(["primary", "backup"], "alice")
      expect((yield* Effect.flip(model.generate({ prompt: "hello" })))._tag).toBe("Unauthorized")
      expect(up.requests()).toHaveLength(0)
      expect((yield* metering.snapshot).fallbacks).toEqual([])
    }),
  )

  it.scopedLive("do not fall back once the budget is spent", () =>
    Effect.gen(function* () {
      const { registry, metering } = yield* registryOf(
        { a: { provider: "sim", seed: 1 }, b: { provider: "sim", seed: 2 } },
        { budget: { maxTokens: 1 } },
      )
      const model = yield* registry.forAgent(["a", "b"], "alice")
      yield* model.generate({ prompt: "the cat", maxTokens: 3 })
      expect((yield* Effect.flip(model.generate({ prompt: "the cat" })))._tag).toBe("BudgetExceeded")
      expect((yield* metering.snapshot).fallbacks).toEqual([])
    }),
  )

  it.scopedLive("walk a longer chain, and skip models that cannot score when scoring", () =>
    Effect.gen(function* () {
      const down = yield* failing()
      const chatOnly = yield* makeFakeOpenAi()
      const { registry, metering } = yield* registryOf({
        primary: openai(down, { maxRetries: 0 }),
        "chat-only": openai(chatOnly, { score: "none" }),
        sim: { provider: "sim", seed: 5 },
      })
      const model = yield* registry.forAgent(["primary", "chat-only", "sim"], "bob")
      const scored = yield* model.score({ prompt: "the cat sat on the", continuation: " mat" })
      expect(scored.logprobs.length).toBeGreaterThan(0)
      expect(chatOnly.requests()).toHaveLength(0)
      const generated = yield* model.generate({ prompt: "hello" })
      expect(generated.texts).toEqual(["answer 1 to hello"])
      expect((yield* metering.snapshot).fallbacks).toEqual([
        { agent: "bob", from: "primary", to: "chat-only", count: 1 },
        { agent: "bob", from: "primary", to: "sim", count: 1 },
      ])
    }),
  )

  it.scopedLive("fail with the last model's error when every model fails", () =>
    Effect.gen(function* () {
      const down = yield* failing()
      const garbled = yield* failing({ defaultReply: { kind: "malformedJson" } })
      const { registry, metering } = yield* registryOf({
        primary: openai(down, { maxRetries: 0 }),
        backup: openai(garbled, { maxRetries: 0 }),
      })
      const model = yield* registry.forAgent(["primary", "backup"], "carol")
      const error = yield* Effect.flip(model.generate({ prompt: "hello" }))
      expect(error._tag).toBe("BadResponse")
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 2, errors: 2, fallbacks: 1 })
    }),
  )

  it.scopedLive("reject an unknown member and an empty chain", () =>
    Effect.gen(function* () {
      const { registry } = yield* registryOf({ a: { provider: "sim" } })
      const unknown = yield* Effect.flip(registry.forAgent(["a", "zz"], "alice"))
      expect(unknown.message).toBe('Unknown model "zz"; the scenario declares: a.')
      const empty = yield* Effect.flip(registry.forAgent([] as unknown as readonly [string], "alice"))
      expect(empty.message).toContain('Agent "alice" was given an empty list of models')
    }),
  )
})
