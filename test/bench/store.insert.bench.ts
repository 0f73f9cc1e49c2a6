import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type EvaluationRow, makeStore, migrate } from "@lyceum/store"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * Rows per second of `Store.insertEvaluations` for 100k rows against raw better-sqlite3 inserting the same rows
 * in one transaction, into the same schema with the same pragmas, each into a fresh file. Median of 5 trials.
 */

const ROWS = 100_000
const TRIALS = 5
const runId = "bench"

const rows: Array<EvaluationRow> = Array.from({ length: ROWS }, (_, i) => ({
  runId,
  repeat: i % 5,
  round: Math.floor(i / 5) % 10,
  student: `student-${Math.floor(i / 50) % 20}`,
  task: "spam",
  method: "synthetic-examples",
  n: 8,
  promptLessons: 8,
  metric: "accuracy",
  itemId: `item-${Math.floor(i / 1000)}`,
  answer: i % 3 === 0 ? "ham" : "spam",
  target: "spam",
  score: i % 3 === 0 ? 0 : 1,
}))

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

const timeStore = (dir: string): Promise<number> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename: join(dir, "store.db") })
        yield* store.createRun(run)
        const start = performance.now()
        yield* store.insertEvaluations(rows)
        const ms = performance.now() - start
        const [count] = yield* store.query("SELECT COUNT(*) AS n FROM evaluations")
        expect(count).toEqual({ n: ROWS })
        return ms
      }),
    ),
  )

const timeRaw = async (dir: string): Promise<number> => {
  const filename = join(dir, "raw.db")
  const db = new Database(filename)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  await Effect.runPromise(migrate(db, filename))
  db.prepare(
    "INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config, started_at) VALUES (?, 'b', 'b', 'b', ?, 1, '{}', '{}', '2025')",
  ).run(runId, "0".repeat(64))
  const insert = db.prepare(
    "INSERT INTO evaluations (run_id, repeat, round, student, task, method, n, prompt_lessons, metric, item_id, answer, target, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
  const insertAll = db.transaction((all: ReadonlyArray<EvaluationRow>) => {
    for (const r of all)
      insert.run(
        r.runId,
        r.repeat,
        r.round,
        r.student,
        r.task,
        r.method,
        r.n,
        r.promptLessons,
        r.metric,
        r.itemId,
        r.answer,
        r.target,
        r.score,
      )
  })
  const start = performance.now()
  insertAll(rows)
  const ms = performance.now() - start
  db.close()
  return ms
}

test(`insert ${ROWS} evaluation rows: Store vs raw better-sqlite3`, async () => {
  const store: Array<number> = []
  const raw: Array<number> = []
  for (let trial = 0; trial < TRIALS; trial++) {
    const dir = mkdtempSync(join(tmpdir(), "lyceum-store-bench-"))
    try {
      // Alternate the order so neither side always runs on a warmer process.
      if (trial % 2 === 0) {
        store.push(await timeStore(dir))
        raw.push(await timeRaw(dir))
      } else {
        raw.push(await timeRaw(dir))
        store.push(await timeStore(dir))
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  recordBenchmark({
    name: "store.insertEvaluations",
    unit: "rows/s",
    ours: ROWS / (median(store) / 1000),
    baseline: ROWS / (median(raw) / 1000),
    goal: 0.8,
  })
})
