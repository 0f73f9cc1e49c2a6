import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, Scope } from "effect"
import type { LanguageModel } from "../src/LanguageModel.js"
import { Metering, type MeteringOptions } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { parseRetryAfter } from "../src/openai/OpenAiErrors.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { type FakeOpenAiOptions, fakeLogprob, makeFakeOpenAi } from "./support/FakeOpenAi.js"

const KEY = "sk-test-5ecret-k3y-never-shown"
const fastBackoff = { baseDelayMs: 5, maxDelayMs: 20 }

interface Setup {
  readonly server?: FakeOpenAiOptions
  readonly config?: Partial<OpenAiModelConfig>
  readonly metering?: MeteringOptions
}

/** A fake endpoint, a model on it, and that model metered as agent "alice". */
const setup = (options: Setup = {}) =>
  Effect.gen(function* () {
    const server = yield* makeFakeOpenAi(options.server)
    const metering = yield* Metering.make(options.metering)
    const config: OpenAiModelConfig = {
      provider: "openai",
      baseURL: server.baseURL,
      model: "fake-model",
      apiKeyEnv: "FAKE_API_KEY",
      maxRetries: 3,
      timeoutMs: 2_000,
      ...options.config,
    }
    const raw = yield* makeOpenAiModel("gpt", config, { FAKE_API_KEY: KEY }, { backoff: fastBackoff })
    const model: LanguageModel = metering.metered(raw, "alice", config.prices)
    const usage = Effect.map(metering.snapshot, (snapshot) => snapshot.total)
    return { server, metering, raw, model, usage }
  })

const mentionsKey = (error: unknown): boolean =>
  String(error).includes(KEY) ||
  JSON.stringify(error).includes(KEY) ||
  (error as Error).message?.includes(KEY)

describe("generate", () => {
  it.scopedLive("sends chat messages with the sampling parameters and parses texts and usage", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      const response = yield* model.generate({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hello there" },
        ],
        temperature: 0.7,
        topP: 0.9,
        maxTokens: 12,
        stop: ["\n"],
        n: 2,
        seed: 42,
      })
      expect(response.texts).toEqual(["answer 1 to hello there", "answer 2 to hello there"])
      expect(response.usage).toEqual({ promptTokens: 4, completionTokens: 10 })
      const [request] = server.requests()
      expect(request?.endpoint).toBe("chat")
      expect(request?.authorization).toBe(`Bearer ${KEY}`)
      expect(request?.body).toMatchObject({
        model: "fake-model",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hello there" },
        ],
        temperature: 0.7,
        top_p: 0.9,
        max_tokens: 12,
        stop: ["\n"],
        n: 2,
        seed: 42,
      })
    }),
  )

  it.scopedLive("turns a bare prompt into one user message", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      const response = yield* model.generate({ prompt: "Say hi" })
      expect(response.texts).toEqual(["answer 1 to Say hi"])
      expect(server.requests()[0]?.body.messages).toEqual([{ role: "user", content: "Say hi" }])
      expect(server.requests()[0]?.body.n).toBeUndefined()
    }),
  )

  it.scopedLive("waits out a slow response that is within the timeout", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup({ config: { timeoutMs: 2_000 } })
      server.script("chat", { kind: "ok", delayMs: 100 })
      const response = yield* model.generate({ prompt: "slowly" })
      expect(response.texts).toEqual(["answer 1 to slowly"])
      expect((yield* usage).retries).toBe(0)
    }),
  )

  // Fewer choices than n: see openai-samples.test.ts (the missing samples are asked for one by one).

  it.scopedLive("sends no Authorization header to an endpoint configured without a key", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const model = yield* makeOpenAiModel(
        "local",
        { provider: "openai", baseURL: server.baseURL, model: "m" },
        {},
      )
      yield* model.generate({ prompt: "hi" })
      expect(server.requests()[0]?.authorization).toBeUndefined()
    }),
  )
})

describe("score", () => {
  it.scopedLive("returns the log-probabilities of the continuation's tokens only", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      const response = yield* model.score({ prompt: "The cat sat", continuation: " on the mat" })
      expect(response.tokens).toEqual([" on", " the", " mat"])
      expect(response.logprobs).toEqual([fakeLogprob(" on"), fakeLogprob(" the"), fakeLogprob(" mat")])
      expect(response.usage).toEqual({ promptTokens: 6, completionTokens: 1 })
      expect(server.requests()[0]?.body).toMatchObject({
        model: "fake-model",
        prompt: "The cat sat on the mat",
        echo: true,
        logprobs: 1,
        max_tokens: 1,
      })
    }),
  )

  it.scopedLive("counts a token that straddles the prompt/continuation boundary as the continuation's", () =>
    Effect.gen(function* () {
      const { model } = yield* setup()
      // The fake tokenizes "The cat sat" as "The", " cat", " sat": " cat" begins in the prompt.
      const response = yield* model.score({ prompt: "The ca", continuation: "t sat" })
      expect(response.tokens).toEqual([" cat", " sat"])
    }),
  )

  it.scopedLive("scores an empty continuation as nothing, without a request", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      const response = yield* model.score({ prompt: "The cat", continuation: "" })
      expect(response.tokens).toEqual([])
      expect(server.count("completions")).toBe(0)
    }),
  )

  it.scopedLive("on a chat-only server fails with a clear ScoreUnsupported and stops asking", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup({ server: { completions: false } })
      expect(model.capabilities.score).toBe(true)
      const error = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
      expect(error._tag).toBe("ScoreUnsupported")
      expect(error.message).toContain("cannot score")
      expect(error.message).toContain("/completions answered 404")
      expect(error.message).toContain('score: "none"')
      expect(model.capabilities.score).toBe(false)
      const again = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
      expect(again._tag).toBe("ScoreUnsupported")
      expect(server.requests().length).toBe(1)
    }),
  )

  it.scopedLive("fails with ScoreUnsupported when the server ignores logprobs", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      server.script("completions", { kind: "noLogprobs" })
      const error = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
      expect(error._tag).toBe("ScoreUnsupported")
      expect(error.message).toContain("without logprobs")
    }),
  )

  it.scopedLive('with score: "none" declares no capability and sends nothing', () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup({ config: { score: "none" } })
      expect(model.capabilities.score).toBe(false)
      const error = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
      expect(error._tag).toBe("ScoreUnsupported")
      expect(server.requests().length).toBe(0)
    }),
  )

  it.scopedLive('with score: "auto" probes the endpoint once when the model is made', () =>
    Effect.gen(function* () {
      const chatOnly = yield* setup({ server: { completions: false }, config: { score: "auto" } })
      expect(chatOnly.model.capabilities.score).toBe(false)
      const full = yield* setup({ config: { score: "auto" } })
      expect(full.model.capabilities.score).toBe(true)
      expect(full.server.count("completions")).toBe(1)
    }),
  )
})

describe("errors and retries", () => {
  it.scopedLive("retries a 429 after its Retry-After and counts the wait", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup()
      server.script("chat", { kind: "rateLimited", headers: { "retry-after": "1" } })
      const response = yield* model.generate({ prompt: "hi" })
      expect(response.texts).toEqual(["answer 1 to hi"])
      expect(server.count("chat")).toBe(2)
      const total = yield* usage
      expect(total.retries).toBe(1)
      expect(total.rateLimitWaits).toBe(1)
      expect(total.rateLimitWaitMs).toBeGreaterThanOrEqual(1_000)
      expect(total.errors).toBe(0)
    }),
  )

  it.scopedLive("honours retry-after-ms", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup()
      server.script("chat", { kind: "rateLimited", headers: { "retry-after-ms": "40" } })
      yield* model.generate({ prompt: "hi" })
      expect((yield* usage).rateLimitWaitMs).toBeGreaterThanOrEqual(40)
    }),
  )

  it.scopedLive("fails with RateLimited once the retries are spent", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup({ config: { maxRetries: 2 } })
      server.script("chat", ...Array.from({ length: 3 }, () => ({ kind: "rateLimited" as const })))
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error._tag).toBe("RateLimited")
      expect(server.count("chat")).toBe(3)
      expect((yield* usage).errors).toBe(1)
    }),
  )

  it.scopedLive("succeeds after two 500s, with two retries counted", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup()
      server.script("chat", { kind: "serverError" }, { kind: "serverError", status: 503 })
      const response = yield* model.generate({ prompt: "hi" })
      expect(response.texts).toEqual(["answer 1 to hi"])
      expect(server.count("chat")).toBe(3)
      const total = yield* usage
      expect(total.retries).toBe(2)
      expect(total.rateLimitWaits).toBe(0)
    }),
  )

  it.scopedLive("fails a 401 with Unauthorized at once, naming the variable but never showing the key", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      server.script("chat", { kind: "unauthorized" })
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error._tag).toBe("Unauthorized")
      expect(server.count("chat")).toBe(1)
      expect(error.message).toContain("$FAKE_API_KEY")
      expect(error.message).toContain("Incorrect API key provided: [redacted]")
      expect(mentionsKey(error)).toBe(false)
    }),
  )

  it.scopedLive("times out a request that never answers, retrying it, and fails with Timeout", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup({ config: { timeoutMs: 150, maxRetries: 1 } })
      server.script("chat", { kind: "hang" }, { kind: "hang" })
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error).toMatchObject({ _tag: "Timeout", afterMs: 150 })
      expect(server.count("chat")).toBe(2)
      expect((yield* usage).retries).toBe(1)
    }),
  )

  it.scopedLive("fails malformed JSON with BadResponse, without retrying", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      server.script("chat", { kind: "malformedJson" })
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error._tag).toBe("BadResponse")
      expect(error.message).toContain("not the OpenAI protocol")
      expect(server.count("chat")).toBe(1)
    }),
  )

  it.scopedLive("fails JSON of the wrong shape with BadResponse naming what is missing", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      server.script("chat", { kind: "wrongShape" })
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error._tag).toBe("BadResponse")
      expect(error.message).toContain('ChatCompletion\n└─ ["choices"]\n   └─ is missing')
      expect(server.count("chat")).toBe(1)
    }),
  )

  it.scopedLive("retries a truncated body and succeeds", () =>
    Effect.gen(function* () {
      const { server, model, usage } = yield* setup()
      server.script("chat", { kind: "truncated" })
      const response = yield* model.generate({ prompt: "hi" })
      expect(response.texts).toEqual(["answer 1 to hi"])
      expect(server.count("chat")).toBe(2)
      expect((yield* usage).retries).toBe(1)
    }),
  )

  it.scopedLive("fails a body that stays truncated with BadResponse", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup({
        server: { defaultReply: { kind: "truncated" } },
        config: { maxRetries: 1 },
      })
      const error = yield* Effect.flip(model.generate({ prompt: "hi" }))
      expect(error._tag).toBe("BadResponse")
      expect(error.message).toContain("truncated")
      expect(server.count("chat")).toBe(2)
    }),
  )

  it.scopedLive("maps a context-length 400 to ContextTooLong, without retrying", () =>
    Effect.gen(function* () {
      const { server, model } = yield* setup()
      server.script("chat", { kind: "contextTooLong" })
      const error = yield* Effect.flip(model.generate({ prompt: "a very long prompt" }))
      expect(error._tag).toBe("ContextTooLong")
      expect(error.message).toContain("maximum context length")
      expect(server.count("chat")).toBe(1)
    }),
  )

  it.scopedLive("maps an unreachable endpoint to Unavailable", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const closedPort = yield* Effect.promise(
        () =>
          new Promise<number>((resolve) => {
            const probe = createServer().listen(0, "127.0.0.1", () => {
              const { port } = probe.address() as AddressInfo
              probe.close(() => resolve(port))
            })
          }),
      )
      const baseURL = `http://127.0.0.1:${closedPort}/v1`
      const raw = yield* makeOpenAiModel(
        "gone",
        { provider: "openai", baseURL, model: "m", apiKeyEnv: "K", maxRetries: 1 },
        { K: KEY },
        { backoff: fastBackoff },
      )
      const error = yield* Effect.flip(metering.metered(raw, "bob").generate({ prompt: "hi" }))
      expect(error._tag).toBe("Unavailable")
      expect(error.message).toContain(`Could not reach ${baseURL}`)
      expect(error.message).toContain("ECONNREFUSED")
      expect(mentionsKey(error)).toBe(false)
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 1, errors: 1, retries: 1 })
    }),
  )

  it.scopedLive("closing the model's scope aborts its requests in flight and fails later calls", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi({ defaultReply: { kind: "hang" } })
      const scope = yield* Scope.make()
      const model = yield* makeOpenAiModel(
        "gpt",
        { provider: "openai", baseURL: server.baseURL, model: "m" },
        {},
      ).pipe(Scope.extend(scope))
      const fiber = yield* Effect.fork(model.generate({ prompt: "hi" }))
      while (server.count("chat") === 0) yield* Effect.sleep(5)
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("Unavailable")
      expect(error.message).toContain("is closed")
      expect((yield* Effect.flip(model.generate({ prompt: "again" })))._tag).toBe("Unavailable")
      expect(server.count("chat")).toBe(1)
    }),
  )

  it.scopedLive("fails with MissingApiKey naming the variable when it is not set", () =>
    Effect.gen(function* () {
      const result = yield* Effect.either(
        makeOpenAiModel(
          "gpt",
          { provider: "openai", baseURL: "http://x/v1", model: "m", apiKeyEnv: "NOT_SET_KEY" },
          {},
        ),
      )
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.variable).toBe("NOT_SET_KEY")
        expect(result.left.message).toContain("NOT_SET_KEY")
      }
    }),
  )
})

describe("parseRetryAfter", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries)
  const now = Date.parse("2025-01-01T00:00:00Z")

  it("reads seconds, HTTP dates and retry-after-ms, preferring the milliseconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "2" }), now)).toBe(2_000)
    expect(parseRetryAfter(headers({ "retry-after": "0.5" }), now)).toBe(500)
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3_000)
    expect(parseRetryAfter(headers({ "retry-after-ms": "12.5", "retry-after": "9" }), now)).toBe(13)
  })

  it("ignores absent and unreadable values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(headers({}), now)).toBeUndefined()
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeUndefined()
  })
})
