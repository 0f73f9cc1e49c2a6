import type Database from "better-sqlite3"
import { Clock, Effect, Option } from "effect"
import type { LeaseAcquisition, LeaseOwner, RunLeaseRow } from "./Rows.js"
import { StoreError, storeErrorFrom } from "./StoreError.js"

/** The run lease (`run_leases`): at most one process plays a run at a time. */
export interface RunLeases {
  /**
   * Takes the lease on `runId` for `owner` in one IMMEDIATE transaction, so of two processes asking at once
   * exactly one gets it. A free lease, or one `owner` already holds, is taken; a lease another process holds
   * is taken over only when `canTakeOver(holder)` says so (its holder is dead and the user forced it);
   * otherwise the answer is `Held` with the holder. Fails when there is no such run.
   */
  readonly acquireLease: (
    runId: string,
    owner: LeaseOwner,
    canTakeOver: (holder: RunLeaseRow) => boolean,
  ) => Effect.Effect<LeaseAcquisition, StoreError>
  /** The holder's heartbeat: sets `heartbeat_at` to now; false when `token` no longer holds the lease. */
  readonly refreshLease: (runId: string, token: string) => Effect.Effect<boolean, StoreError>
  /** Gives the lease up; false when `token` did not hold it (then nothing changes). */
  readonly releaseLease: (runId: string, token: string) => Effect.Effect<boolean, StoreError>
  /** Who holds the lease on a run, if anyone. */
  readonly getLease: (runId: string) => Effect.Effect<Option.Option<RunLeaseRow>, StoreError>
}

const SELECT_LEASE = `SELECT run_id AS runId, token, pid, host, acquired_at AS acquiredAt,
  heartbeat_at AS heartbeatAt FROM run_leases WHERE run_id = ?`
const WRITE_LEASE = `INSERT INTO run_leases (run_id, token, pid, host, acquired_at, heartbeat_at)
  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET token = excluded.token, pid = excluded.pid,
  host = excluded.host, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`

const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

/** Writes `owner` as the holder of the lease on `runId`, alive at `at` (inside a caller's transaction). */
export const writeLease = (
  prepare: (sql: string) => Database.Statement,
  runId: string,
  owner: LeaseOwner,
  at: string,
  acquiredAt: string = at,
) => prepare(WRITE_LEASE).run(runId, owner.token, owner.pid, owner.host, acquiredAt, at)

/** The lease methods of the store over its connection and statement cache. */
export const makeRunLeases = (
  db: Database.Database,
  filename: string,
  prepare: (sql: string) => Database.Statement,
): RunLeases => {
  const attempt = <A>(doing: string, run: () => A): Effect.Effect<A, StoreError> =>
    Effect.try({ try: run, catch: (cause) => storeErrorFrom(`cannot ${doing} in ${filename}`, cause) })
  const read = (runId: string) => prepare(SELECT_LEASE).get(runId) as RunLeaseRow | undefined

  // The decision runs inside the transaction: between reading the holder and writing ours, no other
  // connection can write (IMMEDIATE takes the write lock at BEGIN).
  const acquire = db.transaction(
    (
      runId: string,
      owner: LeaseOwner,
      at: string,
      canTakeOver: (holder: RunLeaseRow) => boolean,
    ): LeaseAcquisition | undefined => {
      if (prepare("SELECT 1 FROM runs WHERE id = ?").get(runId) === undefined) return undefined
      const holder = read(runId)
      if (holder !== undefined && holder.token !== owner.token && !canTakeOver(holder))
        return { _tag: "Held", holder }
      const ours = holder?.token === owner.token
      writeLease(prepare, runId, owner, at, ours ? holder.acquiredAt : at)
      return { _tag: "Acquired", previous: ours ? undefined : holder }
    },
  )

  return {
    acquireLease: (runId, owner, canTakeOver) =>
      nowIso.pipe(
        Effect.flatMap((at) =>
          attempt(`take the lease on run ${runId}`, () => acquire.immediate(runId, owner, at, canTakeOver)),
        ),
        Effect.flatMap((outcome) =>
          outcome === undefined
            ? Effect.fail(
                new StoreError({
                  message: `cannot take the lease on run ${runId} in ${filename}: there is no run ${runId}`,
                }),
              )
            : Effect.succeed(outcome),
        ),
        Effect.withSpan("Store.acquireLease"),
      ),
    refreshLease: (runId, token) =>
      nowIso.pipe(
        Effect.flatMap((at) =>
          attempt(
            `refresh the lease on run ${runId}`,
            () =>
              prepare("UPDATE run_leases SET heartbeat_at = ? WHERE run_id = ? AND token = ?").run(
                at,
                runId,
                token,
              ).changes > 0,
          ),
        ),
      ),
    releaseLease: (runId, token) =>
      attempt(
        `release the lease on run ${runId}`,
        () => prepare("DELETE FROM run_leases WHERE run_id = ? AND token = ?").run(runId, token).changes > 0,
      ),
    getLease: (runId) => attempt(`read the lease on run ${runId}`, () => Option.fromNullable(read(runId))),
  }
}
