import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { Metering } from "../src/Metering.js"
import type { OpenAiModelConfig } from "../src/ModelConfig.js"
import { AimdLimit, parseResetDuration, readThrottle } from "../src/openai/AdaptiveConcurrency.js"
import { endpointConcurrency, forEndpoint } from "../src/openai/EndpointLimiter.js"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { type FakeOpenAiOptions, makeFakeOpenAi } from "./support/FakeOpenAi.js"

const ok = { succeeded: true, overloaded: false, exhausted: false, pauseMs: undefined }
const refused = { succeeded: false, overloaded: true, exhausted: false, pauseMs: undefined }
const atEdge = { succeeded: true, overloaded: false, exhausted: true, pauseMs: undefined }

describe("reading an answer for throttling", () => {
  it("429 and 503 are overloads; their Retry-After pauses the endpoint only when its budget is spent", () => {
    expect(readThrottle(429, new Headers({ "retry-after-ms": "250.5" }))).toEqual(refused)
    expect(readThrottle(503, new Headers({ "retry-after": "2" }))).toEqual(refused)
    const spent = { "x-ratelimit-remaining-requests": "0" }
    expect(readThrottle(429, new Headers({ ...spent, "retry-after-ms": "250.5" }))).toEqual({
      ...refused,
      exhausted: true,
      pauseMs: 251,
    })
    expect(readThrottle(503, new Headers({ ...spent, "retry-after": "2" }))).toEqual({
      ...refused,
      exhausted: true,
      pauseMs: 2000,
    })
    expect(readThrottle(500, new Headers())).toEqual({ ...refused, overloaded: false })
    expect(readThrottle(200, new Headers())).toEqual(ok)
  })

  it("a budget at or near 0 is exhausted, and a spent one pauses until its reset", () => {
    const spent = new Headers({
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1m2.5s",
      "x-ratelimit-remaining-tokens": "0",
      "x-ratelimit-reset-tokens": "20ms",
    })
    expect(readThrottle(200, spent)).toEqual({ ...atEdge, pauseMs: 62_500 })
    const low = new Headers({ "x-ratelimit-remaining-tokens": "40", "x-ratelimit-limit-tokens": "1000" })
    expect(readThrottle(200, low)).toEqual(atEdge)
    const roomy = new Headers({ "x-ratelimit-remaining-tokens": "400", "x-ratelimit-limit-tokens": "1000" })
    expect(readThrottle(200, roomy)).toEqual(ok)
  })

  it("parses reset durations as OpenAI writes them, and plain seconds", () => {
    expect(parseResetDuration("6m0s")).toBe(360_000)
    expect(parseResetDuration("1h")).toBe(3_600_000)
    expect(parseResetDuration("17ms")).toBe(17)
    expect(parseResetDuration("1.5")).toBe(1500)
    expect(parseResetDuration("soon")).toBeUndefined()
    expect(parseResetDuration("3s later")).toBeUndefined()
  })
})

describe("AIMD limit", () => {
  it("halves once per generation of requests, however many of it are refused, never below 1", () => {
    const limit = new AimdLimit(16)
    const burst = limit.generation
    for (let i = 0; i < 12; i++) limit.record(refused, burst)
    expect(limit.limit).toBe(8)
    const next = limit.generation
    limit.record(refused, next)
    limit.record(refused, next)
    expect(limit.limit).toBe(4)
    for (let i = 0; i < 5; i++) limit.record(refused, limit.generation)
    expect(limit.limit).toBe(1)
  })

  it("grows by one per limit successes up to the ceiling, and not while the budget is at its edge", () => {
    const limit = new AimdLimit(6)
    limit.record(refused, 0)
    limit.record(refused, 1)
    expect(limit.limit).toBe(1)
    const trajectory: Array<number> = []
    for (let i = 0; i < 30; i++) {
      limit.record(ok, limit.generation)
      trajectory.push(limit.limit)
    }
    // 1 success to reach 2, 2 more to reach 3, 3 to reach 4, ...: +1 per window.
    expect(trajectory.slice(0, 15)).toEqual([2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6])
    expect(limit.limit).toBe(6)
    limit.record(refused, limit.generation)
    for (let i = 0; i < 10; i++) limit.record(i % 2 === 0 ? atEdge : ok, limit.generation)
    expect(limit.limit).toBe(3)
  })

  it("recovers one step per success up to the most it took for a full window, then probes a window at a time", () => {
    const limit = new AimdLimit(8)
    const grow = (successes: number) => {
      const trajectory: Array<number> = []
      for (let i = 0; i < successes; i++) {
        limit.record(ok, limit.generation, limit.limit)
        trajectory.push(limit.limit)
      }
      return trajectory
    }
    // A first burst says nothing about what the endpoint takes: after it, growth is a window at a time.
    limit.record(refused, limit.generation)
    expect(grow(9)).toEqual([4, 4, 4, 5, 5, 5, 5, 5, 6])
    // 5 took a full window, 6 was refused: back from 3 to 5 in two successes; 6 is tried again only after two
    // full windows at 5 (each refused probe doubles the wait), and once it passes, probing is a window apart.
    limit.record(refused, limit.generation)
    expect(limit.limit).toBe(3)
    expect(grow(12)).toEqual([4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6])
    expect(grow(6).at(-1)).toBe(7)
    // Refused at 7: back to 6 quickly, then 2 windows before 7 again; refused again: 4 windows.
    limit.record(refused, limit.generation)
    expect(grow(3 + 2 * 6 - 1).at(-1)).toBe(6)
    expect(grow(1)).toEqual([7])
    limit.record(refused, limit.generation)
    expect(grow(3 + 4 * 6 - 1).at(-1)).toBe(6)
    expect(grow(1)).toEqual([7])
  })

  it("does not grow on the successes of a window that is not in full use", () => {
    const limit = new AimdLimit(8)
    limit.record(refused, 0)
    for (let i = 0; i < 20; i++) limit.record(ok, limit.generation, 3)
    expect(limit.limit).toBe(4)
    for (let i = 0; i < 4; i++) limit.record(ok, limit.generation, 4)
    expect(limit.limit).toBe(5)
  })

  it("follows a changed ceiling while at it; a throttled limit stays where it is", () => {
    const limit = new AimdLimit(8)
    limit.setCeiling(2)
    expect(limit.limit).toBe(2)
    limit.setCeiling(8)
    expect(limit.limit).toBe(8)
    limit.record(refused, limit.generation)
    limit.setCeiling(10)
    expect(limit.limit).toBe(4)
  })
})

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const CEILING = 16
const SERVER_LIMIT = 4
const CALLS = 150

/**
 * CALLS calls from 32 callers through a model whose ceiling is CEILING, against a server that serves at most
 * SERVER_LIMIT at once; returns the limiter's trajectory (every change of its own limit) and the server.
 */
const throttledRun = (throttle: Omit<NonNullable<FakeOpenAiOptions["throttle"]>, "concurrency">) =>
  Effect.gen(function* () {
    const server = yield* makeFakeOpenAi({
      defaultReply: { kind: "ok", delayMs: 15 },
      throttle: { concurrency: SERVER_LIMIT, ...throttle },
    })
    const config: OpenAiModelConfig = {
      provider: "openai",
      baseURL: server.baseURL,
      model: "m",
      maxConcurrency: CEILING,
      maxRetries: 50,
    }
    const metering = yield* Metering.make()
    const model = metering.metered(
      yield* makeOpenAiModel("m", config, {}, { backoff: { baseDelayMs: 5, maxDelayMs: 40 } }),
      "agent",
    )
    // The same process-wide limiter the model uses.
    const limiter = yield* forEndpoint(server.baseURL, { maxConcurrency: CEILING })
    const trajectory: Array<number> = []
    limiter.onOwnLimit((limit) => trajectory.push(limit))
    yield* Effect.forEach(
      Array.from({ length: CALLS }, (_, i) => i),
      (i) => model.generate({ prompt: `q${i}` }),
      { concurrency: 32, discard: true },
    )
    return { server, trajectory, limiter, total: (yield* metering.snapshot).total }
  })

describe("adaptive concurrency against a throttling server", () => {
  it.scopedLive("429s halve the limit once per burst, and it settles around the server's limit", () =>
    Effect.gen(function* () {
      const { server, trajectory, limiter, total } = yield* throttledRun({ retryAfterMs: 10 })
      expect(total).toMatchObject({ calls: CALLS, errors: 0 })
      // The first burst (CEILING sent, CEILING - SERVER_LIMIT refused) halves once, not down to 1.
      expect(trajectory[0]).toBe(CEILING / 2)
      expect(Math.min(...trajectory)).toBeGreaterThanOrEqual(1)
      // After the first halvings the limit stays in the AIMD sawtooth around the server's limit (its peak can
      // pass the limit when answers and new requests cross on the wire, which a loaded machine makes common).
      expect(median(trajectory.slice(2))).toBeLessThanOrEqual(SERVER_LIMIT)
      // Never back near the ceiling. On a loaded machine a window at CEILING / 2 can pass unrefused when the
      // server, starved of CPU, takes its requests one after another, so growth a step or two past it happens.
      expect(Math.max(...trajectory.slice(1))).toBeLessThanOrEqual(CEILING / 2 + 2)
      expect(endpointConcurrency(`${server.baseURL}/`)).toBe(limiter.concurrency())
      expect(server.maxServed()).toBe(SERVER_LIMIT)
      // A fixed 16-slot pool is refused about 12 times in every round trip; adapting, about once per sawtooth.
      expect(server.throttled()).toBeLessThan(CALLS / 3)
      expect(total.rateLimitWaits).toBeGreaterThan(0)
    }),
  )

  it.scopedLive("503s count as overload too", () =>
    Effect.gen(function* () {
      const { server, trajectory, total } = yield* throttledRun({ status: 503 })
      expect(total).toMatchObject({ calls: CALLS, errors: 0 })
      expect(trajectory[0]).toBe(CEILING / 2)
      expect(median(trajectory.slice(2))).toBeLessThanOrEqual(SERVER_LIMIT)
      expect(server.throttled()).toBeLessThan(CALLS / 3)
    }),
  )

  it.scopedLive(
    "remaining-requests at 0 holds the limit at the server's edge instead of probing past it",
    () =>
      Effect.gen(function* () {
        const { server, trajectory, limiter, total } = yield* throttledRun({
          retryAfterMs: 10,
          headers: true,
        })
        expect(total).toMatchObject({ calls: CALLS, errors: 0 })
        expect(trajectory.slice(0, 2)).toEqual([CEILING / 2, SERVER_LIMIT])
        // Held at the server's limit: mostly no change at all after it, at worst a rare sawtooth.
        expect(median(trajectory.slice(1))).toBe(SERVER_LIMIT)
        expect(limiter.concurrency()).toBeLessThanOrEqual(CEILING / 2)
        expect(server.maxServed()).toBe(SERVER_LIMIT)
        // The two first bursts are refused (12 + 4); after them growth stops where the server says it is full,
        // bar a window whose answers all crossed with new requests on the wire.
        expect(server.throttled()).toBeLessThanOrEqual(2 * CEILING)
      }),
  )
})

describe("pauses and peers", () => {
  const endpoint = "http://adaptive.test.invalid/v1"
  const oneToken = { estimate: 1, actual: () => 1 }

  it.scoped("a load refusal does not stop other requests: only the limit halves", () =>
    Effect.gen(function* () {
      const limiter = yield* forEndpoint(`${endpoint}/load`, { maxConcurrency: 4 })
      limiter.answered(limiter.sending(), { status: 429, headers: new Headers({ "retry-after-ms": "300" }) })
      expect(limiter.concurrency()).toBe(2)
      expect(yield* limiter.run(Effect.succeed("sent"), oneToken)).toBe("sent")
    }),
  )

  it.scoped(
    "a spent budget's Retry-After pauses every admission on the endpoint, not just the refused request",
    () =>
      Effect.gen(function* () {
        const limiter = yield* forEndpoint(endpoint, { maxConcurrency: 4 })
        limiter.answered(limiter.sending(), {
          status: 429,
          headers: new Headers({ "retry-after-ms": "300", "x-ratelimit-remaining-requests": "0" }),
        })
        expect(limiter.concurrency()).toBe(2)
        const other = yield* Effect.fork(limiter.run(Effect.succeed("sent"), oneToken))
        yield* TestClock.adjust(299)
        expect(other.unsafePoll()).toBeNull()
        yield* TestClock.adjust(1)
        expect(yield* Fiber.join(other)).toBe("sent")
      }),
  )

  it.scoped("a peer's lower limit caps the concurrency; the own limit is what gets shared", () =>
    Effect.gen(function* () {
      const limiter = yield* forEndpoint(`${endpoint}/peers`, { maxConcurrency: 8 })
      const shared: Array<number> = []
      limiter.onOwnLimit((limit) => shared.push(limit))
      limiter.setPeerLimit(3)
      expect([limiter.concurrency(), limiter.ownLimit()]).toEqual([3, 8])
      let started = 0
      const running = yield* Effect.forEach([1, 2, 3, 4], () =>
        Effect.fork(
          limiter.run(
            Effect.zipRight(
              Effect.sync(() => started++),
              Effect.never,
            ),
            oneToken,
          ),
        ),
      )
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(started).toBe(3)
      limiter.answered(limiter.sending(), { status: 429, headers: new Headers() })
      expect(shared).toEqual([4])
      limiter.setPeerLimit(undefined)
      expect(limiter.concurrency()).toBe(4)
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(started).toBe(4)
      yield* Effect.forEach(running, Fiber.interrupt, { discard: true })
    }),
  )
})
