import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, JSONSchema, Schema } from "effect"
import { Metering } from "../src/Metering.js"
import { type DeclaredOpenAiModelConfig, ModelConfig } from "../src/ModelConfig.js"
import { ModelRegistry, resolveOpenAiConfig } from "../src/ModelRegistry.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

const KEY = "sk-presets-test-key"

const resolve = (
  config: Omit<DeclaredOpenAiModelConfig, "provider" | "model">,
  env: Record<string, string | undefined> = {},
) =>
  Effect.runSync(Effect.either(resolveOpenAiConfig("m", { provider: "openai", model: "x", ...config }, env)))

const resolved = (
  config: Omit<DeclaredOpenAiModelConfig, "provider" | "model">,
  env: Record<string, string | undefined> = {},
) => Either.getOrThrow(resolve(config, env))

describe("openai model defaults: presets and the OPENAI_* conventions", () => {
  it("each preset sets its server's base URL and the score mode that server supports", () => {
    const of = (preset: DeclaredOpenAiModelConfig["preset"] & {}) => {
      const { baseURL, score } = resolved({ preset })
      return [baseURL, score]
    }
    expect(of("vllm")).toEqual(["http://localhost:8000/v1", "completions"])
    expect(of("ollama")).toEqual(["http://localhost:11434/v1", "chat"])
    expect(of("llamacpp")).toEqual(["http://localhost:8080/v1", "chat"])
    expect(resolved({ preset: "openai" }, { OPENAI_API_KEY: KEY })).toMatchObject({
      baseURL: "https://api.openai.com/v1",
      score: "chat",
      apiKeyEnv: "OPENAI_API_KEY",
    })
  })

  it("explicit fields win over the preset and the environment", () => {
    const env = { OPENAI_BASE_URL: "http://env.example/v1", OPENAI_API_KEY: KEY }
    expect(
      resolved(
        { preset: "ollama", baseURL: "http://gpu:11434/v1", score: "auto", apiKeyEnv: "OLLAMA_KEY" },
        env,
      ),
    ).toMatchObject({ baseURL: "http://gpu:11434/v1", score: "auto", apiKeyEnv: "OLLAMA_KEY" })
    expect(resolved({ baseURL: "http://mine/v1", apiKeyEnv: "MINE" }, env)).toMatchObject({
      baseURL: "http://mine/v1",
      apiKeyEnv: "MINE",
      score: "completions",
    })
    expect(
      resolved({ preset: "openai", baseURL: "https://proxy/v1", score: "completions" }, env),
    ).toMatchObject({
      baseURL: "https://proxy/v1",
      score: "completions",
    })
  })

  it("without a preset (or with preset openai) OPENAI_BASE_URL and OPENAI_API_KEY are the defaults", () => {
    const env = { OPENAI_BASE_URL: "http://env.example/v1", OPENAI_API_KEY: KEY }
    expect(resolved({}, env)).toEqual({
      provider: "openai",
      model: "x",
      baseURL: "http://env.example/v1",
      apiKeyEnv: "OPENAI_API_KEY",
      score: "completions",
    })
    expect(resolved({ preset: "openai" }, env)).toMatchObject({ baseURL: "http://env.example/v1" })
    // The result names the variable, never the key.
    expect(JSON.stringify(resolved({}, env))).not.toContain(KEY)
    // No key in the environment: none is sent (the endpoint may need none)...
    expect(resolved({}, { OPENAI_BASE_URL: "http://env.example/v1" }).apiKeyEnv).toBeUndefined()
    // ...but OpenAI itself needs one, so preset openai names the variable and the model fails if it is unset.
    expect(resolved({ preset: "openai" }).apiKeyEnv).toBe("OPENAI_API_KEY")
  })

  it("a local server's preset ignores the OPENAI_* variables: the OpenAI key is never sent to it", () => {
    const env = { OPENAI_BASE_URL: "https://api.openai.com/v1", OPENAI_API_KEY: KEY }
    for (const preset of ["vllm", "ollama", "llamacpp"] as const) {
      const config = resolved({ preset }, env)
      expect(config.baseURL).toMatch(/^http:\/\/localhost:\d+\/v1$/)
      expect(config.apiKeyEnv).toBeUndefined()
    }
  })

  it("a model with no base URL anywhere, or a bad OPENAI_BASE_URL, fails naming the model and what to set", () => {
    const missing = resolve({}, { OPENAI_BASE_URL: "" })
    expect(Either.isLeft(missing)).toBe(true)
    const message = Either.isLeft(missing) ? missing.left.message : ""
    expect(missing).toMatchObject({ left: { _tag: "MissingBaseURL", model: "m" } })
    expect(message).toContain('Model "m"')
    expect(message).toContain("set baseURL")
    expect(message).toContain("preset")
    expect(message).toContain("OPENAI_BASE_URL")
    expect(resolve({}, { OPENAI_BASE_URL: "localhost:8000" })).toMatchObject({
      left: { _tag: "MissingBaseURL", message: expect.stringContaining('holds "localhost:8000"') },
    })
  })

  it("the Schema accepts a preset without a base URL, rejects unknown presets and documents them", () => {
    const decode = Schema.decodeUnknownEither(ModelConfig)
    expect(Either.isRight(decode({ provider: "openai", preset: "ollama", model: "llama3.2" }))).toBe(true)
    expect(Either.isRight(decode({ provider: "openai", model: "gpt-4o-mini" }))).toBe(true)
    expect(Either.isLeft(decode({ provider: "openai", preset: "lmstudio", model: "m" }))).toBe(true)
    const schema = JSON.stringify(JSONSchema.make(ModelConfig))
    for (const text of ["http://localhost:11434/v1", "http://localhost:8080/v1", "ggml-org/llama.cpp#27174"])
      expect(schema).toContain(text)
  })
})

describe("ModelRegistry with presets and the environment", () => {
  it.scopedLive("builds a model from OPENAI_BASE_URL and OPENAI_API_KEY in its env", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const registry = yield* ModelRegistry.make({
        models: { remote: { provider: "openai", model: "fake-model" } },
        seed: 1,
        env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: KEY },
      }).pipe(Effect.provide(Metering.layer()))
      const model = yield* registry.get("remote")
      expect((yield* model.generate({ prompt: "hello" })).texts).toEqual(["answer 1 to hello"])
      expect(server.requests()[0]?.authorization).toBe(`Bearer ${KEY}`)
      // The declared config is what the registry hands out (and what a run records): no env-derived values.
      expect(yield* registry.config("remote")).toEqual({ provider: "openai", model: "fake-model" })
    }),
  )

  it.scopedLive(
    "a preset's score: chat reaches the model: it does not teacher-force, it scores labels and generations",
    () =>
      Effect.gen(function* () {
        const registry = yield* ModelRegistry.make({
          models: {
            ollama: { provider: "openai", preset: "ollama", model: "llama3.2" },
            vllm: { provider: "openai", preset: "vllm", model: "qwen" },
          },
          seed: 1,
          env: {},
        }).pipe(Effect.provide(Metering.layer()))
        const ollama = yield* registry.get("ollama")
        expect({ ...ollama.capabilities }).toEqual({
          score: false,
          generationLogprobs: true,
          labelScores: true,
        })
        expect(ollama.scoreLabels).toBeDefined()
        const vllm = yield* registry.get("vllm")
        expect({ ...vllm.capabilities }).toEqual({ score: true, generationLogprobs: true, labelScores: true })
        // vLLM teacher-forces labels: the caller's `scoreLabels` does it through `score`.
        expect(vllm.scoreLabels).toBeUndefined()
      }),
  )

  it.scopedLive("a model without any base URL fails the registry before anything is called", () =>
    Effect.gen(function* () {
      const result = yield* ModelRegistry.make({
        models: { teacher: { provider: "openai", model: "m" } },
        seed: 1,
        env: {},
      }).pipe(Effect.provide(Metering.layer()), Effect.either)
      expect(result).toMatchObject({ left: { _tag: "MissingBaseURL", model: "teacher" } })
    }),
  )
})
