import { existsSync } from "node:fs"
import { migrations } from "@lyceum/store"
import Database from "better-sqlite3"
import { Data, Effect, type Scope } from "effect"

/**
 * Why `lyceum view` cannot serve a database file: it is missing or unreadable, is not a Lyceum database, or
 * was written by another version. The message names the file and says what to do.
 */
export class ViewerDbError extends Data.TaggedError("ViewerDbError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** The read-only connection the viewer serves from, and the schema version it found there. */
export interface ViewerDb {
  readonly filename: string
  readonly db: Database.Database
  /** The highest migration applied to the file (this build's latest: older and newer ones are refused). */
  readonly schemaVersion: number
  /** Whether the file has this table (and column): records other issues add are read only where present. */
  readonly has: (table: string, column?: string) => boolean
}

const label = (m: { readonly id: number; readonly name: string }) =>
  `${String(m.id).padStart(4, "0")}_${m.name}`

const hasTable = (db: Database.Database, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined

/**
 * Checks the file is a Lyceum database of exactly this build's schema. An older one is refused rather than
 * served half: the viewer reads columns later migrations add, and opening read-only it cannot migrate; any
 * `lyceum` command that writes upgrades it in place.
 */
export const checkSchema = (db: Database.Database, filename: string): number => {
  if (!hasTable(db, "schema_migrations") || !hasTable(db, "runs"))
    throw new ViewerDbError({
      message:
        `${filename} is not a Lyceum database (it has no runs or schema_migrations table): ` +
        "pass the file `lyceum run --db` wrote (default lyceum.db)",
    })
  const applied = db.prepare("SELECT id, name FROM schema_migrations ORDER BY id").all() as Array<{
    id: number
    name: string
  }>
  const known = new Set(migrations.map((m) => m.id))
  const unknown = applied.filter((m) => !known.has(m.id))
  const latest = migrations[migrations.length - 1]!
  if (unknown.length > 0)
    throw new ViewerDbError({
      message:
        `${filename} was written by a newer version of Lyceum (it has migration ` +
        `${unknown.map(label).join(", ")}; this version knows up to ${label(latest)}): upgrade Lyceum to view it`,
    })
  const done = new Set(applied.map((m) => m.id))
  const missing = migrations.filter((m) => !done.has(m.id))
  if (missing.length > 0)
    throw new ViewerDbError({
      message:
        `${filename} was written by an older version of Lyceum (it lacks migration ` +
        `${missing.map(label).join(", ")}) and the viewer opens it read-only, so it cannot upgrade it: ` +
        `upgrade it once with a lyceum command that writes (lyceum runs --db ${filename}), then view it`,
    })
  return Math.max(...applied.map((m) => m.id))
}

/**
 * Opens `filename` read-only (never created, never migrated, never written: `readonly` makes SQLite refuse
 * every write) for the life of the scope, after checking its schema.
 */
export const openViewerDb = (filename: string): Effect.Effect<ViewerDb, ViewerDbError, Scope.Scope> =>
  (existsSync(filename)
    ? Effect.void
    : Effect.fail(
        new ViewerDbError({
          message: `no database at ${filename}: pass the file lyceum run wrote with --db (lyceum run SCENARIO --db ${filename})`,
        }),
      )
  ).pipe(
    Effect.zipRight(
      Effect.acquireRelease(
        Effect.try({
          try: () => new Database(filename, { readonly: true, fileMustExist: true }),
          catch: (cause) =>
            new ViewerDbError({
              message: `cannot open ${filename}: ${cause instanceof Error ? cause.message : String(cause)}; pass an existing Lyceum database with --db`,
              cause,
            }),
        }),
        (db) => Effect.sync(() => db.close()),
      ),
    ),
    Effect.flatMap((db) =>
      Effect.try({
        try: () => {
          // A file SQLite cannot read as a database fails on its first statement, not on open.
          const schemaVersion = checkSchema(db, filename)
          const columns = new Map<string, Set<string>>()
          const has = (table: string, column?: string) => {
            let known = columns.get(table)
            if (known === undefined) {
              const rows = db.prepare("SELECT name FROM pragma_table_info(?)").all(table) as Array<{
                name: string
              }>
              known = new Set(rows.map((r) => r.name))
              columns.set(table, known)
            }
            return column === undefined ? known.size > 0 : known.has(column)
          }
          return { filename, db, schemaVersion, has }
        },
        catch: (cause) =>
          cause instanceof ViewerDbError
            ? cause
            : new ViewerDbError({
                message: `${filename} is not a Lyceum database (${cause instanceof Error ? cause.message : String(cause)}): pass the file \`lyceum run --db\` wrote`,
                cause,
              }),
      }),
    ),
  )
