import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { ModelCapabilities, probeDeclaredModel } from "../src/openai/Probe.js"
import { type FakeOpenAiOptions, makeFakeOpenAi } from "./support/FakeOpenAi.js"

/** Probes a model declared on a fake server in `mode`, as `lyceum models check` would. */
const probe = (server: FakeOpenAiOptions) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeOpenAi(server)
    const found = yield* probeDeclaredModel(
      "m",
      { provider: "openai", model: "x", baseURL: fake.baseURL },
      {},
    )
    // The record is Schema-typed data: it round-trips through JSON (for the run record later).
    expect(Schema.decodeUnknownSync(ModelCapabilities)(JSON.parse(JSON.stringify(found)))).toEqual(found)
    return { found, fake }
  })

describe("capability probe: each server mode's truth", () => {
  it.scopedLive("vLLM: both routes, echo-scoring real, chat logprobs, n and seed honoured", () =>
    Effect.gen(function* () {
      const { found } = yield* probe({ server: "vllm" })
      expect(found.routes.completions.answers).toBe(true)
      expect(found.routes.chat.answers).toBe(true)
      expect(found.echo.verdict).toBe("real")
      expect(found.echo.predictableMean!).toBeGreaterThan(found.echo.scrambledMean! + 1)
      expect(found.chatLogprobs).toMatchObject({ verdict: "yes", topLogprobs: 2 })
      expect(found.n).toMatchObject({ verdict: "honoured", choices: 2 })
      expect(found.seed).toMatchObject({ verdict: "honoured", sameSeedSame: true, otherSeedDiffers: true })
    }),
  )

  it.scopedLive("llama.cpp: completions answers but ignores echo (logprobs of generated tokens only)", () =>
    Effect.gen(function* () {
      const { found, fake } = yield* probe({ server: "llamacpp", maxChoices: 1 })
      expect(found.routes.completions.answers).toBe(true)
      expect(found.echo.verdict).toBe("ignored")
      expect(found.echo.detail).toMatch(/did not echo the prompt/)
      // The server really was asked to echo, and answered 200 with logprobs: the silent trap.
      expect(fake.requests().find((r) => r.endpoint === "completions")?.body.echo).toBe(true)
      expect(found.chatLogprobs.verdict).toBe("yes")
      expect(found.n).toMatchObject({ verdict: "ignored", choices: 1 })
      expect(found.seed.verdict).toBe("honoured")
    }),
  )

  it.scopedLive("Ollama: no completions echo, chat logprobs yes, n not honoured, seed honoured", () =>
    Effect.gen(function* () {
      const { found } = yield* probe({ server: "ollama" })
      expect(found.routes.completions.answers).toBe(true)
      expect(found.echo).toMatchObject({
        verdict: "unavailable",
        detail: "/completions answered without logprobs",
      })
      expect(found.chatLogprobs.verdict).toBe("yes")
      expect(found.n).toMatchObject({ verdict: "ignored", asked: 2, choices: 1 })
      expect(found.seed.verdict).toBe("honoured")
    }),
  )

  it.scopedLive("OpenAI chat-only: no completions route; chat logprobs, n and seed honoured", () =>
    Effect.gen(function* () {
      const { found } = yield* probe({ server: "openai" })
      expect(found.routes.completions.answers).toBe(false)
      expect(found.routes.completions.detail).toMatch(/404|completions/)
      expect(found.echo.verdict).toBe("unavailable")
      expect(found.routes.chat.answers).toBe(true)
      expect(found.chatLogprobs.verdict).toBe("yes")
      expect(found.n.verdict).toBe("honoured")
      expect(found.seed.verdict).toBe("honoured")
    }),
  )

  it.scopedLive("echo that answers with context-free values is caught as ignored, with the numbers", () =>
    Effect.gen(function* () {
      // The plain fake echoes, but its log-probabilities do not depend on the context: both means are equal.
      const { found } = yield* probe({})
      expect(found.echo.verdict).toBe("ignored")
      expect(found.echo.predictableMean).toBe(found.echo.scrambledMean)
      // ...and it returns no chat logprobs.
      expect(found.chatLogprobs.verdict).toBe("no")
    }),
  )

  it.scopedLive("a busy or failing /completions makes the echo verdict inconclusive, not evidence", () =>
    Effect.gen(function* () {
      for (const reply of [
        { kind: "serverError", status: 503 },
        { kind: "rateLimited" },
        { kind: "serverError", status: 500 },
      ] as const) {
        const fake = yield* makeFakeOpenAi({ server: "vllm" })
        fake.script("completions", reply)
        const found = yield* probeDeclaredModel(
          "m",
          { provider: "openai", model: "x", baseURL: fake.baseURL },
          {},
        )
        expect(found.echo).toMatchObject({ verdict: "unavailable", inconclusive: true })
      }
      // The scrambled half failing is as inconclusive as the predictable half.
      const late = yield* makeFakeOpenAi({ server: "vllm" })
      late.script("completions", { kind: "ok" }, { kind: "serverError", status: 502 })
      const found = yield* probeDeclaredModel(
        "m",
        { provider: "openai", model: "x", baseURL: late.baseURL },
        {},
      )
      expect(found.echo.inconclusive).toBe(true)
      // A 404 (no such route) and an answer without echo are evidence, not noise.
      const { found: chatOnly } = yield* probe({ server: "openai" })
      expect(chatOnly.echo.inconclusive).toBeUndefined()
      const { found: llama } = yield* probe({ server: "llamacpp", maxChoices: 1 })
      expect(llama.echo.inconclusive).toBeUndefined()
    }),
  )

  it.scopedLive("chat logprobs that are no log-probabilities (positive, -1e400) are reported as no", () =>
    Effect.gen(function* () {
      for (const value of ["0.7", "-1e400"]) {
        const fake = yield* makeFakeOpenAi({ server: "vllm" })
        const json = `{"id":"c","object":"chat.completion","created":0,"model":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":${value},"top_logprobs":[]}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`
        fake.script("chat", { kind: "raw", json })
        const found = yield* probeDeclaredModel(
          "m",
          { provider: "openai", model: "x", baseURL: fake.baseURL },
          {},
        )
        expect(found.chatLogprobs).toMatchObject({
          verdict: "no",
          detail: expect.stringMatching(/not log-probabilities/),
        })
      }
    }),
  )

  it.scopedLive("a server that ignores seed is reported as such", () =>
    Effect.gen(function* () {
      const { found } = yield* probe({ server: "vllm", ignoresSeed: true })
      expect(found.seed).toMatchObject({ verdict: "ignored", sameSeedSame: false })
    }),
  )

  it.scopedLive("an endpoint that does not answer gives findings saying so, not a failure", () =>
    Effect.gen(function* () {
      const found = yield* probeDeclaredModel(
        "m",
        { provider: "openai", model: "x", baseURL: "http://127.0.0.1:9/v1" },
        {},
        { timeoutMs: 2000 },
      )
      expect(found.routes.completions.answers).toBe(false)
      expect(found.routes.chat.answers).toBe(false)
      expect(found.echo.verdict).toBe("unavailable")
      expect(found.n.verdict).toBe("unknown")
      expect(found.seed.verdict).toBe("unknown")
    }),
  )

  it.effect(
    "the model's defaults are resolved as the registry does: no base URL anywhere fails clearly",
    () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(probeDeclaredModel("m", { provider: "openai", model: "x" }, {}))
        expect(error._tag).toBe("MissingBaseURL")
      }),
  )
})
