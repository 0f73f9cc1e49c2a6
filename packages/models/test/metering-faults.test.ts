import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import type { LanguageModel } from "../src/LanguageModel.js"
import { Metering, mergeUsageSnapshots, UsageSnapshot, usageSince } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

/**
 * A fake endpoint and an `openai` model on it with fast retries, metered as agent "alice". A hung request costs
 * the whole timeout; a healthy one must answer well within it even on a loaded machine (150 ms was not).
 */
const setup = (config: Partial<OpenAiModelConfig> = {}) =>
  Effect.gen(function* () {
    const server = yield* makeFakeOpenAi()
    const metering = yield* Metering.make()
    const raw = yield* makeOpenAiModel(
      "gpt",
      { provider: "openai", baseURL: server.baseURL, model: "m", maxRetries: 3, timeoutMs: 1000, ...config },
      {},
      { backoff: { baseDelayMs: 5, maxDelayMs: 20 } },
    )
    return { server, metering, model: metering.metered(raw, "alice") }
  })

describe("faults", () => {
  it.scopedLive("count every retried attempt by kind, and a retried timeout as a timeout and a retry", () =>
    Effect.gen(function* () {
      const { server, metering, model } = yield* setup()
      server.script("chat", { kind: "rateLimited" }, { kind: "serverError" }, { kind: "hang" })
      yield* model.generate({ prompt: "hi" })
      expect(server.count("chat")).toBe(4)
      const { total } = yield* metering.snapshot
      expect(total).toMatchObject({ calls: 1, errors: 0, retries: 3, timeouts: 1, rateLimitWaits: 1 })
      expect(total.faults).toEqual({
        rate_limited: { attempts: 1, errors: 0 },
        unavailable: { attempts: 1, errors: 0 },
        timeout: { attempts: 1, errors: 0 },
      })
    }),
  )

  it.scopedLive("count the failure that ended a call as an error of its kind", () =>
    Effect.gen(function* () {
      const { server, metering, model } = yield* setup({ maxRetries: 1 })
      server.script("chat", { kind: "hang" }, { kind: "hang" }, { kind: "unauthorized" })
      expect((yield* Effect.flip(model.generate({ prompt: "one" })))._tag).toBe("Timeout")
      expect((yield* Effect.flip(model.generate({ prompt: "two" })))._tag).toBe("Unauthorized")
      const { total } = yield* metering.snapshot
      expect(total).toMatchObject({ calls: 2, errors: 2, retries: 1, timeouts: 2 })
      expect(total.faults).toEqual({
        timeout: { attempts: 2, errors: 1 },
        unauthorized: { attempts: 1, errors: 1 },
      })
    }),
  )

  it.effect("count a defect inside a call as `other`", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const broken: LanguageModel = {
        name: "broken",
        capabilities: { score: false, generationLogprobs: false, labelScores: false },
        generate: () => Effect.die(new Error("bug")),
        score: () => Effect.die(new Error("bug")),
      }
      yield* Effect.exit(metering.metered(broken, "bob").generate({ prompt: "hi" }))
      const { rows } = yield* metering.snapshot
      expect(rows[0]).toMatchObject({
        agent: "bob",
        errors: 1,
        faults: { other: { attempts: 1, errors: 1 } },
      })
    }),
  )

  it.scopedLive("survive the wire, the merge of workers' snapshots, and the difference of two readings", () =>
    Effect.gen(function* () {
      const { server, metering, model } = yield* setup()
      server.script("chat", { kind: "hang" })
      yield* model.generate({ prompt: "one" })
      const before = yield* metering.snapshot
      server.script("chat", { kind: "serverError" }, { kind: "hang" })
      yield* model.generate({ prompt: "two" })
      const after = yield* metering.snapshot

      const wire = Schema.encodeSync(UsageSnapshot)(after)
      const received = Schema.decodeUnknownSync(UsageSnapshot)(JSON.parse(JSON.stringify(wire)))
      expect(received).toEqual(after)

      const merged = mergeUsageSnapshots([after, received])
      expect(merged.rows[0]).toMatchObject({ retries: 6, timeouts: 4 })
      expect(merged.rows[0]!.faults).toEqual({
        timeout: { attempts: 4, errors: 0 },
        unavailable: { attempts: 2, errors: 0 },
      })

      const round = usageSince(after.rows[0]!, before.rows[0])
      expect(round).toMatchObject({ calls: 1, retries: 2, timeouts: 1, errors: 0 })
      expect(round.faults).toEqual({
        timeout: { attempts: 1, errors: 0 },
        unavailable: { attempts: 1, errors: 0 },
      })
    }),
  )
})
