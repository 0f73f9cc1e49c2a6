import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeRunCache } from "../src/api/RunCache.js"

describe("the cache of a run's computed results", () => {
  it("computes a finished run's result once, a running run's every time, and again after a resume", async () => {
    const cache = makeRunCache()
    let computed = 0
    const compute = Effect.sync(() => ++computed)
    const finished = { id: "r", status: "completed", finishedAt: "2026-01-01T00:00:00Z" }
    const ask = (run: typeof finished, what = "curves") =>
      Effect.runPromise(cache.through(what, run, compute))
    expect([await ask(finished), await ask(finished)]).toEqual([1, 1])
    expect(await ask(finished, "tables")).toBe(2)
    const running = { ...finished, status: "running", finishedAt: null as unknown as string }
    expect([await ask(running), await ask(running)]).toEqual([3, 4])
    expect(await ask({ ...finished, finishedAt: "2026-01-02T00:00:00Z" })).toBe(5)
  })

  it("does not keep a failure", async () => {
    const cache = makeRunCache()
    let attempts = 0
    const flaky = Effect.suspend(() => (++attempts === 1 ? Effect.fail("busy") : Effect.succeed(attempts)))
    const run = { id: "r", status: "completed", finishedAt: "t" }
    expect(await Effect.runPromise(Effect.either(cache.through("x", run, flaky)))).toMatchObject({
      _tag: "Left",
    })
    expect(await Effect.runPromise(cache.through("x", run, flaky))).toBe(2)
    expect(await Effect.runPromise(cache.through("x", run, flaky))).toBe(2)
  })
})
