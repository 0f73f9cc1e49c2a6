import { describe, expect, it } from "@effect/vitest"
import {
  BadResponse,
  BudgetExceeded,
  ContextTooLong,
  type ModelError,
  RateLimited,
  ReplayMiss,
  ScoreUnsupported,
  Timeout,
  Unauthorized,
  Unavailable,
} from "../src/ModelError.js"

describe("ModelError", () => {
  it("every error reads as one line naming what went wrong", () => {
    const model = "gpt"
    const errors: ReadonlyArray<[ModelError, string]> = [
      [new RateLimited({ model }), "gpt is rate limited (429)"],
      [
        new RateLimited({ model, retryAfterMs: 1500 }),
        "gpt is rate limited (429); the endpoint asked to wait 1500 ms",
      ],
      [new Timeout({ model, afterMs: 2000 }), "gpt did not answer within 2000 ms"],
      [new Unavailable({ model, message: "down" }), "down"],
      [new BadResponse({ model, message: "garbled" }), "garbled"],
      [new Unauthorized({ model, message: "refused" }), "refused"],
      [new ContextTooLong({ model, message: "too long" }), "too long"],
      [new ScoreUnsupported({ model, message: "cannot score" }), "cannot score"],
      [new BudgetExceeded({ message: "spent" }), "spent"],
      [new ReplayMiss({ model, operation: "score", promptHash: "ab", message: "missed" }), "missed"],
    ]
    for (const [error, message] of errors) {
      expect(error.message).toBe(message)
      expect(String(error)).toContain(message)
      expect(message).not.toContain("\n")
    }
  })

  it("keeps the fields the getters read", () => {
    const error = new RateLimited({ model: "gpt", retryAfterMs: 10 })
    expect(error).toMatchObject({ _tag: "RateLimited", model: "gpt", retryAfterMs: 10 })
  })
})
