import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Option } from "effect"
import { type Migration, makeStore, migrate, migrations, StoreError } from "../src/index.js"
import { lesson, newRun, tempDir } from "./fixtures.js"

const appliedIds = (filename: string) => {
  const db = new Database(filename, { readonly: true })
  try {
    return (db.prepare("SELECT id FROM schema_migrations ORDER BY id").all() as Array<{ id: number }>).map(
      (row) => row.id,
    )
  } finally {
    db.close()
  }
}

const tableNames = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string
    }>
  ).map((row) => row.name)

describe("migrations", () => {
  it("are numbered in increasing order", () => {
    const ids = migrations.map((m) => m.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBe(1)
  })

  it.scoped("apply once: reopening keeps the data and applies nothing again", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      yield* Effect.scoped(Effect.flatMap(makeStore({ filename }), (store) => store.createRun(newRun("r1"))))
      yield* Effect.scoped(makeStore({ filename }))
      expect(appliedIds(filename)).toEqual(migrations.map((m) => m.id))
      const store = yield* makeStore({ filename })
      expect(yield* store.latestRunId()).toEqual(Option.some("r1"))

      const db = new Database(filename)
      expect(yield* migrate(db, filename)).toEqual([])
      db.close()
    }),
  )

  it.scoped("apply only the pending ones to an older database", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const db = new Database(filename)
      yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
      expect((yield* migrate(db, filename)).map((m) => m.id)).toEqual(migrations.map((m) => m.id))
      const next: Migration = { id: 9001, name: "notes", sql: "CREATE TABLE notes (run_id TEXT, note TEXT);" }
      expect(yield* migrate(db, filename, [...migrations, next])).toEqual([next])
      expect(tableNames(db)).toContain("notes")
    }),
  )

  it.scoped("roll back entirely when one migration fails", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const db = new Database(filename)
      yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
      const broken: Migration = { id: 9001, name: "broken", sql: "CREATE TABLE nonsense (;" }
      const error = yield* Effect.flip(migrate(db, filename, [...migrations, broken]))
      expect(error).toBeInstanceOf(StoreError)
      expect(error.message).toContain(`cannot migrate database ${filename}: `)
      expect(tableNames(db)).not.toContain("runs")
    }),
  )

  it.scoped("refuse a database written by a newer version", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      yield* Effect.scoped(makeStore({ filename }))
      const db = new Database(filename)
      db.prepare(
        "INSERT INTO schema_migrations (id, name, applied_at) VALUES (9999, 'from_the_future', ?)",
      ).run(new Date().toISOString())
      db.close()
      const error = yield* Effect.flip(Effect.scoped(makeStore({ filename })))
      const last = migrations[migrations.length - 1]!
      const latest = `${String(last.id).padStart(4, "0")}_${last.name}`
      expect(error).toBeInstanceOf(StoreError)
      expect(error.message).toBe(
        `database ${filename} was written by a newer version of Lyceum: it has migration 9999_from_the_future, ` +
          `unknown to this version (which knows up to ${latest}); upgrade Lyceum to open it`,
      )
    }),
  )

  it.scoped(
    "0007 keeps an older database's rows: lessons, findings and agents survive the agents rebuild",
    () =>
      Effect.gen(function* () {
        const filename = join(yield* tempDir, "old.db")
        yield* Effect.sync(() => writeOldDatabase(filename))
        const store = yield* makeStore({ filename })
        // Every row survived, in its rowid order, and the old runs are social learning.
        expect(yield* store.query("SELECT rowid, id, teacher FROM lessons ORDER BY rowid")).toEqual([
          { rowid: 1, id: "l-b", teacher: "teacher-1" },
          { rowid: 2, id: "l-a", teacher: "teacher-2" },
        ])
        expect(yield* store.query("SELECT lesson_id, detector FROM filter_findings")).toEqual([
          { lesson_id: "l-a", detector: "canary" },
        ])
        expect(
          yield* store.query("SELECT agent_id, role, kind, data_size FROM agents ORDER BY agent_id"),
        ).toEqual([
          { agent_id: "student-1", role: "student", kind: "social-learning", data_size: null },
          { agent_id: "teacher-1", role: "teacher", kind: "social-learning", data_size: 10 },
          { agent_id: "teacher-2", role: "teacher", kind: "social-learning", data_size: 10 },
        ])
        expect(Option.getOrThrow(yield* store.getRun("old")).kind).toBe("social-learning")
        expect(yield* store.query("PRAGMA foreign_key_check")).toEqual([])
        // The views over the rebuilt tables read them as before.
        expect(
          yield* store.query("SELECT teachers, students, lessons, lessons_redacted FROM run_summary"),
        ).toEqual([{ teachers: 2, students: 1, lessons: 2, lessons_redacted: 1 }])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM agent_messages")).toEqual([{ n: 2 }])
        // cohort_steps backfilled from the evaluated rounds: repeat 0 has rounds 0 and 1, repeat 1 round 0 only.
        expect(
          yield* store.query("SELECT repeat, step, finished_at FROM cohort_steps ORDER BY 1, 2"),
        ).toEqual([
          { repeat: 0, step: 0, finished_at: null },
          { repeat: 0, step: 1, finished_at: null },
          { repeat: 1, step: 0, finished_at: null },
        ])
        expect(yield* store.cohortsOf("old", 2)).toEqual({
          finished: [{ repeat: 0, task: "spam", method: "m" }],
          unfinished: [{ repeat: 1, task: "spam", method: "m" }],
        })
        // The rebuilt foreign keys still hold and cascade: a lesson for an unknown agent is refused, and deleting
        // an agent takes its lessons and their findings along.
        const orphan = lesson("old", "l-x", { teacher: "nobody" })
        expect((yield* Effect.flip(store.insertLessons([orphan]))).code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
        const raw = new Database(filename)
        raw.prepare("DELETE FROM agents WHERE agent_id = 'teacher-2'").run()
        raw.close()
        expect(yield* store.query("SELECT id FROM lessons")).toEqual([{ id: "l-b" }])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM filter_findings")).toEqual([{ n: 0 }])
      }),
  )

  it.scoped("0007 migrates a database holding rows of a run deleted with foreign keys off", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "old.db")
      writeOldDatabase(filename)
      // A second run with every kind of row, deleted as the sqlite3 shell does by default: keys off, no cascade.
      const db = new Database(filename)
      db.exec(`
        INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config,
          started_at) SELECT 'gone', scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions,
          config, started_at FROM runs WHERE id = 'old';
        INSERT INTO agents SELECT 'gone', agent_id, role, model, data_size FROM agents WHERE run_id = 'old';
        INSERT INTO lessons SELECT 'gone', id, repeat, round, teacher, student, task, method, kind, text,
          filter_action, filter_detector, filter_reason, sent, chosen, created_at, distance, verbatim_copy,
          smuggle, smuggle_intact FROM lessons WHERE run_id = 'old';
        INSERT INTO filter_findings SELECT 'gone', lesson_id, detector, action, start, "end", matched_hash, reason
          FROM filter_findings WHERE run_id = 'old';
        INSERT INTO evaluations SELECT 'gone', repeat, round, student, task, method, n, prompt_lessons, metric,
          item_id, answer, target, score FROM evaluations WHERE run_id = 'old';
        PRAGMA foreign_keys = OFF;
        DELETE FROM runs WHERE id = 'gone';`)
      db.close()
      const store = yield* makeStore({ filename })
      for (const table of ["agents", "lessons", "filter_findings", "cohort_steps"])
        expect(yield* store.query(`SELECT DISTINCT run_id FROM ${table}`)).toEqual([{ run_id: "old" }])
      // The deleted run's evaluations broke their key before; the migration neither fixes nor minds them.
      expect(yield* store.query("SELECT DISTINCT run_id FROM evaluations ORDER BY 1")).toEqual([
        { run_id: "gone" },
        { run_id: "old" },
      ])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM lessons")).toEqual([{ n: 2 }])
    }),
  )

  it.scoped("refuse to migrate inside a transaction on a connection with foreign keys off", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const db = new Database(filename)
      yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
      db.pragma("foreign_keys = OFF")
      db.exec("BEGIN")
      const error = yield* Effect.flip(migrate(db, filename))
      expect(error.message).toBe(
        `cannot migrate database ${filename}: foreign keys cannot be switched on inside a transaction: ` +
          "migrate outside of one",
      )
      db.exec("ROLLBACK")
      expect(tableNames(db)).not.toContain("runs")
    }),
  )

  it.scoped("0007 gives the same schema on a connection with foreign keys off, and leaves them off", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const schemaOf = (filename: string) => {
        const db = new Database(filename, { readonly: true })
        try {
          return db
            .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name <> 'sqlite_stat1' ORDER BY name")
            .all()
        } finally {
          db.close()
        }
      }
      const [on, off] = [join(dir, "on.db"), join(dir, "off.db")]
      writeOldDatabase(on)
      writeOldDatabase(off)
      yield* Effect.scoped(makeStore({ filename: on }))
      const db = new Database(off)
      db.pragma("foreign_keys = OFF")
      yield* migrate(db, off)
      expect(db.pragma("foreign_keys", { simple: true })).toBe(0)
      expect(db.pragma("legacy_alter_table", { simple: true })).toBe(0)
      expect(db.prepare("SELECT COUNT(*) AS n FROM lessons").get()).toEqual({ n: 2 })
      db.close()
      expect(schemaOf(off)).toEqual(schemaOf(on))
    }),
  )
})

/**
 * A database as Lyceum left it before migration 0007 (migrations 1 to 6), with a run, its agents, two lessons
 * (inserted out of id order, so rowid order is visible), a finding, evaluations of two repeats and usage.
 */
const writeOldDatabase = (filename: string) => {
  const db = new Database(filename)
  try {
    Effect.runSync(migrate(db, filename, migrations.slice(0, 6)))
    const run = newRun("old")
    db.prepare(
      `INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config,
       started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.id,
      run.scenarioName,
      run.scenarioPath,
      run.scenarioText,
      "0".repeat(64),
      run.seed,
      "{}",
      "{}",
      "t",
    )
    const agent = db.prepare(
      "INSERT INTO agents (run_id, agent_id, role, model, data_size) VALUES (?, ?, ?, ?, ?)",
    )
    agent.run("old", "teacher-1", "teacher", "sim", 10)
    agent.run("old", "teacher-2", "teacher", "sim", 10)
    agent.run("old", "student-1", "student", "sim", null)
    const insertLesson = db.prepare(
      `INSERT INTO lessons (run_id, id, repeat, round, teacher, student, task, method, kind, text, filter_action,
       sent, chosen, created_at) VALUES ('old', ?, 0, 1, ?, 'student-1', 'spam', 'm', 'instruction', 'x', ?, 1, 1, 't')`,
    )
    insertLesson.run("l-b", "teacher-1", "allow")
    insertLesson.run("l-a", "teacher-2", "redact")
    db.prepare(
      `INSERT INTO filter_findings (run_id, lesson_id, detector, action, start, "end", matched_hash, reason)
       VALUES ('old', 'l-a', 'canary', 'redact', 0, 1, 'h', 'r')`,
    ).run()
    const evaluation = db.prepare(
      `INSERT INTO evaluations (run_id, repeat, round, student, task, method, n, prompt_lessons, metric, item_id,
       answer, target, score) VALUES ('old', ?, ?, 'student-1', 'spam', 'm', 0, 0, 'accuracy', ?, 'a', 'a', 1)`,
    )
    for (const [repeat, round] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ])
      for (const item of ["i1", "i2"]) evaluation.run(repeat, round, item)
  } finally {
    db.close()
  }
}
