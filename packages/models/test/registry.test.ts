import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer } from "effect"
import { Metering } from "../src/Metering.js"
import type { ModelConfig } from "../src/ModelConfig.js"
import { ModelRegistry } from "../src/ModelRegistry.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

const KEY = "sk-registry-test-key"

describe("ModelRegistry", () => {
  it.scopedLive("builds declared models and hands agents metered ones", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const models: Record<string, ModelConfig> = {
        remote: {
          provider: "openai",
          baseURL: server.baseURL,
          model: "fake-model",
          apiKeyEnv: "REGISTRY_KEY",
          prices: { promptPerMTok: 1, completionPerMTok: 1 },
        },
        local: { provider: "sim", seed: 7 },
      }
      // Built in the test's scope: the registry's models live as long as it does.
      const context = yield* Layer.build(
        ModelRegistry.layer({ models, seed: 1, env: { REGISTRY_KEY: KEY } }).pipe(
          Layer.provideMerge(Metering.layer()),
        ),
      )
      const registry = Context.get(context, ModelRegistry)
      const metering = Context.get(context, Metering)
      expect(registry.names).toEqual(["local", "remote"])
      expect((yield* registry.config("remote")).provider).toBe("openai")

      const remote = yield* registry.forAgent("remote", "teacher-1")
      expect(remote.name).toBe("remote")
      const response = yield* remote.generate({ prompt: "hello" })
      expect(response.texts).toEqual(["answer 1 to hello"])
      expect(server.requests()[0]?.authorization).toBe(`Bearer ${KEY}`)

      const unmetered = yield* registry.get("remote")
      yield* unmetered.generate({ prompt: "not counted" })

      const snapshot = yield* metering.snapshot
      expect(snapshot.rows.map((row) => [row.model, row.agent, row.calls])).toEqual([
        ["remote", "teacher-1", 1],
      ])
      expect(snapshot.total.costUsd).toBeGreaterThan(0)
    }),
  )

  it.scopedLive("builds sim models, deterministic under the run seed, and meters them too", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const make = (seed: number) =>
        ModelRegistry.make({
          models: { a: { provider: "sim" }, b: { provider: "sim", seed: 3 } },
          seed,
        }).pipe(Effect.provideService(Metering, metering))
      const first = yield* make(11)
      const second = yield* make(11)
      const request = { prompt: "the cat sat on the", maxTokens: 8, temperature: 1, n: 3 }
      const generate = (registry: typeof first, name: string) =>
        Effect.flatMap(registry.forAgent(name, "student-1"), (model) => model.generate(request))
      const texts = (yield* generate(first, "a")).texts
      expect(texts).toHaveLength(3)
      expect((yield* generate(second, "a")).texts).toEqual(texts)
      const model = yield* first.get("b")
      expect(model.name).toBe("b")
      const row = (yield* metering.snapshot).rows[0]
      expect(row).toMatchObject({ model: "a", agent: "student-1", calls: 2, errors: 0, costUsd: 0 })
      expect(row?.promptTokens).toBeGreaterThan(0)
      expect(row?.completionTokens).toBeGreaterThan(0)
    }),
  )

  it.scopedLive("prices a sim model's calls exactly as an openai model's (what it would cost, offline)", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const prices = { promptPerMTok: 3, completionPerMTok: 15 }
      const registry = yield* ModelRegistry.make({
        models: { priced: { provider: "sim", seed: 5, prices }, free: { provider: "sim", seed: 5 } },
        seed: 1,
      }).pipe(Effect.provideService(Metering, metering))
      const request = { prompt: "the cat sat on the", maxTokens: 6, temperature: 1 }
      const generated = yield* Effect.flatMap(registry.forAgent("priced", "a"), (m) => m.generate(request))
      const scored = yield* Effect.flatMap(registry.forAgent("priced", "a"), (m) =>
        m.score({ prompt: "the cat", continuation: " sat" }),
      )
      yield* Effect.flatMap(registry.forAgent("free", "a"), (m) => m.generate(request))
      const promptTokens = generated.usage.promptTokens + scored.usage.promptTokens
      const completionTokens = generated.usage.completionTokens + scored.usage.completionTokens
      const snapshot = yield* metering.snapshot
      expect(snapshot.byModel.priced?.costUsd).toBeCloseTo(
        (promptTokens * 3 + completionTokens * 15) / 1e6,
        12,
      )
      expect(snapshot.byModel.priced?.costUsd).toBeGreaterThan(0)
      expect(snapshot.byModel.free?.costUsd).toBe(0)
    }),
  )

  it.scopedLive("fails an unknown name with the declared names", () =>
    Effect.gen(function* () {
      const registry = yield* ModelRegistry.make({
        models: { zeta: { provider: "sim" }, alpha: { provider: "sim" } },
        seed: 1,
      }).pipe(Effect.provide(Metering.layer()))
      const error = yield* Effect.flip(registry.get("gamma"))
      expect(error._tag).toBe("UnknownModel")
      expect(error.message).toBe('Unknown model "gamma"; the scenario declares: alpha, zeta.')
      expect(error.known).toEqual(["alpha", "zeta"])
      expect((yield* Effect.flip(registry.forAgent("gamma", "x")))._tag).toBe("UnknownModel")
    }),
  )

  it.scopedLive("fails to build when an API key variable is not set, naming it", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(
        ModelRegistry.make({
          models: {
            remote: {
              provider: "openai",
              baseURL: "http://127.0.0.1:9/v1",
              model: "m",
              apiKeyEnv: "LYCEUM_UNSET_KEY",
            },
          },
          seed: 1,
          env: {},
        }).pipe(Effect.provide(Metering.layer())),
      )
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("MissingApiKey")
        expect(result.left.message).toBe(
          'Model "remote" reads its API key from the environment variable LYCEUM_UNSET_KEY, which is not set.',
        )
      }
    }),
  )
})

describe("ModelRegistry corpora", () => {
  it.scoped("gives a sim model the named background corpus, and names the missing one", () =>
    Effect.gen(function* () {
      const corpora = { "culture:test": "In Zembla people drive on the left.\n".repeat(5) }
      const registry = yield* ModelRegistry.make({
        models: {
          prior: { provider: "sim", seed: 1, corpus: "culture:test" },
          plain: { provider: "sim", seed: 1 },
        },
        seed: 1,
        corpora,
      })
      const score = (name: string) =>
        Effect.flatMap(registry.get(name), (model) =>
          model.score({ prompt: "In Zembla people drive on the", continuation: " left." }),
        )
      const prior = yield* score("prior")
      const plain = yield* score("plain")
      expect(prior.logprobs.reduce((a, b) => a + b)).toBeGreaterThan(plain.logprobs.reduce((a, b) => a + b))

      const missing = yield* Effect.flip(
        ModelRegistry.make({
          models: { m: { provider: "sim", corpus: "culture:nowhere" } },
          seed: 1,
          corpora,
        }),
      )
      expect(missing.message).toContain(
        'asks for the corpus "culture:nowhere"; the corpora there are: culture:test',
      )
    }).pipe(Effect.provide(Metering.layer())),
  )
})
