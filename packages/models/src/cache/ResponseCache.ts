import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { Clock, Context, Effect, Layer, Option, type Scope } from "effect"
import type { ModelIdentity, RequestKey } from "./CacheKey.js"
import { ResponseCacheError, responseCacheError } from "./ResponseCacheError.js"

export interface ResponseCacheOptions {
  /** The SQLite file; created (with its directory) when missing, unless `mustExist`. */
  readonly path: string
  /** Fail instead of creating a missing file: an empty cache cannot replay anything. */
  readonly mustExist?: boolean
  /** How long a statement waits for another process's lock on the file. Default 5000 ms. */
  readonly busyTimeoutMs?: number
}

/** One answer to store. */
export interface CacheEntry {
  readonly identity: ModelIdentity
  readonly request: RequestKey
  /** Which asking of a non-deterministic request this answered (0 for deterministic ones). */
  readonly occurrence: number
  /** The response as JSON. */
  readonly response: string
}

/** Counters since the cache was opened. */
export interface CacheStats {
  readonly lookups: number
  readonly hits: number
  readonly writes: number
}

export interface ResponseCacheService {
  readonly path: string
  /** The stored response (JSON) for `key` at `occurrence`, if any. */
  readonly lookup: (
    key: string,
    occurrence: number,
  ) => Effect.Effect<Option.Option<string>, ResponseCacheError>
  /** Stores an answer; an answer already stored under the same key and occurrence is kept. */
  readonly store: (entry: CacheEntry) => Effect.Effect<void, ResponseCacheError>
  /**
   * Claims the next occurrence of a non-deterministic request in this process: the lowest one released, or
   * the next never claimed. The n-th identical asking is answered by the n-th stored answer, so a re-run
   * replays the same sequence of samples.
   */
  readonly claimOccurrence: (key: string) => Effect.Effect<number>
  /** Gives back an occurrence whose call failed, so the next asking fills it rather than leaving a gap. */
  readonly releaseOccurrence: (key: string, occurrence: number) => Effect.Effect<void>
  /** The number of stored answers. */
  readonly size: Effect.Effect<number, ResponseCacheError>
  readonly stats: Effect.Effect<CacheStats>
}

/**
 * The response cache: one SQLite file (WAL) of model answers, opened for the life of a scope. Errors are
 * never stored, so a failed call is asked again next time.
 */
export class ResponseCache extends Context.Tag("@lyceum/models/ResponseCache")<
  ResponseCache,
  ResponseCacheService
>() {
  static readonly make = (
    options: ResponseCacheOptions,
  ): Effect.Effect<ResponseCacheService, ResponseCacheError, Scope.Scope> => makeResponseCache(options)

  static readonly layer = (options: ResponseCacheOptions): Layer.Layer<ResponseCache, ResponseCacheError> =>
    Layer.scoped(ResponseCache, makeResponseCache(options))
}

/** The layout of the file; a file written under a newer layout is refused rather than misread. */
const SCHEMA_VERSION = 1

const CREATE = `CREATE TABLE IF NOT EXISTS responses (
  key TEXT NOT NULL,
  occurrence INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  operation TEXT NOT NULL,
  params TEXT NOT NULL,
  prompt_hash TEXT NOT NULL,
  seed INTEGER,
  repeat INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (key, occurrence)
) WITHOUT ROWID`

const LOOKUP = "SELECT response FROM responses WHERE key = ? AND occurrence = ?"
const INSERT = `INSERT OR IGNORE INTO responses (key, occurrence, provider, model, endpoint, operation, params,
  prompt_hash, seed, repeat, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const open = (options: ResponseCacheOptions) =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      const { path } = options
      if (options.mustExist === true && !existsSync(path)) {
        return Effect.fail(
          new ResponseCacheError({
            path,
            message: `The response cache ${path} does not exist; replaying needs a cache filled by an earlier run.`,
          }),
        )
      }
      return Effect.try({
        try: () => {
          if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true })
          return new Database(path, { fileMustExist: options.mustExist === true })
        },
        catch: (cause) => responseCacheError(path, `Cannot open the response cache ${path}`, cause),
      })
    }),
    (db) =>
      Effect.try(() => db.close()).pipe(
        Effect.catchAll((error) =>
          Effect.logWarning(`Closing the response cache ${options.path} failed`, error.error),
        ),
      ),
  )

const prepare = (db: Database.Database, options: ResponseCacheOptions) =>
  Effect.try({
    try: () => {
      // busy_timeout first: switching to WAL itself needs a lock another process may hold.
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
      db.pragma("journal_mode = WAL")
      // NORMAL is durable across process crashes in WAL mode; a power cut can lose the last answers, which
      // only costs asking them again.
      db.pragma("synchronous = NORMAL")
      const version = Number(db.pragma("user_version", { simple: true }))
      if (version > SCHEMA_VERSION) return { version }
      db.exec(CREATE)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
      return { version, lookup: db.prepare(LOOKUP).pluck(), insert: db.prepare(INSERT) }
    },
    catch: (cause) =>
      responseCacheError(options.path, `Cannot prepare the response cache ${options.path}`, cause),
  }).pipe(
    Effect.flatMap(({ version, lookup, insert }) =>
      lookup === undefined || insert === undefined
        ? Effect.fail(
            new ResponseCacheError({
              path: options.path,
              message: `The response cache ${options.path} has layout version ${version}, newer than this Lyceum reads (${SCHEMA_VERSION}).`,
            }),
          )
        : Effect.succeed({ lookup, insert }),
    ),
  )

interface Occurrences {
  next: number
  /** Released occurrences, lowest first. */
  readonly released: Array<number>
}

/** Opens (creating when allowed) the cache file with WAL, and closes it when the scope closes. */
export const makeResponseCache = (
  options: ResponseCacheOptions,
): Effect.Effect<ResponseCacheService, ResponseCacheError, Scope.Scope> =>
  Effect.gen(function* () {
    const { path } = options
    const db = yield* open(options)
    const statements = yield* prepare(db, options)
    const occurrences = new Map<string, Occurrences>()
    const stats = { lookups: 0, hits: 0, writes: 0 }

    const lookup = (key: string, occurrence: number) =>
      Effect.try({
        try: () => {
          stats.lookups += 1
          const found = statements.lookup.get(key, occurrence) as string | undefined
          if (found === undefined) return Option.none()
          stats.hits += 1
          return Option.some(found)
        },
        catch: (cause) => responseCacheError(path, `Cannot read the response cache ${path}`, cause),
      })

    const store = (entry: CacheEntry) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.try({
          try: () => {
            const { identity, request } = entry
            statements.insert.run(
              request.key,
              entry.occurrence,
              identity.provider,
              identity.model,
              identity.endpoint,
              request.operation,
              request.params,
              request.promptHash,
              request.seed,
              request.repeat,
              entry.response,
              new Date(now).toISOString(),
            )
            stats.writes += 1
          },
          catch: (cause) => responseCacheError(path, `Cannot write to the response cache ${path}`, cause),
        }),
      )

    const claimOccurrence = (key: string) =>
      Effect.sync(() => {
        let state = occurrences.get(key)
        if (state === undefined) {
          state = { next: 0, released: [] }
          occurrences.set(key, state)
        }
        const reused = state.released.shift()
        if (reused !== undefined) return reused
        state.next += 1
        return state.next - 1
      })

    const releaseOccurrence = (key: string, occurrence: number) =>
      Effect.sync(() => {
        const state = occurrences.get(key)
        if (state === undefined) return
        const at = state.released.findIndex((released) => released > occurrence)
        state.released.splice(at < 0 ? state.released.length : at, 0, occurrence)
      })

    const size = Effect.try({
      try: () => Number(db.prepare("SELECT COUNT(*) FROM responses").pluck().get()),
      catch: (cause) => responseCacheError(path, `Cannot read the response cache ${path}`, cause),
    })

    return {
      path,
      lookup,
      store,
      claimOccurrence,
      releaseOccurrence,
      size,
      stats: Effect.sync(() => ({ ...stats })),
    } satisfies ResponseCacheService
  })
