import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { meteredChatModel } from "./support/ChatModel.js"
import type { FakeOpenAiOptions } from "./support/FakeOpenAi.js"

/**
 * Broken or hostile OpenAI-compatible servers: answers that parse as JSON and look like OpenAI responses, but whose
 * log-probabilities or usage would silently rank, score or meter wrong if trusted.
 */

const setup = (server: FakeOpenAiOptions, config: Partial<OpenAiModelConfig> = {}) =>
  meteredChatModel("teacher", server, { maxRetries: 0, ...config })

const usage = `"usage": {"prompt_tokens": 7, "completion_tokens": 3}`

/** A chat answer whose one choice says `content` with `tokens` as its logprobs content (JSON text). */
const chatWith = (content: string, tokens: string, usageJson = usage) =>
  `{"choices": [{"index": 0, "message": {"role": "assistant", "content": ${JSON.stringify(content)}},` +
  ` "logprobs": {"content": ${tokens}}}], ${usageJson}}`

const ask = { prompt: "Write an example", temperature: 1, seed: 5, logprobs: true } as const

describe("generation log-probs from a broken server", () => {
  const cases: ReadonlyArray<[string, string, RegExp]> = [
    // An empty list's mean is 0: the sample would rank as certain.
    ["an empty list for a non-empty answer", "[]", /sample 1 \(16 characters\).*only 0 token\(s\)/],
    [
      "fewer tokens than the answer",
      `[{"token": "Hello", "logprob": -0.5}]`,
      /only 1 token\(s\) spelling 5 characters: ranking by them would score a fragment/,
    ],
    // JSON.parse reads 1e400 as Infinity.
    [
      "an infinite log-probability",
      `[{"token": "Hello", "logprob": -1e400}, {"token": " there, you", "logprob": -1}]`,
      /not an OpenAI response[\s\S]*logprob[\s\S]*a finite log-probability <= 0/,
    ],
    [
      "a positive log-probability",
      `[{"token": "Hello", "logprob": 2.5}, {"token": " there, you", "logprob": -1}]`,
      /a finite log-probability <= 0/,
    ],
  ]
  for (const [what, tokens, message] of cases)
    it.scopedLive(`${what}: BadResponse naming the model, not a ranking`, () =>
      Effect.gen(function* () {
        const { fake, model } = yield* setup({ server: "llamacpp" })
        fake.script("chat", { kind: "raw", json: chatWith("Hello there, you", tokens) })
        const error = yield* Effect.flip(model.generate(ask))
        expect(error).toMatchObject({ _tag: "BadResponse", model: "teacher" })
        expect(error.message).toMatch(message)
      }),
    )

  it.scopedLive("tokens covering the answer (more is fine: a stop token) are taken as they are", () =>
    Effect.gen(function* () {
      const { fake, model } = yield* setup({ server: "llamacpp" })
      const tokens = `[{"token": "Hi", "logprob": -0.5}, {"token": " you", "logprob": 0}, {"token": "\\n", "logprob": -2}]`
      fake.script("chat", { kind: "raw", json: chatWith("Hi you", tokens) })
      expect((yield* model.generate(ask)).logprobs).toEqual([[-0.5, 0, -2]])
    }),
  )
})

describe("usage from a broken server is estimated, not trusted", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["negative counts", `"usage": {"prompt_tokens": -5, "completion_tokens": 3}`],
    ["fractional counts", `"usage": {"prompt_tokens": 2.5, "completion_tokens": 3}`],
    ["a count missing", `"usage": {"prompt_tokens": 5}`],
    ["counts as strings", `"usage": {"prompt_tokens": "5", "completion_tokens": "3"}`],
    ["no usage object", `"usage": 12`],
  ]
  for (const [what, usageJson] of cases)
    it.scopedLive(`${what}: the call succeeds, counted by the tokenizer and marked estimated`, () =>
      Effect.gen(function* () {
        const { fake, model, metering } = yield* setup({ server: "llamacpp" })
        fake.script("chat", {
          kind: "raw",
          json: chatWith(
            "Hi you",
            `[{"token": "Hi", "logprob": -0.5}, {"token": " you", "logprob": -1}]`,
            usageJson,
          ),
        })
        const response = yield* model.generate(ask)
        expect(response.usage.promptTokens).toBeGreaterThan(0)
        expect(response.usage.completionTokens).toBe(2)
        expect((yield* metering.snapshot).total).toMatchObject({ calls: 1, estimatedCalls: 1 })
      }),
    )

  it.scopedLive("valid usage is the server's, not estimated", () =>
    Effect.gen(function* () {
      const { fake, model, metering } = yield* setup({ server: "llamacpp" })
      fake.script("chat", {
        kind: "raw",
        json: chatWith("Hi you", `[{"token": "Hi", "logprob": -0.5}, {"token": " you", "logprob": -1}]`),
      })
      expect((yield* model.generate(ask)).usage).toEqual({ promptTokens: 7, completionTokens: 3 })
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 1, estimatedCalls: 0 })
    }),
  )
})

describe("label scores from a broken server", () => {
  it.scopedLive("an infinite top_logprobs value is refused, not taken as the label's score", () =>
    Effect.gen(function* () {
      const { fake, model } = yield* setup({ server: "llamacpp" })
      const top = `[{"token": "spam", "logprob": -0.1}, {"token": "ham", "logprob": -1e400}]`
      fake.script("chat", {
        kind: "raw",
        json: chatWith("spam", `[{"token": "spam", "logprob": -0.1, "top_logprobs": ${top}}]`),
      })
      const error = yield* Effect.flip(
        model.scoreLabels!({ prompt: "Spam or ham?", labels: ["spam", "ham"] }),
      )
      expect(error._tag).toBe("BadResponse")
      expect(error.message).toMatch(/top_logprobs[\s\S]*a finite log-probability <= 0/)
    }),
  )
})

describe("echo-scoring checks every answer echoes the text sent", () => {
  /** A completions answer with these tokens, offsets and log-probs, whose text is the tokens joined. */
  const completion = (tokens: ReadonlyArray<string>, logprobs: ReadonlyArray<number | null>) => {
    const offsets = tokens.map((_, i) => tokens.slice(0, i).join("").length)
    return JSON.stringify({
      choices: [
        { text: tokens.join(""), logprobs: { tokens, token_logprobs: logprobs, text_offset: offsets } },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 1 },
    })
  }
  const cases: ReadonlyArray<[string, { prompt: string; continuation: string }, string]> = [
    // A prompt cut to fit the context: the offsets are of the shorter text, so the generated " six" lands where
    // the continuation " five" should be, and would be read as its score.
    [
      "an echo missing the prompt's start",
      { prompt: "one two three four", continuation: " five" },
      completion(["three", " four", " five", " six"], [null, -1, -2, -3]),
    ],
    // llama.cpp's ignored echo with an empty prompt: its one generated token starts at 0, inside the continuation.
    ["no echo of an empty prompt", { prompt: "", continuation: "hello" }, completion([" end"], [-1])],
  ]
  for (const [what, request, json] of cases)
    it.scopedLive(`${what}: ScoreUnsupported, never the generated token's log-prob`, () =>
      Effect.gen(function* () {
        const { fake, model } = yield* setup({}, { score: "completions" })
        fake.script("completions", { kind: "raw", json })
        const error = yield* Effect.flip(model.score(request))
        expect(error._tag).toBe("ScoreUnsupported")
        expect(error.message).toMatch(
          /teacher cannot score: .*ignored echo \(the endpoint did not echo the prompt/,
        )
      }),
    )
})
