import { randomUUID } from "node:crypto"
import { hostname } from "node:os"
import { type LeaseOwner, type RunLeaseRow, Store, type StoreError } from "@lyceum/store"
import { Clock, Data, Deferred, Duration, Effect, Schedule, type Scope } from "effect"

/**
 * One process plays a run at a time. It holds the run's lease (`run_leases`) from the moment it creates or
 * resumes the run until the run finishes, and refreshes its heartbeat meanwhile; a second `--resume` is
 * refused while the holder lives, and `--force` takes over only from a dead one.
 */

/** How often the holder refreshes its heartbeat. */
export const HEARTBEAT_EVERY = Duration.seconds(5)
/** A holder on another host whose heartbeat is older than this is taken for dead (six missed beats). */
export const STALE_AFTER = Duration.seconds(30)

/** This process, as a lease holder: a fresh token, so a reused pid is never mistaken for it. */
export const thisProcess: Effect.Effect<LeaseOwner> = Effect.sync(() => ({
  pid: process.pid,
  host: hostname(),
  token: randomUUID(),
}))

/** The process exists (signal 0 checks without sending anything; EPERM: it exists but is someone else's). */
const processExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { readonly code?: unknown }).code === "EPERM"
  }
}

/** Whether a holder is alive, and the evidence, for the messages. */
export interface Liveness {
  readonly alive: boolean
  /** Milliseconds since its last heartbeat. */
  readonly silentMs: number
  /** On this host the pid is checked for sure; elsewhere only the heartbeat tells. */
  readonly sameHost: boolean
}

/**
 * On this host a holder lives exactly while its pid exists; on another host, while its heartbeat is younger
 * than `STALE_AFTER`.
 */
export const liveness = (holder: RunLeaseRow, nowMs: number): Liveness => {
  const silentMs = Math.max(0, nowMs - Date.parse(holder.heartbeatAt))
  const sameHost = holder.host === hostname()
  const alive = sameHost ? processExists(holder.pid) : silentMs < Duration.toMillis(STALE_AFTER)
  return { alive, silentMs, sameHost }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`

/** Another process holds the run's lease: alive (nothing takes it over), or dead without `--force`. */
export class RunLeaseHeld extends Data.TaggedError("RunLeaseHeld")<{
  readonly runId: string
  readonly db: string
  readonly holder: RunLeaseRow
  readonly liveness: Liveness
}> {
  override get message(): string {
    const { runId, holder, liveness: l } = this
    const who = `pid ${holder.pid} on host ${holder.host}`
    const since = `it took the run at ${holder.acquiredAt}; last heartbeat at ${holder.heartbeatAt}, ${seconds(l.silentMs)} ago`
    if (l.alive)
      return (
        `run ${runId} in ${this.db} is being played by ${who} (${since}); two processes must not play one run. ` +
        `Wait for it to finish, or stop it (Ctrl-C in its terminal, or kill ${holder.pid} on ${holder.host}) ` +
        "and resume then; --force does not take a run from a live process" +
        (l.sameHost && l.silentMs >= Duration.toMillis(STALE_AFTER)
          ? ` (pid ${holder.pid} exists on this host although its heartbeat stopped: if it hangs, kill it)`
          : "")
      )
    const why = l.sameHost ? `pid ${holder.pid} no longer exists on this host` : "its heartbeat stopped"
    return (
      `run ${runId} in ${this.db} was being played by ${who}, which is dead (${why}; ${since}). ` +
      "If that process was killed, take the run over: add --force to the same command"
    )
  }
}

/** This process's lease on the run was taken over (it was thought dead): it must not write the run any more. */
export class RunLeaseLost extends Data.TaggedError("RunLeaseLost")<{
  readonly runId: string
  readonly db: string
}> {
  override get message(): string {
    return (
      `run ${this.runId} in ${this.db} was taken over by another process (lyceum run --resume --force) ` +
      "while this one played it, so this one stopped without writing more; see who holds it with: " +
      `sqlite3 ${this.db} "SELECT * FROM run_leases WHERE run_id = '${this.runId}'"`
    )
  }
}

/**
 * Takes the lease on an existing run for `owner`, atomically: free, or held by a dead process and `force`.
 * Returns the holder it took over from, if any.
 */
export const takeLease = (
  runId: string,
  owner: LeaseOwner,
  force: boolean,
): Effect.Effect<RunLeaseRow | undefined, RunLeaseHeld | StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const now = yield* Clock.currentTimeMillis
    const outcome = yield* store.acquireLease(runId, owner, (holder) => force && !liveness(holder, now).alive)
    if (outcome._tag === "Acquired") return outcome.previous
    return yield* new RunLeaseHeld({
      runId,
      db: store.filename,
      holder: outcome.holder,
      liveness: liveness(outcome.holder, now),
    })
  })

/** A lease this process holds for the life of a scope. */
export interface Lease {
  readonly owner: LeaseOwner
  /** The holder this process took the run over from (`--force` on a dead one). */
  readonly previous: RunLeaseRow | undefined
  /** Runs `effect`, interrupting it with `RunLeaseLost` if the lease is taken over meanwhile. */
  readonly guard: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | RunLeaseLost, R>
  /** The lease was taken over: the run belongs to another process now. */
  readonly lost: Effect.Effect<boolean>
}

/**
 * Holds a run's lease for the life of the scope: `take` acquires it for the owner (creating the run with it,
 * or `takeLease`), a fiber refreshes its heartbeat every `HEARTBEAT_EVERY`, and closing the scope (the run
 * finished, failed, stopped or was interrupted) releases it.
 */
export const holdLease = <E, R>(
  runId: string,
  take: (owner: LeaseOwner) => Effect.Effect<RunLeaseRow | undefined, E, R>,
): Effect.Effect<Lease, E, R | Store | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* Store
    const owner = yield* thisProcess
    const previous = yield* Effect.acquireRelease(take(owner), () =>
      store
        .releaseLease(runId, owner.token)
        .pipe(
          Effect.catchAll((error) => Effect.logWarning(`could not release the lease on run ${runId}`, error)),
        ),
    )
    const lost = yield* Deferred.make<void>()
    // A failed refresh (a lock held too long) is retried on the next beat; only a lease taken over ends it.
    const beat = store
      .refreshLease(runId, owner.token)
      .pipe(
        Effect.catchAll((error) =>
          Effect.as(Effect.logWarning(`could not refresh the lease on run ${runId}`, error), true),
        ),
      )
    const heartbeat = Effect.repeat(
      Effect.delay(beat, HEARTBEAT_EVERY),
      Schedule.recurWhile((held: boolean) => held),
    ).pipe(Effect.zipRight(Deferred.succeed(lost, undefined)))
    // Interruptible although the run around it may not be: closing the scope must be able to stop it.
    yield* Effect.forkScoped(Effect.interruptible(heartbeat))
    const lostError = new RunLeaseLost({ runId, db: store.filename })
    return {
      owner,
      previous,
      guard: (effect) => Effect.raceFirst(effect, Effect.zipRight(Deferred.await(lost), lostError)),
      lost: Deferred.isDone(lost),
    } satisfies Lease
  })
