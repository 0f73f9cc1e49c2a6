import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { type EvaluationRow, makeStore, migrate, migrations } from "../src/index.js"
import { agents, evaluations, newRun, tempDir } from "./fixtures.js"

/**
 * The per-step sums of graded answers (migration 0016) say what averaging every answer says: the
 * learning_curve view reads them, the paper tables too, so they must match the answers exactly, however the
 * answers came (chunked transactions splitting a student's or an item's answers) and after a cohort is deleted.
 */

// What the view and the paper tables computed from the answers before 0016.
const OLD_CURVE = `SELECT run_id, repeat, round, student, task, metric, AVG(score) AS value, COUNT(*) AS n_items, method,
  n, MIN(prompt_lessons) AS prompt_lessons FROM evaluations
  GROUP BY run_id, repeat, round, student, task, method, n, metric ORDER BY 1, 2, 3, 4, 5, 6, 9`
const CURVE = "SELECT * FROM learning_curve ORDER BY 1, 2, 3, 4, 5, 6, 9"
const OLD_ITEMS = `SELECT run_id, task, method, n, round, repeat, item_id, AVG(score) AS score FROM evaluations
  WHERE metric = 'accuracy' GROUP BY run_id, task, method, round, n, repeat, item_id ORDER BY 1, 2, 3, 5, 4, 6, 7`
const ITEMS = `SELECT run_id, task, method, n, round, repeat, item_id, CAST(score_sum AS REAL) / students AS score
  FROM item_scores WHERE metric = 'accuracy' ORDER BY 1, 2, 3, 5, 4, 6, 7`

/** Two cohorts, three students with different numbers of items, two rounds, two repeats. */
const answers = (runId: string): Array<EvaluationRow> =>
  [0, 1].flatMap((repeat) =>
    ["m1", "m2"].flatMap((method) =>
      [0, 1].flatMap((round) =>
        ["student-1", "student-2", "student-3"].flatMap((student, s) =>
          evaluations(
            runId,
            { repeat, round, student, method },
            Array.from({ length: 3 + s }, (_, i) => ((i + s + round + repeat) % 3 === 0 ? 1 : 0)),
          ).map((r, i) => ({ ...r, promptLessons: r.promptLessons + ((i + s) % 2) })),
        ),
      ),
    ),
  )

describe("score aggregates", () => {
  it.scoped(
    "chunked writes add up to the answers' means; a deleted cohort's sums go with it, uncounted",
    () =>
      Effect.gen(function* () {
        const filename = join(yield* tempDir, "runs.db")
        const store = yield* makeStore({ filename, chunkRows: 7 })
        yield* store.createRun(newRun("r1"))
        yield* store.writeBatch({ agents: agents("r1") })
        // 7 rows per transaction: students' and items' answers are split over several.
        expect(yield* store.writeChunked({ evaluations: answers("r1") })).toBe(Math.ceil(96 / 7))
        const curve = yield* store.query(CURVE)
        expect(curve).toEqual(yield* store.query(OLD_CURVE))
        expect(curve).toHaveLength(2 * 2 * 2 * 3)
        const items = yield* store.query(ITEMS)
        expect(items).toEqual(yield* store.query(OLD_ITEMS))
        expect(items).toHaveLength(2 * 2 * 2 * 5)

        const removed = yield* store.deleteCohort("r1", { repeat: 0, task: "spam", method: "m1" })
        expect(removed).toBe(2 * (3 + 4 + 5))
        expect(yield* store.query(CURVE)).toEqual(yield* store.query(OLD_CURVE))
        expect(yield* store.query(ITEMS)).toEqual(yield* store.query(OLD_ITEMS))
        expect(
          yield* store.query("SELECT COUNT(*) AS n FROM student_scores WHERE repeat = 0 AND method = 'm1'"),
        ).toEqual([{ n: 0 }])
      }),
  )

  it.scoped("the migration sums the answers already stored", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "old.db")
      const db = new Database(filename)
      yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
      // A database as 0015 left it, with answers written before the sums existed.
      yield* migrate(
        db,
        filename,
        migrations.filter((m) => m.id < 16),
      )
      db.prepare(
        `INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config, status, started_at) VALUES ('old', 's', 's.yaml', '', '${"h".repeat(64)}', 1, '{}', '{}', 'completed', '2025-01-01')`,
      ).run()
      const insert = db.prepare(
        `INSERT INTO evaluations (run_id, repeat, round, student, task, method, n, prompt_lessons, metric, item_id,
         answer, target, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      for (const r of answers("old"))
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
      const before = { curve: db.prepare(OLD_CURVE).all(), items: db.prepare(OLD_ITEMS).all() }
      expect(before.curve).toEqual(db.prepare(CURVE).all())
      yield* migrate(db, filename)
      expect(db.prepare(CURVE).all()).toEqual(before.curve)
      expect(db.prepare(ITEMS).all()).toEqual(before.items)
    }),
  )
})
