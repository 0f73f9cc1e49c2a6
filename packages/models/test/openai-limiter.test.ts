import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Scope, TestClock } from "effect"
import { Metering } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { forEndpoint } from "../src/openai/EndpointLimiter.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

const modelOn = (baseURL: string, overrides: Partial<OpenAiModelConfig> = {}): OpenAiModelConfig => ({
  provider: "openai",
  baseURL,
  model: "fake-model",
  ...overrides,
})

/** Lets the other fibers run until they are done or blocked (no clock involved). */
const settle = Effect.repeatN(Effect.yieldNow(), 20)

const oneToken = { estimate: 1, actual: () => 1 }

describe("endpoint limiter", () => {
  it.scopedLive("never lets more than maxConcurrency requests reach the server, and counts the waits", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi({ defaultReply: { kind: "ok", delayMs: 30 } })
      const metering = yield* Metering.make()
      const raw = yield* makeOpenAiModel("gpt", modelOn(server.baseURL, { maxConcurrency: 2 }), {})
      const model = metering.metered(raw, "alice")
      const responses = yield* Effect.all(
        Array.from({ length: 10 }, (_, i) => model.generate({ prompt: `q${i}` })),
        { concurrency: "unbounded" },
      )
      expect(responses.map((response) => response.texts[0])).toEqual(
        Array.from({ length: 10 }, (_, i) => `answer 1 to q${i}`),
      )
      expect(server.count("chat")).toBe(10)
      expect(server.maxInFlight()).toBe(2)
      const total = (yield* metering.snapshot).total
      expect(total.rateLimitWaits).toBe(8)
      expect(total.rateLimitWaitMs).toBeGreaterThan(0)
    }),
  )

  it.scopedLive("is shared by every model on the endpoint, and the strictest declared limit applies", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi({ defaultReply: { kind: "ok", delayMs: 20 } })
      const loose = yield* makeOpenAiModel("loose", modelOn(server.baseURL, { maxConcurrency: 4 }), {})
      const strict = yield* makeOpenAiModel(
        "strict",
        modelOn(`${server.baseURL}/`, { maxConcurrency: 1 }),
        {},
      )
      yield* Effect.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? loose : strict).generate({ prompt: `q${i}` })),
        { concurrency: "unbounded" },
      )
      expect(server.count("chat")).toBe(8)
      expect(server.maxInFlight()).toBe(1)
    }),
  )

  it.scopedLive("holds a call back when the tokens-per-minute budget is spent", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const metering = yield* Metering.make()
      // 6,000 tokens a minute is 100 a second: the first call spends the whole minute's budget and overdraws it
      // by 150, so the second waits about 1.6 s whatever the machine's load (spending exactly the budget left a
      // ~100 ms margin: a slow first response refilled enough for the second's small estimate).
      const raw = yield* makeOpenAiModel("gpt", modelOn(server.baseURL, { tokensPerMinute: 6_000 }), {})
      server.script("chat", { kind: "ok", usage: { prompt_tokens: 3_000, completion_tokens: 3_150 } })
      yield* metering.metered(raw, "first").generate({ prompt: "big", maxTokens: 4 })
      yield* metering.metered(raw, "second").generate({ prompt: "small", maxTokens: 4 })
      const rows = (yield* metering.snapshot).rows
      expect(rows.map((row) => [row.agent, row.rateLimitWaits])).toEqual([
        ["first", 0],
        ["second", 1],
      ])
    }),
  )

  it.scoped("admits requestsPerMinute requests at once, and the next one when the bucket refills", () =>
    Effect.gen(function* () {
      const limiter = yield* forEndpoint("http://rpm.test.invalid/v1", {
        maxConcurrency: 10,
        requestsPerMinute: 2,
      })
      const done: Array<number> = []
      const request = (i: number) =>
        limiter.run(
          Effect.sync(() => {
            done.push(i)
          }),
          { estimate: 1, actual: () => 1 },
        )
      const fiber = yield* Effect.fork(
        Effect.all([request(1), request(2), request(3)], { concurrency: "unbounded" }),
      )
      yield* TestClock.adjust("29 seconds")
      expect(done).toEqual([1, 2])
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(done).toEqual([1, 2, 3])
    }),
  )

  it.effect(
    "applies the strictest of the limits declared by the models in use, and forgets closed ones",
    () =>
      Effect.gen(function* () {
        const endpoint = "http://strict.test.invalid/v1"
        const outer = yield* Scope.make()
        const first = yield* Scope.extend(
          forEndpoint(endpoint, { maxConcurrency: 8, tokensPerMinute: 1_000 }),
          outer,
        )
        const inner = yield* Scope.make()
        const second = yield* Scope.extend(
          forEndpoint(`${endpoint}/`, { maxConcurrency: 3, requestsPerMinute: 60, tokensPerMinute: 5_000 }),
          inner,
        )
        expect(second).toBe(first)
        expect(first.limits()).toEqual({ maxConcurrency: 3, requestsPerMinute: 60, tokensPerMinute: 1_000 })
        yield* Scope.close(inner, Exit.void)
        expect(first.limits()).toEqual({
          maxConcurrency: 8,
          requestsPerMinute: undefined,
          tokensPerMinute: 1_000,
        })
        yield* Scope.close(outer, Exit.void)
        const fresh = yield* Scope.extend(forEndpoint(endpoint, { maxConcurrency: 2 }), yield* Scope.make())
        expect(fresh).not.toBe(first)
        expect(fresh.limits()).toEqual({ maxConcurrency: 2 })
      }),
  )

  it.scoped("admits the requests waiting for a slot in the order they came, and skips one that gave up", () =>
    Effect.gen(function* () {
      const limiter = yield* forEndpoint("http://fifo.test.invalid/v1", { maxConcurrency: 1 })
      const gate = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(limiter.run(Deferred.await(gate), oneToken))
      yield* settle
      const order: Array<number> = []
      const request = (i: number) =>
        limiter.run(
          Effect.sync(() => order.push(i)),
          oneToken,
        )
      const waiting: Array<Fiber.RuntimeFiber<number>> = []
      for (let i = 0; i < 6; i++) {
        waiting.push(yield* Effect.fork(request(i)))
        yield* settle
      }
      const [quitter] = waiting.splice(2, 1)
      if (quitter !== undefined) yield* Fiber.interrupt(quitter)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      yield* Fiber.joinAll(waiting)
      // The one slot is still there: a later request gets it at once.
      yield* request(6)
      expect(order).toEqual([0, 1, 3, 4, 5, 6])
    }),
  )

  it.scoped("a stricter model coming holds back requests already waiting, and its going lets them in", () =>
    Effect.gen(function* () {
      const endpoint = "http://resize.test.invalid/v1"
      const limiter = yield* forEndpoint(endpoint, { maxConcurrency: 2 })
      const running: Array<number> = []
      let most = 0
      const gates = yield* Effect.forEach([0, 1, 2, 3], () => Deferred.make<void>())
      const request = (i: number) =>
        limiter.run(
          Effect.acquireUseRelease(
            Effect.sync(() => {
              running.push(i)
              most = Math.max(most, running.length)
            }),
            () => Deferred.await(gates[i] as Deferred.Deferred<void>),
            () => Effect.sync(() => running.splice(running.indexOf(i), 1)),
          ),
          oneToken,
        )
      const open = (i: number) => Deferred.succeed(gates[i] as Deferred.Deferred<void>, undefined)
      const fibers = yield* Effect.forEach([0, 1, 2, 3], (i) => Effect.fork(request(i)))
      yield* settle
      expect(running).toEqual([0, 1])
      // A model allowing one request in flight joins: a finished request makes room for no one yet.
      const strict = yield* Scope.make()
      yield* Scope.extend(forEndpoint(endpoint, { maxConcurrency: 1 }), strict)
      yield* open(0)
      yield* settle
      expect(running).toEqual([1])
      // It leaves: the limit is 2 again, and the next request in line goes in without anything finishing.
      yield* Scope.close(strict, Exit.void)
      yield* settle
      expect(running).toEqual([1, 2])
      yield* open(1)
      yield* open(2)
      yield* open(3)
      yield* Fiber.joinAll(fibers)
      expect(most).toBe(2)
    }),
  )
})
