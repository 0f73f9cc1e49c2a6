import { createHash } from "node:crypto"
import Database from "better-sqlite3"
import { Clock, Context, Effect, Layer, type Option, type Scope } from "effect"
import { makeBatchWriter } from "./Batch.js"
import { STEP_CHUNK_ROWS } from "./Chunks.js"
import { type Cohorts, makeCohorts } from "./Cohorts.js"
import { migrate } from "./Migrations.js"
import { storeReads } from "./Reads.js"
import type {
  AgentRow,
  EvaluationRow,
  LearningCurveRow,
  LessonRow,
  ModelUsageRow,
  NewRun,
  RowBatch,
  RunRow,
  RunStatus,
  SqlValue,
} from "./Rows.js"
import { makeRunLeases, type RunLeases, writeLease } from "./RunLeases.js"
import { makeRunState, type RunState } from "./RunState.js"
import { StoreError, storeErrorFrom } from "./StoreError.js"
import { cohortTables, readTables } from "./Tables.js"

export interface StoreOptions {
  /** The database file; created, with its schema, when missing. `:memory:` gives a throwaway store. */
  readonly filename: string
  /** How long a statement waits for another connection's lock before failing; 5000 ms unless given. */
  readonly busyTimeoutMs?: number
  /** The most rows one transaction of `writeChunked` holds; `STEP_CHUNK_ROWS` (5,000) unless given. */
  readonly chunkRows?: number
}

/** Positional (`?`) or named (`:name`, `@name`, `$name`) parameters of a query. */
export type SqlParams = ReadonlyArray<SqlValue> | Readonly<Record<string, SqlValue>>

/**
 * The run database. One connection, used synchronously: every method is a single SQLite call (a batch is one
 * transaction), so calls from concurrent fibers never interleave inside one another.
 */
export interface StoreService extends RunLeases, RunState, Cohorts {
  readonly filename: string
  /**
   * Records a new run as `running`; the scenario hash is computed here from `scenarioText`. With `lease`, the
   * run's lease is taken in the same transaction: no other process can hold it first.
   */
  readonly createRun: (run: NewRun) => Effect.Effect<RunRow, StoreError>
  /** Marks a run finished now, with its final status; fails when there is no such run. */
  readonly finishRun: (
    id: string,
    status: Exclude<RunStatus, "running">,
    error?: string,
  ) => Effect.Effect<void, StoreError>
  /** Marks a finished or interrupted run `running` again (for resuming it); fails when there is no such run. */
  readonly reopenRun: (id: string) => Effect.Effect<void, StoreError>
  /**
   * Adds what a run spent that no `model_usage` row holds (a round cut short) to its `discarded_tokens` and
   * `discarded_cost_usd`.
   */
  readonly addDiscarded: (
    runId: string,
    spent: { readonly tokens: number; readonly costUsd: number },
  ) => Effect.Effect<void, StoreError>
  /**
   * Writes all rows in one transaction (agents first, then lessons, messages, evaluations, ..., model usage,
   * the kind's tables and last the cohort steps the batch completes): either all of them are stored or none.
   * The runner calls this once per completed step, so a crash loses at most the step in progress. Kind rows
   * are checked against the schema first: an unknown table or column fails the batch before anything is written.
   */
  readonly writeBatch: (batch: RowBatch) => Effect.Effect<void, StoreError>
  /**
   * Writes a batch as `writeBatch` orders it, but in transactions of at most `chunkRows` rows each (a step of
   * a big population has millions), with its `cohortSteps` in the last: a crash or failure between two leaves
   * rows of a step no `cohort_steps` row marks done, and resume deletes an unfinished cohort's rows. Kind rows
   * are checked before the first transaction. Returns the number of transactions.
   */
  readonly writeChunked: (batch: RowBatch) => Effect.Effect<number, StoreError>
  readonly insertAgents: (rows: ReadonlyArray<AgentRow>) => Effect.Effect<void, StoreError>
  readonly insertLessons: (rows: ReadonlyArray<LessonRow>) => Effect.Effect<void, StoreError>
  readonly insertEvaluations: (rows: ReadonlyArray<EvaluationRow>) => Effect.Effect<void, StoreError>
  readonly insertModelUsage: (rows: ReadonlyArray<ModelUsageRow>) => Effect.Effect<void, StoreError>
  /** The run started last, if any. */
  readonly latestRunId: () => Effect.Effect<Option.Option<string>, StoreError>
  readonly getRun: (id: string) => Effect.Effect<Option.Option<RunRow>, StoreError>
  /** The `learning_curve` view for one run, ordered by repeat, round, student, task and metric. */
  readonly learningCurve: (runId: string) => Effect.Effect<ReadonlyArray<LearningCurveRow>, StoreError>
  /**
   * Runs read-only SQL (a SELECT, or a read-only PRAGMA) and returns its rows as they come from SQLite, column
   * names unchanged. For reports; writes go through the methods above.
   */
  readonly query: (
    sql: string,
    params?: SqlParams,
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, StoreError>
}

/** The run database as a service; `Store.layer({ filename })` opens it for the life of the layer. */
export class Store extends Context.Tag("@lyceum/store/Store")<Store, StoreService>() {
  static readonly layer = (options: StoreOptions): Layer.Layer<Store, StoreError> =>
    Layer.scoped(Store, makeStore(options))
}

const QUERY_CACHE_SIZE = 200

const INSERT_RUN = `INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, kind,
  versions, config, status, error, started_at, finished_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, ?, NULL)`
const INSERT_SWEEP_POINT = "INSERT INTO sweep_points (run_id, point, label, values_json) VALUES (?, ?, ?, ?)"
const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")

const open = (filename: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => new Database(filename),
      catch: (cause) => storeErrorFrom(`cannot open database ${filename}`, cause),
    }),
    (db) =>
      Effect.try(() => db.close()).pipe(
        Effect.catchAll((error) => Effect.logWarning(`closing database ${filename} failed`, error.error)),
      ),
  )

const configure = (db: Database.Database, options: StoreOptions) =>
  Effect.try({
    try: () => {
      // busy_timeout first: switching to WAL itself needs a lock another process may hold.
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
      const mode = db.pragma("journal_mode = WAL", { simple: true })
      // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
      db.pragma("synchronous = NORMAL")
      db.pragma("foreign_keys = ON")
      return String(mode)
    },
    catch: (cause) => storeErrorFrom(`cannot open database ${options.filename}`, cause),
  }).pipe(
    Effect.tap((mode) =>
      mode === "wal" || options.filename === ":memory:" || options.filename === ""
        ? Effect.void
        : Effect.logWarning(`database ${options.filename} could not use WAL; journal mode is ${mode}`),
    ),
  )

/**
 * Opens (creating and migrating when needed) the database at `options.filename` with WAL, foreign keys and a
 * busy timeout, and closes it when the scope closes.
 */
export const makeStore = (options: StoreOptions): Effect.Effect<StoreService, StoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const { filename } = options
    const db = yield* open(filename)
    yield* configure(db, options)
    yield* migrate(db, filename)
    // The schema as migrated: which tables hold cohort rows, and which columns a kind's rows may name.
    const tables = yield* Effect.try({
      try: () => readTables(db),
      catch: (cause) => storeErrorFrom(`cannot read the schema of ${filename}`, cause),
    })

    // Statements are compiled once and kept; past QUERY_CACHE_SIZE (many ad-hoc report queries) the least
    // recently used one is dropped.
    const statements = new Map<string, Database.Statement>()
    const prepare = (sql: string): Database.Statement => {
      const cached = statements.get(sql)
      if (cached !== undefined) {
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const statement = db.prepare(sql)
      statements.set(sql, statement)
      if (statements.size > QUERY_CACHE_SIZE) statements.delete(statements.keys().next().value!)
      return statement
    }

    const attempt = <A>(doing: string, run: () => A): Effect.Effect<A, StoreError> =>
      Effect.try({ try: run, catch: (cause) => storeErrorFrom(`cannot ${doing} in ${filename}`, cause) })

    const { writeBatch, writeChunked } = makeBatchWriter(db, filename, tables, prepare)
    const chunkRows = options.chunkRows ?? STEP_CHUNK_ROWS
    if (!Number.isInteger(chunkRows) || chunkRows < 1)
      return yield* new StoreError({
        message: `cannot open ${filename}: chunkRows must be a positive whole number of rows, not ${chunkRows}`,
      })

    const reads = storeReads(prepare)

    const setStatus = (doing: string, id: string, sql: string, params: ReadonlyArray<SqlValue>) =>
      attempt(doing, () => prepare(sql).run(...params).changes).pipe(
        Effect.filterOrFail(
          (changes) => changes > 0,
          () => new StoreError({ message: `cannot ${doing} in ${filename}: there is no run ${id}` }),
        ),
        Effect.asVoid,
      )

    const service: StoreService = {
      filename,
      ...makeRunLeases(db, filename, prepare),
      ...makeRunState(filename, prepare),
      ...makeCohorts(db, filename, prepare, cohortTables(tables)),
      createRun: Effect.fn("Store.createRun")(function* (run: NewRun) {
        const now = yield* nowIso
        const startedAt = run.startedAt ?? now
        const scenarioHash = sha256Hex(run.scenarioText)
        yield* attempt(`create run ${run.id}`, () =>
          db.transaction(() => {
            prepare(INSERT_RUN).run(
              run.id,
              run.scenarioName,
              run.scenarioPath,
              run.scenarioText,
              scenarioHash,
              run.seed,
              run.kind,
              JSON.stringify(run.versions),
              JSON.stringify(run.config ?? null),
              startedAt,
            )
            if (run.lease !== undefined) writeLease(prepare, run.id, run.lease, now)
            for (const p of run.sweepPoints ?? [])
              prepare(INSERT_SWEEP_POINT).run(run.id, p.point, p.label, JSON.stringify(p.values))
          })(),
        )
        const row: RunRow = {
          id: run.id,
          scenarioName: run.scenarioName,
          scenarioPath: run.scenarioPath,
          scenarioText: run.scenarioText,
          scenarioHash,
          seed: run.seed,
          kind: run.kind,
          versions: run.versions,
          config: run.config ?? null,
          status: "running",
          error: null,
          startedAt,
          finishedAt: null,
        }
        return row
      }),
      finishRun: Effect.fn("Store.finishRun")(function* (
        id: string,
        status: Exclude<RunStatus, "running">,
        error?: string,
      ) {
        const finishedAt = yield* nowIso
        yield* setStatus(
          `finish run ${id}`,
          id,
          "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
          [status, error ?? null, finishedAt, id],
        )
      }),
      reopenRun: (id) =>
        setStatus(
          `reopen run ${id}`,
          id,
          "UPDATE runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?",
          [id],
        ).pipe(Effect.withSpan("Store.reopenRun")),
      addDiscarded: (runId, spent) =>
        attempt(`count discarded usage of run ${runId}`, () =>
          prepare(
            "UPDATE runs SET discarded_tokens = discarded_tokens + ?, discarded_cost_usd = discarded_cost_usd + ? WHERE id = ?",
          ).run(Math.max(0, Math.round(spent.tokens)), Math.max(0, spent.costUsd), runId),
        ).pipe(Effect.asVoid),
      writeBatch,
      writeChunked: (batch) => writeChunked(batch, chunkRows),
      insertAgents: (agents) => writeBatch({ agents }),
      insertLessons: (lessons) => writeBatch({ lessons }),
      insertEvaluations: (evaluations) => writeBatch({ evaluations }),
      insertModelUsage: (modelUsage) => writeBatch({ modelUsage }),
      latestRunId: () => attempt("find the latest run", reads.latestRunId),
      getRun: (id) => attempt(`read run ${id}`, () => reads.getRun(id)),
      learningCurve: (runId) =>
        attempt(`read the learning curve of run ${runId}`, () => reads.learningCurve(runId)),
      query: (sql, params = []) =>
        attempt("run query", () => prepare(sql)).pipe(
          Effect.filterOrFail(
            (statement) => statement.reader && statement.readonly,
            () =>
              new StoreError({
                message: `cannot run query in ${filename}: query takes read-only SQL that returns rows (got: ${sql.trim().slice(0, 80)})`,
              }),
          ),
          Effect.flatMap((statement) =>
            attempt(
              "run query",
              () =>
                (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as Array<
                  Record<string, unknown>
                >,
            ),
          ),
        ),
    }
    return service
  })
