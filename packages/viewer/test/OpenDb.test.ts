import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect, Either } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { openViewerDb } from "../src/db/OpenDb.js"
import { readOnlyStore } from "../src/db/ReadOnlyStore.js"
import { RUNS, writeFixture } from "./support/Fixture.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-viewer-open-"))
let fixture: string
beforeAll(async () => {
  fixture = await writeFixture()
})

/** A copy of the fixture changed by `edit` through a writable connection. */
const edited = (name: string, edit: (db: Database.Database) => void) => {
  const file = join(dir, name)
  copyFileSync(fixture, file)
  const db = new Database(file)
  edit(db)
  db.close()
  return file
}

const openError = (file: string) =>
  Effect.runPromise(Effect.scoped(Effect.either(openViewerDb(file)))).then((e) =>
    Either.isLeft(e) ? e.left.message : "opened",
  )

describe("opening a database for the viewer", () => {
  it("refuses a missing file, a non-database and a database that is not Lyceum's, naming the file", async () => {
    const missing = join(dir, "missing.db")
    expect(await openError(missing)).toBe(
      `no database at ${missing}: pass the file lyceum run wrote with --db (lyceum run SCENARIO --db ${missing})`,
    )
    const text = join(dir, "notes.db")
    writeFileSync(
      text,
      "not a database at all, just some text that is long enough to fill a header\n".repeat(20),
    )
    expect(await openError(text)).toMatch(
      new RegExp(`^${text} is not a Lyceum database \\(file is not a database\\)`),
    )
    const other = edited("other.db", (db) => db.exec("DROP TABLE schema_migrations"))
    expect(await openError(other)).toBe(
      `${other} is not a Lyceum database (it has no runs or schema_migrations table): pass the file \`lyceum run --db\` wrote (default lyceum.db)`,
    )
  })

  it("refuses a newer schema (upgrade Lyceum) and an older one (upgrade the file with a writing command)", async () => {
    const newer = edited("newer.db", (db) =>
      db.prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (999, 'future', 'now')").run(),
    )
    expect(await openError(newer)).toMatch(
      new RegExp(
        `^${newer} was written by a newer version of Lyceum \\(it has migration 0999_future; .*upgrade Lyceum to view it$`,
      ),
    )
    const older = edited("older.db", (db) => db.prepare("DELETE FROM schema_migrations WHERE id = 15").run())
    expect(await openError(older)).toBe(
      `${older} was written by an older version of Lyceum (it lacks migration 0015_viewer_indexes) and the viewer ` +
        `opens it read-only, so it cannot upgrade it: upgrade it once with a lyceum command that writes ` +
        `(lyceum runs --db ${older}), then view it`,
    )
  })

  it("opens read-only: SQLite refuses writes, and the Store's writing methods fail", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const viewer = yield* openViewerDb(fixture)
          const write = Either.try(() => viewer.db.exec(`DELETE FROM runs WHERE id = '${RUNS.a}'`))
          const store = readOnlyStore(viewer)
          const finish = yield* Effect.either(store.finishRun(RUNS.a, "failed"))
          const run = yield* store.getRun(RUNS.a)
          return { write, finish, run }
        }),
      ),
    )
    expect(Either.isLeft(outcome.write) && String(outcome.write.left)).toContain("readonly")
    expect(Either.isLeft(outcome.finish) && outcome.finish.left.message).toBe(
      `cannot finish a run in ${fixture}: lyceum view opens the database read-only`,
    )
    expect(outcome.run._tag === "Some" && outcome.run.value.status).toBe("completed")
  })
})
