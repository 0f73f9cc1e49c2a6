import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { promptHash } from "../src/Batch.js"
import { makeStore, migrate, migrations } from "../src/index.js"
import { agents, evaluations, newRun, tempDir } from "./fixtures.js"

const answers = (runId: string, prompts: ReadonlyArray<string | undefined>) =>
  evaluations(
    runId,
    { repeat: 0, round: 0, student: "student-1" },
    prompts.map(() => 1),
  ).map((row, i) => (prompts[i] === undefined ? row : { ...row, prompt: prompts[i] }))

describe("answer prompts (migration 0013)", () => {
  it.scoped("stores each distinct prompt of a run once; every answer names its prompt by hash", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const store = yield* makeStore({ filename })
      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      yield* store.writeBatch({ evaluations: answers("r1", ["Q: a\nA:", "Q: b\nA:", "Q: a\nA:", undefined]) })
      expect(yield* store.query("SELECT hash, text FROM prompt_texts ORDER BY text")).toEqual([
        { hash: promptHash("Q: a\nA:"), text: "Q: a\nA:" },
        { hash: promptHash("Q: b\nA:"), text: "Q: b\nA:" },
      ])
      expect(
        yield* store.query(
          `SELECT e.item_id, p.text FROM evaluations e LEFT JOIN prompt_texts p
           ON p.run_id = e.run_id AND p.hash = e.prompt_hash ORDER BY e.item_id`,
        ),
      ).toEqual([
        { item_id: "item-0", text: "Q: a\nA:" },
        { item_id: "item-1", text: "Q: b\nA:" },
        { item_id: "item-2", text: "Q: a\nA:" },
        { item_id: "item-3", text: null },
      ])
      // A second step (or a resumed cohort) with the same prompt adds no row; another run keeps its own.
      yield* store.writeBatch({
        evaluations: answers("r1", ["Q: a\nA:"]).map((r) => ({ ...r, round: 1 })),
      })
      yield* store.createRun(newRun("r2"))
      yield* store.insertAgents(agents("r2"))
      yield* store.writeBatch({ evaluations: answers("r2", ["Q: a\nA:"]) })
      expect(yield* store.query("SELECT run_id, COUNT(*) AS n FROM prompts GROUP BY run_id")).toEqual([
        { run_id: "r1", n: 2 },
        { run_id: "r2", n: 1 },
      ])
      // Deleting a run deletes its prompts.
      const raw = new Database(filename)
      raw.pragma("foreign_keys = ON")
      raw.prepare("DELETE FROM runs WHERE id = 'r2'").run()
      raw.close()
      expect(yield* store.query("SELECT DISTINCT run_id FROM prompts")).toEqual([{ run_id: "r1" }])
    }),
  )

  it.scoped("stores an agent's shared context once; each prompt keeps the rest", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      const context = "lesson one\n\nlesson two"
      const withContext = (runId: string, items: ReadonlyArray<string>, shared = context) =>
        answers(
          runId,
          items.map((item) => `${context}\n\n${item}`),
        ).map((row) => ({ ...row, promptContext: shared }))
      for (const runId of ["r1", "r2"]) {
        yield* store.createRun(newRun(runId))
        yield* store.insertAgents(agents(runId))
      }
      // Two runs in one batch with the same context: each run has its own copy.
      yield* store.writeBatch({
        evaluations: [...withContext("r1", ["Q: a", "Q: b"]), ...withContext("r2", ["Q: a"])],
      })
      // A context the prompt does not start with is not split off: the prompt is stored whole.
      yield* store.writeBatch({
        evaluations: withContext("r1", ["Q: c"], "something else").map((r) => ({ ...r, round: 1 })),
      })
      expect(yield* store.query("SELECT run_id, text FROM prompt_contexts ORDER BY run_id")).toEqual([
        { run_id: "r1", text: context },
        { run_id: "r2", text: context },
      ])
      expect(
        yield* store.query(
          "SELECT tail, context_hash IS NULL AS whole FROM prompts WHERE run_id = 'r1' ORDER BY tail",
        ),
      ).toEqual([
        { tail: "\n\nQ: a", whole: 0 },
        { tail: "\n\nQ: b", whole: 0 },
        { tail: `${context}\n\nQ: c`, whole: 1 },
      ])
      expect(
        yield* store.query(
          `SELECT e.round, e.item_id, p.text FROM evaluations e JOIN prompt_texts p
           ON p.run_id = e.run_id AND p.hash = e.prompt_hash WHERE e.run_id = 'r1' ORDER BY e.round, e.item_id`,
        ),
      ).toEqual([
        { round: 0, item_id: "item-0", text: `${context}\n\nQ: a` },
        { round: 0, item_id: "item-1", text: `${context}\n\nQ: b` },
        { round: 1, item_id: "item-0", text: `${context}\n\nQ: c` },
      ])
      // The README's query reads the same prompts.
      const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
      const section = readme.split("### `prompts` and `prompt_contexts`")[1]!.split("\n### ")[0]!
      const sql = /```sql\n([\s\S]*?)```/.exec(section)![1]!
      expect((yield* store.query(sql, ["r1"])).map((r) => [r.item_id, r.prompt])).toEqual([
        ["item-0", `${context}\n\nQ: c`],
      ])
      expect(
        yield* store.query("SELECT hash FROM prompts WHERE tail = '\n\nQ: a' AND run_id = 'r1'"),
      ).toEqual([{ hash: promptHash(`${context}\n\nQ: a`) }])
    }),
  )

  it.scoped("chunked writes keep every answer with its prompt, whatever the chunk size", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db"), chunkRows: 2 })
      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      const texts = Array.from({ length: 7 }, (_, i) => `Q: ${i % 3}\nA:`)
      expect(yield* store.writeChunked({ evaluations: answers("r1", texts) })).toBe(4)
      expect(
        yield* store.query(
          `SELECT p.text FROM evaluations e JOIN prompt_texts p ON p.run_id = e.run_id AND p.hash = e.prompt_hash
           ORDER BY e.item_id`,
        ),
      ).toEqual(texts.map((text) => ({ text })))
      expect(yield* store.query("SELECT COUNT(*) AS n FROM prompts")).toEqual([{ n: 3 }])
    }),
  )

  it.scoped("an older database migrates: its answers keep a NULL prompt_hash", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "old.db")
      const db = new Database(filename)
      yield* migrate(
        db,
        filename,
        migrations.filter((m) => m.id < 13),
      )
      db.prepare(
        `INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config,
         started_at) VALUES ('old', 's', 's.yaml', '', ?, 1, '{}', '{}', '2025-01-01T00:00:00.000Z')`,
      ).run("0".repeat(64))
      db.prepare(
        `INSERT INTO evaluations (run_id, repeat, round, student, task, method, n, prompt_lessons, metric, item_id,
         answer, target, score) VALUES ('old', 0, 0, 's', 't', 'm', 0, 0, 'accuracy', 'i', 'a', 'a', 1)`,
      ).run()
      db.close()
      const store = yield* makeStore({ filename })
      expect(yield* store.query("SELECT item_id, prompt_hash FROM evaluations")).toEqual([
        { item_id: "i", prompt_hash: null },
      ])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM prompts")).toEqual([{ n: 0 }])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM prompt_contexts")).toEqual([{ n: 0 }])
    }),
  )
})
