import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { Metering, type RunBudget } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

const prices = { promptPerMTok: 2, completionPerMTok: 4 }

/** A fake endpoint whose every answer uses 1,000 prompt and 500 completion tokens, and a metering. */
const setup = (budget?: RunBudget) =>
  Effect.gen(function* () {
    const server = yield* makeFakeOpenAi({
      defaultReply: { kind: "ok", usage: { prompt_tokens: 1_000, completion_tokens: 500 } },
    })
    const metering = yield* Metering.make(budget === undefined ? {} : { budget })
    const config: OpenAiModelConfig = {
      provider: "openai",
      baseURL: server.baseURL,
      model: "m",
      prices,
      maxRetries: 0,
    }
    const raw = yield* makeOpenAiModel("gpt", config, {})
    return { server, metering, raw }
  })

describe("metering", () => {
  it.scopedLive("counts calls, tokens and cost per model and per agent", () =>
    Effect.gen(function* () {
      const { server, metering, raw } = yield* setup()
      const alice = metering.metered(raw, "alice", prices)
      const bob = metering.metered(raw, "bob", prices)
      yield* alice.generate({ prompt: "one" })
      yield* alice.score({ prompt: "two", continuation: " three" })
      yield* bob.generate({ prompt: "four" })
      server.script("chat", { kind: "serverError" })
      yield* Effect.flip(bob.generate({ prompt: "five" }))

      const snapshot = yield* metering.snapshot
      expect(snapshot.rows.map((row) => [row.model, row.agent, row.calls, row.errors])).toEqual([
        ["gpt", "alice", 2, 0],
        ["gpt", "bob", 2, 1],
      ])
      const alicesRow = snapshot.rows[0]!
      // The score call's usage comes from the completions answer: "two three" is 2 prompt tokens, and 1 is generated.
      expect(alicesRow.promptTokens).toBe(1_000 + 2)
      expect(alicesRow.completionTokens).toBe(500 + 1)
      expect(alicesRow.costUsd).toBeCloseTo((1_002 * 2 + 501 * 4) / 1_000_000, 12)
      expect(snapshot.total).toMatchObject({
        calls: 4,
        errors: 1,
        promptTokens: 2_002,
        completionTokens: 1_001,
      })
      expect(snapshot.total.costUsd).toBeCloseTo((2_002 * 2 + 1_001 * 4) / 1_000_000, 12)
      expect(snapshot.byModel.gpt).toEqual(snapshot.total)
      expect(snapshot.budgetExhausted).toBe(false)
    }),
  )

  it.scopedLive("costs nothing for a model without prices", () =>
    Effect.gen(function* () {
      const { metering, raw } = yield* setup()
      yield* metering.metered(raw, "alice").generate({ prompt: "one" })
      expect((yield* metering.snapshot).total).toMatchObject({ promptTokens: 1_000, costUsd: 0 })
    }),
  )

  it.scopedLive("refuses calls once the token budget is spent, before they reach the server", () =>
    Effect.gen(function* () {
      const { server, metering, raw } = yield* setup({ maxTokens: 2_000 })
      const model = metering.metered(raw, "alice", prices)
      yield* model.generate({ prompt: "one" })
      yield* model.generate({ prompt: "two" })
      const error = yield* Effect.flip(model.generate({ prompt: "three" }))
      expect(error._tag).toBe("BudgetExceeded")
      expect(error.message).toContain("token budget is spent: 3000 of 2000 tokens")
      const refusedScore = yield* Effect.flip(model.score({ prompt: "a", continuation: " b" }))
      expect(refusedScore._tag).toBe("BudgetExceeded")
      expect(server.requests().length).toBe(2)
      const snapshot = yield* metering.snapshot
      expect(snapshot.total.calls).toBe(2)
      expect(snapshot.budgetExhausted).toBe(true)
    }),
  )

  it.scopedLive("refuses calls once the cost budget is spent", () =>
    Effect.gen(function* () {
      // One call costs $0.004.
      const { server, metering, raw } = yield* setup({ maxCostUsd: 0.005 })
      const model = metering.metered(raw, "alice", prices)
      yield* model.generate({ prompt: "one" })
      yield* model.generate({ prompt: "two" })
      const error = yield* Effect.flip(model.generate({ prompt: "three" }))
      expect(error._tag).toBe("BudgetExceeded")
      expect(error.message).toContain("cost budget is spent")
      expect(server.count("chat")).toBe(2)
    }),
  )

  it.scopedLive("does not count a call its caller gave up on as the model's error", () =>
    Effect.gen(function* () {
      const { server, metering, raw } = yield* setup()
      server.script("chat", { kind: "hang" })
      const fiber = yield* Effect.fork(metering.metered(raw, "alice").generate({ prompt: "one" }))
      while (server.count("chat") === 0) yield* Effect.sleep(5)
      yield* Fiber.interrupt(fiber)
      expect((yield* metering.snapshot).total).toMatchObject({ calls: 1, errors: 0, promptTokens: 0 })
    }),
  )
})
