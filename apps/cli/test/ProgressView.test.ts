import type { ProgressEvent } from "@lyceum/runner"
import { describe, expect, it } from "vitest"
import { makeLiveView, resolveProgress } from "../src/ProgressView.js"

/** A terminal stand-in: what was written, in order. */
const fakeTerminal = () => {
  const chunks: Array<string> = []
  const stream = {
    isTTY: true,
    columns: 100,
    rows: 20,
    write(chunk: string | Uint8Array) {
      chunks.push(String(chunk))
      return true
    },
  }
  return { stream: stream as unknown as NodeJS.WriteStream, chunks }
}

const cohort = { repeat: 0, task: "spam", method: "synthetic-examples" }
const started: ProgressEvent = {
  _tag: "RunStarted",
  runId: "r1",
  scenario: "quickstart",
  kind: "social-learning",
  repeats: 1,
  steps: 3,
  cohorts: 1,
  agents: 3,
}
const round = (r: number, done: number): ProgressEvent => ({
  _tag: "RoundFinished",
  cohort,
  round: r,
  steps: 3,
  modelCalls: 10 * done,
  tokens: 1000 * done,
  costUsd: 0.01 * done,
  cacheHits: done,
  retries: 0,
  timeouts: 0,
  errors: 0,
  done,
  total: 3,
  elapsedMs: 1000 * done,
})

describe("the live progress view", () => {
  it("draws a block on RunStarted and redraws it in place", () => {
    const { stream, chunks } = fakeTerminal()
    let clock = 0
    const view = makeLiveView(stream, { now: () => clock, minRedrawMs: 0 })
    view.report(started)
    clock = 1000
    view.report(round(0, 1))
    const text = chunks.join("")
    expect(text).toContain("\u001B[?25l")
    expect(text).toContain("run r1 · quickstart (social-learning)")
    expect(text).toContain("steps 1/3")
    view.close()
  })
})
