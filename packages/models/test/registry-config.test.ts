import { describe, expect, it } from "@effect/vitest"
import { Either, JSONSchema, ParseResult, Schema } from "effect"
import { ModelConfig } from "../src/ModelConfig.js"

const decode = (input: unknown) =>
  Schema.decodeUnknownEither(ModelConfig)(input, { errors: "all", onExcessProperty: "error" })

const problems = (input: unknown): string => {
  const result = decode(input)
  return Either.isLeft(result) ? ParseResult.TreeFormatter.formatErrorSync(result.left) : ""
}

describe("ModelConfig", () => {
  it("accepts both providers", () => {
    expect(decode({ provider: "sim" })).toEqual(Either.right({ provider: "sim" }))
    const openai = {
      provider: "openai",
      baseURL: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      apiKeyEnv: "OPENAI_API_KEY",
      score: "none",
      maxConcurrency: 8,
      requestsPerMinute: 500,
      tokensPerMinute: 200_000,
      timeoutMs: 30_000,
      maxRetries: 3,
      prices: { promptPerMTok: 0.15, completionPerMTok: 0.6 },
    }
    expect(decode(openai)).toEqual(Either.right(openai))
  })

  it("rejects a key pasted where the variable name belongs, and says what is expected", () => {
    const message = problems({
      provider: "openai",
      baseURL: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      apiKeyEnv: "sk-proj-abc123",
    })
    expect(message).toContain("expected the NAME of an environment variable")
  })

  it("rejects a base URL that is not an http(s) URL", () => {
    expect(problems({ provider: "openai", baseURL: "localhost:8000", model: "m" })).toContain(
      "expected an absolute http(s) URL",
    )
  })

  it("rejects non-positive limits and unknown score modes", () => {
    const message = problems({
      provider: "openai",
      baseURL: "http://localhost:8000/v1",
      model: "m",
      maxConcurrency: 0,
      score: "sometimes",
    })
    expect(message).toContain("maxConcurrency")
    expect(message).toContain("score")
  })

  it("documents its fields in the JSON Schema", () => {
    const schema = JSON.stringify(JSONSchema.make(ModelConfig))
    expect(schema).toContain("NAME of the environment variable that holds the API key")
    expect(schema).toContain("Most requests in flight at once to this endpoint")
  })
})
