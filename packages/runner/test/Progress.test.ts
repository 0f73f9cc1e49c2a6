import { describe, expect, it } from "vitest"
import { formatProgress, type ProgressEvent } from "../src/Progress.js"

const round = (faults: { retries: number; timeouts: number; errors: number }): ProgressEvent => ({
  _tag: "RoundFinished",
  cohort: { repeat: 0, task: "spam", method: "instruction" },
  round: 1,
  n: 4,
  accuracy: 0.75,
  sent: 2,
  messages: "lessons",
  dropped: 1,
  modelCalls: 12,
  tokens: 3400,
  done: 2,
  total: 4,
  elapsedMs: 2000,
  ...faults,
})

describe("the round's progress line", () => {
  it("shows retries, timeouts and errors after the model calls", () => {
    expect(formatProgress(round({ retries: 3, timeouts: 1, errors: 2 }))).toBe(
      "  spam.instruction repeat 1 round 1 (n=4): accuracy 0.750 · lessons 2 sent, 1 dropped" +
        " · 12 model calls, 3400 tokens · 3 retries, 1 timeout, 2 errors · 2/4 · 2.0s elapsed, ETA 2.0s",
    )
  })

  it("shows only the non-zero ones, in the singular for one", () => {
    expect(formatProgress(round({ retries: 1, timeouts: 0, errors: 0 }))).toContain(" tokens · 1 retry · 2/4")
    expect(formatProgress(round({ retries: 0, timeouts: 2, errors: 1 }))).toContain(
      " tokens · 2 timeouts, 1 error · 2/4",
    )
    expect(formatProgress(round({ retries: 12_500, timeouts: 0, errors: 0 }))).toContain(
      " · 12.5k retries · ",
    )
  })

  it("says nothing about faults when there were none", () => {
    expect(formatProgress(round({ retries: 0, timeouts: 0, errors: 0 }))).toContain(" tokens · 2/4 · ")
  })
})

describe("a one-step kind's progress line", () => {
  it("does not number the step (an ensemble's cohort is played in one)", () => {
    const line = formatProgress({
      _tag: "RoundFinished",
      cohort: { repeat: 1, task: "sms-spam", method: "vote" },
      round: 0,
      steps: 1,
      accuracy: 0.9,
      modelCalls: 500,
      tokens: 9000,
      retries: 0,
      timeouts: 0,
      errors: 0,
      done: 3,
      total: 6,
      elapsedMs: 1000,
    })
    expect(line).toMatch(/^ {2}sms-spam\.vote repeat 2: accuracy 0\.900 · 500 model calls/)
    expect(
      formatProgress({
        _tag: "StepNote",
        cohort: { repeat: 0, task: "t", method: "m" },
        round: 0,
        steps: 1,
        text: "waiting",
      }),
    ).toBe("  t.m repeat 1: waiting")
  })
})
