import { describe, expect, it } from "vitest"
import type { ProgressEvent } from "../src/Progress.js"
import { cohortCounts, emptyTally, etaAt, tallyEvent } from "../src/ProgressTally.js"

const started = (repeats: number, cohorts: number, steps: number): ProgressEvent => ({
  _tag: "RunStarted",
  runId: "r",
  scenario: "s",
  kind: "social-learning",
  repeats,
  steps,
  cohorts,
  agents: 3,
})

const step = (
  method: string,
  round: number,
  count: { done: number; total: number; elapsedMs: number },
  extra: Partial<Extract<ProgressEvent, { _tag: "RoundFinished" }>> = {},
): ProgressEvent => ({
  _tag: "RoundFinished",
  cohort: { repeat: 0, task: "t", method },
  round,
  steps: 3,
  modelCalls: 10,
  tokens: 100,
  retries: 1,
  timeouts: 0,
  errors: 2,
  ...count,
  ...extra,
})

describe("the progress tally", () => {
  it("counts cohorts done, running and waiting, and sums faults over steps", () => {
    const tally = emptyTally(0)
    tallyEvent(tally, started(1, 3, 3), 0)
    // Before any step: every cohort waits, all of the run's steps are to do.
    expect(cohortCounts(tally)).toEqual({ finished: 0, running: 0, waiting: 3, kept: 0 })
    expect(tally.total).toBe(9)
    tallyEvent(tally, step("a", 0, { done: 1, total: 9, elapsedMs: 100 }), 100)
    tallyEvent(tally, step("a", 1, { done: 2, total: 9, elapsedMs: 200 }), 200)
    tallyEvent(tally, step("a", 2, { done: 3, total: 9, elapsedMs: 300 }), 300)
    tallyEvent(tally, step("b", 0, { done: 4, total: 9, elapsedMs: 400 }), 400)
    expect(cohortCounts(tally)).toEqual({ finished: 1, running: 1, waiting: 1, kept: 0 })
    expect(tally.retries).toBe(4)
    expect(tally.errors).toBe(8)
  })

  it("counts a cohort that ended early as done, and its unplayed steps out of the plan", () => {
    const tally = emptyTally(0)
    tallyEvent(tally, started(1, 2, 3), 0)
    // The runner takes the two unplayed steps off its total: 6 - 2.
    tallyEvent(tally, step("a", 0, { done: 1, total: 4, elapsedMs: 10 }, { final: true }), 10)
    expect(cohortCounts(tally)).toEqual({ finished: 1, running: 0, waiting: 1, kept: 0 })
  })

  it("counts the cohorts a resume kept (fewer steps to do than the run has)", () => {
    const tally = emptyTally(0)
    tallyEvent(tally, started(2, 2, 3), 0)
    // 4 cohorts in the run, this invocation plays 1 (3 steps).
    tallyEvent(tally, step("a", 0, { done: 1, total: 3, elapsedMs: 10 }), 10)
    expect(cohortCounts(tally)).toEqual({ finished: 0, running: 1, waiting: 0, kept: 3 })
  })

  it("estimates time left from the measured rate, counting down between steps", () => {
    const tally = emptyTally(1000)
    tallyEvent(tally, started(1, 1, 5), 1000)
    expect(etaAt(tally, 1500)).toBeUndefined()
    tallyEvent(tally, step("a", 0, { done: 2, total: 5, elapsedMs: 2000 }), 3000)
    // 1 s a step, 3 steps to go.
    expect(etaAt(tally, 3000)).toBe(3000)
    expect(etaAt(tally, 4000)).toBe(2000)
    expect(etaAt(tally, 9000)).toBe(0)
    tallyEvent(tally, { _tag: "RunFinished", runId: "r", status: "stopped", elapsedMs: 5000 }, 6000)
    expect(etaAt(tally, 6000)).toBe(0)
    expect(tally.status).toBe("stopped")
  })

  it("keeps cost and cache hits from the latest step, and leaves cache hits unknown when never given", () => {
    const tally = emptyTally(0)
    tallyEvent(tally, started(1, 1, 3), 0)
    tallyEvent(tally, step("a", 0, { done: 1, total: 3, elapsedMs: 1 }), 1)
    expect(tally.cacheHits).toBeUndefined()
    tallyEvent(tally, step("a", 1, { done: 2, total: 3, elapsedMs: 2 }, { costUsd: 0.5, cacheHits: 7 }), 2)
    expect({ cost: tally.costUsd, hits: tally.cacheHits }).toEqual({ cost: 0.5, hits: 7 })
  })
})
