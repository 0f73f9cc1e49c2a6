import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Metering } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { countTokens, tokenizerFamily } from "../src/openai/TokenEstimate.js"
import { type FakeOpenAiOptions, makeFakeOpenAi } from "./support/FakeOpenAi.js"

/**
 * Token accounting where the endpoint reports no usage (llama.cpp, older Ollama): the model family's real
 * tokenizer counts, and the call is marked estimated.
 */

/** Code, numbers, accents, CJK and an emoji: where the families' vocabularies part ways. */
const TEXT = "Tokenisation of    indentation:\n\t\tdef f(x):\n\t\t\treturn 12345678 * 0.5 # ñandú 東京 🙂"

const setup = (server: FakeOpenAiOptions, config: Partial<OpenAiModelConfig> = {}) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeOpenAi(server)
    const metering = yield* Metering.make()
    const raw = yield* makeOpenAiModel(
      "local",
      { provider: "openai", baseURL: fake.baseURL, model: "llama3.1:8b", score: "chat", ...config },
      {},
    )
    return { fake, metering, model: metering.metered(raw, "alice") }
  })

describe("token estimates", () => {
  it("each model identifier gets its family's tokenizer", () => {
    expect(tokenizerFamily("gpt-4o-mini")).toBe("o200k")
    expect(tokenizerFamily("gpt-4.1")).toBe("o200k")
    expect(tokenizerFamily("gpt-5-nano")).toBe("o200k")
    expect(tokenizerFamily("o3-mini")).toBe("o200k")
    expect(tokenizerFamily("gpt-4-turbo")).toBe("cl100k")
    expect(tokenizerFamily("gpt-3.5-turbo")).toBe("cl100k")
    expect(tokenizerFamily("llama3.2:1b")).toBe("llama3")
    expect(tokenizerFamily("meta-llama/Meta-Llama-3-8B-Instruct")).toBe("llama3")
    expect(tokenizerFamily("mistral:7b-instruct")).toBe("mistral")
    expect(tokenizerFamily("mistralai/Mixtral-8x7B-Instruct-v0.1")).toBe("mistral")
    expect(tokenizerFamily("qwen2.5:7b")).toBe("approximate")
  })

  it.effect("counts with the real vocabularies (not words, not characters / 4)", () =>
    Effect.gen(function* () {
      const counts = {
        o200k: yield* countTokens("gpt-4o", TEXT),
        cl100k: yield* countTokens("gpt-4", TEXT),
        llama3: yield* countTokens("llama3.2", TEXT),
        mistral: yield* countTokens("mistral", TEXT),
        approximate: yield* countTokens("qwen2.5", TEXT),
      }
      // Reference counts of gpt-tokenizer 4.0.0, llama3-tokenizer-js 1.2.0 and mistral-tokenizer-js 1.0.0.
      expect(counts).toEqual({ o200k: 28, cl100k: 31, llama3: 29, mistral: 44, approximate: 28 })
      expect(TEXT.split(/\s+/).length).toBe(13)
      expect(yield* countTokens("gpt-4o", "")).toBe(0)
    }),
  )

  it.scopedLive("a chat answer without usage: counted by the tokenizer, metered as an estimated call", () =>
    Effect.gen(function* () {
      const { metering, model } = yield* setup({ server: "llamacpp", noUsage: true })
      const response = yield* model.generate({ prompt: TEXT, seed: 1 })
      const expected = {
        promptTokens: yield* countTokens("llama3.1:8b", TEXT),
        completionTokens: yield* countTokens("llama3.1:8b", response.texts[0]!),
      }
      expect(response.usage).toEqual(expected)
      expect(expected.promptTokens).toBe(29)
      const row = (yield* metering.snapshot).rows[0]!
      expect(row).toMatchObject({ calls: 1, estimatedCalls: 1, ...expected })
    }),
  )

  it.scopedLive("samples asked one by one without usage: every request counted and marked", () =>
    Effect.gen(function* () {
      const { fake, metering, model } = yield* setup({ server: "ollama", noUsage: true })
      yield* model.generate({ prompt: "hello", n: 3, temperature: 1, seed: 2 })
      expect(fake.count("chat")).toBe(3)
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 3, estimatedCalls: 3 })
    }),
  )

  it.scopedLive("reported usage is taken as reported: nothing estimated", () =>
    Effect.gen(function* () {
      const { metering, model } = yield* setup({ server: "llamacpp" })
      const response = yield* model.generate({ prompt: TEXT, seed: 1 })
      // The fake reports words, not tokens: 13 words in TEXT.
      expect(response.usage.promptTokens).toBe(13)
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 1, estimatedCalls: 0 })
    }),
  )

  it.scopedLive("completions scoring without usage (vLLM build that omits it) is estimated too", () =>
    Effect.gen(function* () {
      const { metering, model } = yield* setup(
        { server: "vllm", noUsage: true },
        { score: "completions", model: "gpt-4o" },
      )
      const scored = yield* model.score({ prompt: "one two", continuation: " three" })
      expect(scored.usage).toEqual({
        promptTokens: yield* countTokens("gpt-4o", "one two three"),
        completionTokens: 1,
      })
      expect((yield* metering.snapshot).total.estimatedCalls).toBe(1)
    }),
  )
})
