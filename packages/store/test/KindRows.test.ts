import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { makeStore, type RowBatch, StoreError } from "../src/index.js"
import { agents, ensembleItem, message, newRun, tempDir, usage } from "./fixtures.js"

const stage = (runId: string, itemId: string, stage: number, accepted: 0 | 1) => ({
  run_id: runId,
  repeat: 0,
  task: "spam",
  method: "cascade@0.7",
  item_id: itemId,
  stage,
  agent: `proposer-${stage + 1}`,
  answer: "spam",
  confidence: 0.5,
  accepted,
})

describe("kind rows", () => {
  it.scoped("are written to a kind's table, stages before their items in one batch", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "kind.db") })
      yield* store.createRun(newRun("r1", { kind: "ensemble" }))
      yield* store.writeBatch({
        kindRows: [
          { table: "ensemble_stages", rows: [stage("r1", "a", 0, 0), stage("r1", "a", 1, 1)] },
          { table: "ensemble_items", rows: [ensembleItem("r1", { item_id: "a", method: "cascade@0.7" })] },
        ],
      })
      expect(yield* store.query("SELECT item_id, stage, accepted FROM ensemble_stages")).toEqual([
        { item_id: "a", stage: 0, accepted: 0 },
        { item_id: "a", stage: 1, accepted: 1 },
      ])
      // Omitted columns take their defaults; NULL-able ones may be left out.
      expect(yield* store.query("SELECT stages, chosen, flips FROM ensemble_items")).toEqual([
        { stages: 1, chosen: null, flips: null },
      ])
    }),
  )

  it.scoped(
    "refuse an unknown table, an unknown column and a typed table, writing nothing of the batch",
    () =>
      Effect.gen(function* () {
        const filename = join(yield* tempDir, "kind.db")
        const store = yield* makeStore({ filename })
        yield* store.createRun(newRun("r1", { kind: "ensemble" }))
        const refused = (batch: RowBatch) =>
          Effect.flip(store.writeBatch({ agents: agents("r1"), ...batch })).pipe(
            Effect.tap((error) => Effect.sync(() => expect(error).toBeInstanceOf(StoreError))),
            Effect.map((error) => error.message),
          )
        expect(yield* refused({ kindRows: [{ table: "debate_turns", rows: [{ run_id: "r1" }] }] })).toBe(
          `cannot write rows to ${filename}: there is no kind table "debate_turns" (kind tables: ensemble_items, ` +
            "ensemble_stages, population_agents, population_rounds; a kind's table needs run_id, repeat, task, method columns and a migration that " +
            "creates it); nothing from this batch was written",
        )
        const injected = 'answer") VALUES (1); DROP TABLE runs; --'
        const columnMessage = yield* refused({
          kindRows: [
            { table: "ensemble_items", rows: [ensembleItem("r1"), { ...ensembleItem("r1"), [injected]: 1 }] },
          ],
        })
        expect(columnMessage).toContain(
          `ensemble_items row 2 of 2 has no column "${injected}" (its columns: run_id,`,
        )
        expect(
          yield* refused({
            kindRows: [{ table: "ensemble_items", rows: [{ ...ensembleItem("r1"), grade: 1 }] }],
          }),
        ).toContain('ensemble_items row 1 of 1 has no column "grade"')
        // Tables with a typed field in RowBatch take rows only through it.
        expect(
          yield* refused({
            kindRows: [{ table: "cohort_steps", rows: [{ run_id: "r1", repeat: 0, task: "t" }] }],
          }),
        ).toContain('table "cohort_steps" takes rows through its own RowBatch field, not kindRows')
        // A view is no table.
        expect(
          yield* refused({ kindRows: [{ table: "ensemble_summary", rows: [{ run_id: "r1" }] }] }),
        ).toContain('there is no kind table "ensemble_summary"')
        expect(yield* store.query("SELECT COUNT(*) AS n FROM agents")).toEqual([{ n: 0 }])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM runs")).toEqual([{ n: 1 }])
      }),
  )

  it.scoped("fail the whole batch on a constraint, naming the table and row; a stage needs its item", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "kind.db")
      const store = yield* makeStore({ filename })
      yield* store.createRun(newRun("r1", { kind: "ensemble" }))
      const error = yield* Effect.flip(
        store.writeBatch({
          kindRows: [
            { table: "ensemble_items", rows: [ensembleItem("r1"), ensembleItem("r1", { correct: 2 })] },
          ],
        }),
      )
      expect(error.message).toContain(`cannot write ensemble_items row 2 of 2 to ${filename}`)
      expect(error.code).toBe("SQLITE_CONSTRAINT_CHECK")
      // The stages' foreign key is checked when the batch commits: an item missing from the batch fails it.
      const orphan = yield* Effect.flip(
        store.writeBatch({
          modelUsage: [usage("r1")],
          kindRows: [{ table: "ensemble_stages", rows: [stage("r1", "nowhere", 0, 1)] }],
        }),
      )
      expect(orphan.code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
      expect(yield* store.query("SELECT COUNT(*) AS n FROM model_usage")).toEqual([{ n: 0 }])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM ensemble_items")).toEqual([{ n: 0 }])
    }),
  )

  it.scoped("reach any table with cohort columns the schema has, with no code for it", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "kind.db")
      // A later kind's table, as its migration would create it.
      const raw = new Database(filename)
      raw.exec(`CREATE TABLE debate_turns (run_id TEXT NOT NULL, repeat INTEGER NOT NULL, task TEXT NOT NULL,
        method TEXT NOT NULL, turn INTEGER NOT NULL, speaker TEXT NOT NULL)`)
      raw.close()
      const store = yield* makeStore({ filename })
      yield* store.createRun(newRun("r1", { kind: "debate" }))
      const turn = (repeat: number, turn: number) => ({
        run_id: "r1",
        repeat,
        task: "spam",
        method: "chateval",
        turn,
        speaker: "critic",
      })
      yield* store.writeBatch({
        kindRows: [{ table: "debate_turns", rows: [turn(0, 0), turn(0, 1), turn(1, 0)] }],
        messages: [message("r1", "x", { repeat: 1, method: "chateval" })],
        cohortSteps: [{ runId: "r1", repeat: 0, task: "spam", method: "chateval", step: 0 }],
      })
      expect(yield* store.cohortsOf("r1", 1)).toEqual({
        finished: [{ repeat: 0, task: "spam", method: "chateval" }],
        unfinished: [{ repeat: 1, task: "spam", method: "chateval" }],
      })
      expect(yield* store.deleteCohort("r1", { repeat: 1, task: "spam", method: "chateval" })).toBe(2)
      expect(yield* store.query("SELECT repeat, turn FROM debate_turns ORDER BY 1, 2")).toEqual([
        { repeat: 0, turn: 0 },
        { repeat: 0, turn: 1 },
      ])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM messages")).toEqual([{ n: 0 }])
    }),
  )
})
