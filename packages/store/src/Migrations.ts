import type Database from "better-sqlite3"
import { Effect } from "effect"
import { migration as initial } from "./migrations/0001_initial.js"
import { migration as lessonLeakage } from "./migrations/0002_lesson_leakage.js"
import { migration as discardedTokens } from "./migrations/0003_discarded_tokens.js"
import { migration as cost } from "./migrations/0004_cost.js"
import { migration as usageFaults } from "./migrations/0005_usage_faults.js"
import { migration as runLease } from "./migrations/0006_run_lease.js"
import { migration as coalitions } from "./migrations/0007_coalitions.js"
import { migration as ensemble } from "./migrations/0008_ensemble.js"
import { migration as messageAudit } from "./migrations/0009_message_audit.js"
import { migration as endpointCapabilities } from "./migrations/0010_endpoint_capabilities.js"
import { migration as workQueue } from "./migrations/0011_work_queue.js"
import { migration as population } from "./migrations/0012_population.js"
import { migration as answerPrompts } from "./migrations/0013_answer_prompts.js"
import { migration as sweepPoints } from "./migrations/0014_sweep_points.js"
import { migration as viewerIndexes } from "./migrations/0015_viewer_indexes.js"
import { migration as scoreAggregates } from "./migrations/0016_score_aggregates.js"
import { StoreError, storeErrorFrom } from "./StoreError.js"

/** One step of the schema's history. Ids only grow; an applied migration is never edited, only followed. */
export interface Migration {
  readonly id: number
  readonly name: string
  readonly sql: string
}

/** Every migration this version knows, in the order they apply. */
export const migrations: ReadonlyArray<Migration> = [
  initial,
  lessonLeakage,
  discardedTokens,
  cost,
  usageFaults,
  runLease,
  coalitions,
  ensemble,
  messageAudit,
  endpointCapabilities,
  workQueue,
  population,
  answerPrompts,
  sweepPoints,
  viewerIndexes,
  scoreAggregates,
]

const label = (m: { readonly id: number; readonly name: string }) =>
  `${String(m.id).padStart(4, "0")}_${m.name}`

type Outcome =
  | { readonly _tag: "Applied"; readonly applied: ReadonlyArray<Migration> }
  | {
      readonly _tag: "Newer"
      readonly unknown: ReadonlyArray<{ readonly id: number; readonly name: string }>
    }

const plan = (db: Database.Database, known: ReadonlyArray<Migration>): Outcome => {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const done = db.prepare("SELECT id, name FROM schema_migrations ORDER BY id").all() as Array<{
    id: number
    name: string
  }>
  const knownIds = new Set(known.map((m) => m.id))
  const unknown = done.filter((m) => !knownIds.has(m.id))
  if (unknown.length > 0) return { _tag: "Newer", unknown }
  const doneIds = new Set(done.map((m) => m.id))
  const pending = known.filter((m) => !doneIds.has(m.id))
  const record = db.prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)")
  for (const m of pending) {
    db.exec(m.sql)
    record.run(m.id, m.name, new Date().toISOString())
  }
  return { _tag: "Applied", applied: pending }
}

/**
 * Runs `f` with foreign keys ON and legacy_alter_table OFF, as migrations are written for (a table rebuild's
 * renames must rewrite the references to it: see 0007), then restores both. Neither can change inside a
 * transaction, so they are set here, around the migration's transaction.
 */
const withMigrationPragmas = <A>(db: Database.Database, f: () => A): A => {
  const foreignKeys = db.pragma("foreign_keys", { simple: true })
  const legacyAlter = db.pragma("legacy_alter_table", { simple: true })
  try {
    db.pragma("foreign_keys = ON")
    db.pragma("legacy_alter_table = OFF")
    if (db.pragma("foreign_keys", { simple: true }) !== 1)
      throw new Error("foreign keys cannot be switched on inside a transaction: migrate outside of one")
    return f()
  } finally {
    db.pragma(`legacy_alter_table = ${legacyAlter ? "ON" : "OFF"}`)
    db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`)
  }
}

/**
 * Brings the database's schema up to `known`, applying all pending migrations in one transaction (IMMEDIATE,
 * so two processes opening the same new file cannot both apply them). A database that records a migration
 * this version does not know was written by a newer Lyceum and is refused rather than misread.
 */
export const migrate = (
  db: Database.Database,
  filename: string,
  known: ReadonlyArray<Migration> = migrations,
): Effect.Effect<ReadonlyArray<Migration>, StoreError> =>
  Effect.try({
    try: () => withMigrationPragmas(db, () => db.transaction(() => plan(db, known)).immediate()),
    catch: (cause) => storeErrorFrom(`cannot migrate database ${filename}`, cause),
  }).pipe(
    Effect.flatMap((outcome) =>
      outcome._tag === "Applied"
        ? Effect.succeed(outcome.applied)
        : Effect.fail(
            new StoreError({
              message:
                `database ${filename} was written by a newer version of Lyceum: it has migration ` +
                `${outcome.unknown.map(label).join(", ")}, unknown to this version (which knows up to ` +
                `${known.length > 0 ? label(known[known.length - 1]!) : "none"}); upgrade Lyceum to open it`,
            }),
          ),
    ),
  )
