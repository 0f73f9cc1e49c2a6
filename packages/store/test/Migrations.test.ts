import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Option } from "effect"
import { type Migration, makeStore, migrate, migrations, StoreError } from "../src/index.js"
import { newRun, tempDir } from "./fixtures.js"

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
})
