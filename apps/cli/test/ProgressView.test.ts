import type { ProgressEvent } from "@lyceum/runner"
import { emptyTally, tallyEvent } from "@lyceum/runner"
import { describe, expect, it } from "vitest"
import { makeLiveView, resolveProgress } from "../src/ProgressView.js"
import { renderBoard } from "../src/ProgressViewRender.js"

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

const ERASE_LINE = "\u001B[2K"

describe("the live progress view", () => {
  it("draws a block on RunStarted and redraws it in place, erasing the previous one", () => {
    const { stream, chunks } = fakeTerminal()
    let clock = 0
    const view = makeLiveView(stream, { now: () => clock, minRedrawMs: 0 })
    view.report(started)
    expect(chunks.join("")).toContain("\u001B[?25l")
    expect(chunks.join("")).toContain("run r1 · quickstart (social-learning)")
    const before = chunks.length
    clock = 1000
    view.report(round(0, 1))
    const redraw = chunks.slice(before).join("")
    expect(redraw.startsWith(ERASE_LINE)).toBe(true)
    expect(redraw).toContain("steps 1/3")
    expect(redraw).toContain("model calls 10 · tokens 1000 · cost $0.0100 · cache hits 1")
    view.close()
  })

  it("redraws at most once per interval, drawing the latest state when it is due", async () => {
    const { stream, chunks } = fakeTerminal()
    const view = makeLiveView(stream, { minRedrawMs: 50 })
    view.report(started)
    const before = chunks.length
    view.report(round(0, 1))
    view.report(round(1, 2))
    // Drawn just now for RunStarted: these wait for the interval.
    expect(chunks.length).toBe(before)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(chunks.length).toBe(before + 1)
    expect(chunks[before]).toContain("steps 2/3")
    view.close()
  })

  it("prints what others write above the block, and leaves the final block and the cursor on close", async () => {
    const { stream, chunks } = fakeTerminal()
    const original = stream.write
    const view = makeLiveView(stream, { now: () => 0, minRedrawMs: 0 })
    view.report(started)
    // The "stopping" line a Ctrl-C prints (Signals.ts), written straight to the stream, and a log entry
    // written in two pieces: the block is erased once, drawn again once after both.
    const at = chunks.length
    stream.write("\nCtrl-C: stopping (press Ctrl-C again to quit at once)\n")
    stream.write("[12:00:00] WARN ")
    stream.write("worker w1 lost\n")
    // Only erasing: line by line up the block's lines, back to the first column.
    expect(chunks[at]?.split(`${ERASE_LINE}\u001B[1A`).join("")).toBe(`${ERASE_LINE}\u001B[G`)
    expect(chunks.slice(at + 1)).toEqual([
      "\nCtrl-C: stopping (press Ctrl-C again to quit at once)\n",
      "[12:00:00] WARN ",
      "worker w1 lost\n",
    ])
    await new Promise((resolve) => setImmediate(resolve))
    expect(chunks.length).toBe(at + 5)
    expect(chunks[at + 4]).toMatch(/^run r1 · quickstart/)
    view.report({ _tag: "RunFinished", runId: "r1", status: "stopped", elapsedMs: 1500 })
    const end = chunks.join("")
    expect(end).toContain("run r1 · quickstart (social-learning) · stopped")
    expect(end.endsWith("\u001B[?25h")).toBe(true)
    // The stream is its own again: a later line is written as is, the block stays above it.
    expect(stream.write).toBe(original)
    const after = chunks.length
    stream.write("resume with: lyceum run ...\n")
    expect(chunks.slice(after)).toEqual(["resume with: lyceum run ...\n"])
  })

  it("writes nothing before the run starts and nothing after it is closed", () => {
    const { stream, chunks } = fakeTerminal()
    const view = makeLiveView(stream)
    view.close()
    view.report(started)
    expect(chunks).toEqual([])
  })
})

describe("the progress block", () => {
  it("shows as many cohorts under way as the terminal holds, and counts the rest", () => {
    const tally = emptyTally(0)
    tallyEvent(tally, { ...started, cohorts: 40 } as ProgressEvent, 0)
    for (let i = 0; i < 30; i++)
      tallyEvent(
        tally,
        {
          ...(round(0, i + 1) as object),
          cohort: { repeat: 0, task: "t", method: `m${i}` },
          total: 120,
        } as ProgressEvent,
        i,
      )
    const block = renderBoard(tally, 100, { columns: 100, rows: 12 })
    const lines = block.split("\n")
    expect(lines.length).toBeLessThan(12)
    expect(block).toContain("cohorts: 0 done, 30 running, 10 waiting")
    expect(block).toContain("  … and 26 more running")
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100)
  })
})

describe("--progress", () => {
  it("is live on a terminal, plain when piped or on a dumb terminal, none when quiet", () => {
    expect(resolveProgress("auto", false, { isTTY: true }, {})).toBe("live")
    expect(resolveProgress("auto", false, { isTTY: false }, {})).toBe("plain")
    expect(resolveProgress("auto", false, { isTTY: true }, { TERM: "dumb" })).toBe("plain")
    expect(resolveProgress("live", true, { isTTY: true }, {})).toBe("none")
    expect(resolveProgress("plain", false, { isTTY: true }, {})).toBe("plain")
    // JSON logs: stderr carries JSON lines only, so progress becomes log entries unless a live block is asked for.
    expect(resolveProgress("auto", false, { isTTY: false }, {}, "json")).toBe("log")
    expect(resolveProgress("plain", false, { isTTY: true }, {}, "json")).toBe("log")
    expect(resolveProgress("live", false, { isTTY: true }, {}, "json")).toBe("live")
    expect(resolveProgress("auto", true, { isTTY: false }, {}, "json")).toBe("none")
  })
})
