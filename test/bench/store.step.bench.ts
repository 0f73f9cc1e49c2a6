import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type AgentRow, type EvaluationRow, type LessonRow, makeStore, type RowBatch } from "@lyceum/store"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * Rows per second of one 100k-row step (50k lessons, 50k evaluations and its cohort_steps row) written as the
 * runner writes it — `Store.writeChunked`, transactions of STEP_CHUNK_ROWS rows — against the same step in one
 * transaction (`Store.writeBatch`, the runner's way before chunking), each into a fresh file. Median of 5.
 */

const HALF = 50_000
const TRIALS = 5
const runId = "bench"
const cohort = { repeat: 0, task: "spam", method: "synthetic-examples" }

const agents: Array<AgentRow> = Array.from({ length: 100 }, (_, i) => ({
  runId,
  agentId: `agent-${i}`,
  role: "agent",
  kind: "social-learning",
  model: "sim",
  dataSize: null,
}))
const step: RowBatch = {
  lessons: Array.from(
    { length: HALF },
    (_, i): LessonRow => ({
      runId,
      id: `lesson-${i}`,
      ...cohort,
      round: 1,
      teacher: `agent-${i % 100}`,
      student: `agent-${(i * 7) % 100}`,
      kind: "instruction",
      text: `Messages offering prizes are spam (${i}).`,
      filterAction: "allow",
      filterDetector: null,
      filterReason: null,
      sent: true,
      chosen: true,
      createdAt: "2025-01-01T00:00:01.000Z",
    }),
  ),
  evaluations: Array.from(
    { length: HALF },
    (_, i): EvaluationRow => ({
      runId,
      ...cohort,
      round: 1,
      student: `agent-${i % 100}`,
      n: 8,
      promptLessons: 8,
      metric: "accuracy",
      itemId: `item-${Math.floor(i / 100)}`,
      answer: i % 3 === 0 ? "ham" : "spam",
      target: "spam",
      score: i % 3 === 0 ? 0 : 1,
    }),
  ),
  cohortSteps: [{ runId, ...cohort, step: 1 }],
}

const run = {
  id: runId,
  kind: "social-learning",
  scenarioName: "bench",
  scenarioPath: "bench.yaml",
  scenarioText: "name: bench\n",
  seed: 1,
  versions: { lyceum: "0.1.0", node: process.version },
  config: {},
}

const time = (dir: string, how: "chunked" | "one"): Promise<number> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename: join(dir, `${how}.db`) })
        yield* store.createRun(run)
        yield* store.insertAgents(agents)
        const start = performance.now()
        if (how === "chunked") yield* store.writeChunked(step)
        else yield* store.writeBatch(step)
        const ms = performance.now() - start
        const [count] = yield* store.query("SELECT COUNT(*) AS n FROM evaluations")
        expect(count).toEqual({ n: HALF })
        return ms
      }),
    ),
  )

test(`a ${2 * HALF}-row step: in chunks vs in one transaction`, async () => {
  const chunked: Array<number> = []
  const one: Array<number> = []
  for (let trial = 0; trial < TRIALS; trial++) {
    const dir = mkdtempSync(join(tmpdir(), "lyceum-step-bench-"))
    try {
      // Alternate the order so neither side always runs on a warmer process.
      for (const how of trial % 2 === 0 ? (["chunked", "one"] as const) : (["one", "chunked"] as const))
        (how === "chunked" ? chunked : one).push(await time(dir, how))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  recordBenchmark({
    name: "store.writeChunked (100k-row step)",
    unit: "rows/s",
    ours: (2 * HALF) / (median(chunked) / 1000),
    baseline: (2 * HALF) / (median(one) / 1000),
    goal: 0.95,
  })
})
