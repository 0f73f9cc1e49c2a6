import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

/**
 * A step's rows go to the database in transactions of at most `chunkRows` rows, its `cohort_steps` row in the
 * last. Here a chunk in the middle of a step fails (a trigger refuses a row): the run fails with part of the
 * step stored and the step not marked done, and a resume must end with exactly what an uninterrupted run stores.
 */
/** better-sqlite3, a dependency of the store and not of the runner, for a trigger and plain reads. */
const Database = createRequire(new URL("../../store/package.json", import.meta.url))(
  "better-sqlite3",
) as new (
  filename: string,
  options?: { readonly readonly?: boolean },
) => {
  exec(sql: string): void
  prepare(sql: string): { all(...params: ReadonlyArray<unknown>): Array<unknown> }
  close(): void
}

const dir = mkdtempSync(join(tmpdir(), "lyceum-chunks-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = `
name: chunked
seed: 5
repeats: 2
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 30 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`
const loaded = Either.getOrThrow(parseScenario(join(dir, "chunked.yaml"), text))
const versions = { lyceum: "test", node: process.version }
/** 30 evaluations and more per step: at least five transactions each. */
const CHUNK = 7

const run = (db: string, options: { readonly resume?: string; readonly chunkRows?: number } = {}) =>
  runScenario({ loaded, versions, ...(options.resume !== undefined && { resume: options.resume }) }).pipe(
    Effect.provide([
      Store.layer({ filename: db, ...(options.chunkRows !== undefined && { chunkRows: options.chunkRows }) }),
      Progress.silent,
    ]),
  )

/** Everything a run stores per cohort, without ids and times that differ between runs. */
const contents = (db: string, runId: string) => {
  const sqlite = new Database(db, { readonly: true })
  try {
    const all = (sql: string) => sqlite.prepare(sql).all(runId) as Array<Record<string, unknown>>
    return {
      steps: all(
        "SELECT repeat, task, method, step, final FROM cohort_steps WHERE run_id = ? ORDER BY 1, 2, 3, 4",
      ),
      evaluations: all(
        `SELECT repeat, round, student, item_id, answer, score FROM evaluations WHERE run_id = ?
         ORDER BY 1, 2, 3, 4`,
      ),
      lessons: all(
        `SELECT repeat, round, teacher, student, text, sent, chosen FROM lessons WHERE run_id = ?
         ORDER BY 1, 2, 3, 4, 5`,
      ),
      usage: all(
        `SELECT repeat, round, agent_id, calls, prompt_tokens, completion_tokens FROM model_usage
         WHERE run_id = ? ORDER BY 1, 2, 3`,
      ),
      leakage: all(
        "SELECT repeat, round, teacher, student, metric, value FROM leakage_measures WHERE run_id = ? ORDER BY 1, 2, 3, 4, 5",
      ),
    }
  } finally {
    sqlite.close()
  }
}

describe("chunked step writes", () => {
  it("store every row of a step of many chunks, as one transaction per step did", async () => {
    const whole = await Effect.runPromise(run(join(dir, "one.db")))
    const chunked = await Effect.runPromise(run(join(dir, "chunked.db"), { chunkRows: CHUNK }))
    const a = contents(join(dir, "one.db"), whole.runId)
    const b = contents(join(dir, "chunked.db"), chunked.runId)
    expect(b.evaluations.length).toBe(2 * 3 * 30)
    expect(b.steps).toHaveLength(2 * 3)
    expect(b).toEqual(a)
  })

  it("resume after a chunk failed in the middle of a step ends with the uninterrupted run's rows", async () => {
    const whole = await Effect.runPromise(run(join(dir, "whole.db"), { chunkRows: CHUNK }))
    const db = join(dir, "failed.db")
    // Created (and migrated) first, so the trigger can be added before the run: the 11th evaluation of repeat
    // 1's round 1 is refused, and with it the chunk that holds it.
    await Effect.runPromise(Effect.scoped(Layer.build(Store.layer({ filename: db }))))
    const sqlite = new Database(db)
    sqlite.exec(`CREATE TRIGGER refuse BEFORE INSERT ON evaluations
      WHEN NEW.repeat = 1 AND NEW.round = 1
        AND (SELECT COUNT(*) FROM evaluations WHERE repeat = 1 AND round = 1) >= 10
      BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
    sqlite.close()

    const failed = await Effect.runPromise(Effect.flip(run(db, { chunkRows: CHUNK })))
    if (failed._tag !== "RunFailed") throw new Error(`expected RunFailed, got ${failed._tag}`)
    expect(failed.message).toMatch(/refused by the test/)
    // A chunk in the middle: some before it were stored, some after it never written.
    const [, chunk, chunks] = /in chunk (\d+) of (\d+)/.exec(failed.message) ?? []
    expect(Number(chunk)).toBeGreaterThan(1)
    expect(Number(chunk)).toBeLessThan(Number(chunks))
    const partial = contents(db, failed.runId)
    // Part of the step is stored, but no row marks it done.
    const stored = partial.evaluations.filter((e) => e.repeat === 1 && e.round === 1).length
    expect(stored).toBeGreaterThan(0)
    expect(stored).toBeLessThan(10)
    expect(partial.steps).not.toContainEqual(expect.objectContaining({ repeat: 1, step: 1 }))

    const sqlite2 = new Database(db)
    sqlite2.exec("DROP TRIGGER refuse")
    sqlite2.close()
    const resumed = await Effect.runPromise(run(db, { resume: failed.runId, chunkRows: CHUNK }))
    expect(resumed.runId).toBe(failed.runId)
    expect(contents(db, failed.runId)).toEqual(contents(join(dir, "whole.db"), whole.runId))
  })
})
