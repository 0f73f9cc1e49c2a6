import { StoreError, type StoreService, storeReads } from "@lyceum/store"
import type Database from "better-sqlite3"
import { Effect } from "effect"
import type { ViewerDb } from "./OpenDb.js"

/**
 * The `Store` service over the viewer's read-only connection, so @lyceum/report's table builders (which read
 * through `Store`) run unchanged. Only the reading methods work; every writing one fails naming the file.
 */
export const readOnlyStore = ({ db, filename }: ViewerDb): StoreService => {
  const statements = new Map<string, Database.Statement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      // Queries here are a fixed set (API modules and the report builders): a bound keeps it so.
      if (statements.size < 500) statements.set(sql, statement)
    }
    return statement
  }
  const attempt = <A>(doing: string, run: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({
      try: run,
      catch: (cause) =>
        new StoreError({
          message: `cannot ${doing} in ${filename}: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause,
        }),
    })
  const readOnly = (what: string) =>
    Effect.fail(
      new StoreError({ message: `cannot ${what} in ${filename}: lyceum view opens the database read-only` }),
    )
  const reads = storeReads(prepare)
  return {
    filename,
    acquireLease: () => readOnly("take a run lease"),
    refreshLease: () => readOnly("refresh a run lease"),
    releaseLease: () => readOnly("release a run lease"),
    getLease: () => readOnly("read a run lease"),
    spentBy: () => readOnly("read spending"),
    resultKey: () => readOnly("make a result key"),
    cohortsOf: () => readOnly("read cohorts"),
    deleteCohort: () => readOnly("delete a cohort"),
    createRun: () => readOnly("create a run"),
    finishRun: () => readOnly("finish a run"),
    reopenRun: () => readOnly("reopen a run"),
    addDiscarded: () => readOnly("count discarded usage"),
    writeBatch: () => readOnly("write rows"),
    writeChunked: () => readOnly("write rows"),
    insertAgents: () => readOnly("write agents"),
    insertLessons: () => readOnly("write lessons"),
    insertEvaluations: () => readOnly("write evaluations"),
    insertModelUsage: () => readOnly("write model usage"),
    latestRunId: () => attempt("find the latest run", reads.latestRunId),
    getRun: (id) => attempt(`read run ${id}`, () => reads.getRun(id)),
    learningCurve: (runId) =>
      attempt(`read the learning curve of run ${runId}`, () => reads.learningCurve(runId)),
    query: (sql, params = []) =>
      attempt("run query", () => {
        const statement = prepare(sql)
        return (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as Array<
          Record<string, unknown>
        >
      }),
  }
}
