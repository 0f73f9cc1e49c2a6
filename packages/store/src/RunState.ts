import { randomBytes } from "node:crypto"
import type Database from "better-sqlite3"
import { Effect } from "effect"
import { type StoreError, storeErrorFrom } from "./StoreError.js"

/** What a run has spent so far, as resuming it needs to know (its cohorts: see `Cohorts`). */
export interface RunState {
  /** Every token and dollar the run spent: its `model_usage` rows and its `discarded_*` counters. */
  readonly spentBy: (
    runId: string,
  ) => Effect.Effect<{ readonly tokens: number; readonly costUsd: number }, StoreError>
  /** The run's work-queue key (`runs.result_key`), made (32 random bytes) and kept the first time it is asked for. */
  readonly resultKey: (runId: string) => Effect.Effect<Uint8Array, StoreError>
}

const SPENT = `SELECT
  (SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM model_usage WHERE run_id = ?)
    + COALESCE((SELECT discarded_tokens FROM runs WHERE id = ?), 0) AS tokens,
  (SELECT COALESCE(SUM(cost_usd), 0) FROM model_usage WHERE run_id = ?)
    + COALESCE((SELECT discarded_cost_usd FROM runs WHERE id = ?), 0) AS costUsd`

/** The run-state reads of the store over its connection and statement cache. */
export const makeRunState = (filename: string, prepare: (sql: string) => Database.Statement): RunState => ({
  spentBy: (runId) =>
    Effect.try({
      try: () => prepare(SPENT).get(runId, runId, runId, runId) as { tokens: number; costUsd: number },
      catch: (cause) => storeErrorFrom(`cannot read what run ${runId} spent in ${filename}`, cause),
    }),
  resultKey: (runId) =>
    Effect.try({
      try: () => {
        // Set only where none is: a second process asking at once reads the first one's key.
        prepare("UPDATE runs SET result_key = ? WHERE id = ? AND result_key IS NULL").run(
          randomBytes(32),
          runId,
        )
        const row = prepare("SELECT result_key AS key FROM runs WHERE id = ?").get(runId) as
          | { key: Buffer | null }
          | undefined
        if (row?.key == null) throw new Error(`there is no run ${runId}`)
        return new Uint8Array(row.key)
      },
      catch: (cause) =>
        storeErrorFrom(`cannot read the work-queue key of run ${runId} in ${filename}`, cause),
    }),
})
