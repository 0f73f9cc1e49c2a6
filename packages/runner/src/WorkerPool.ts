import { ActorSystem } from "@lyceum/actors"
import { agentsOf, type CohortId, cohortName, type Hosted } from "@lyceum/coalition"
import type { ScoreMode } from "@lyceum/models"
import {
  BudgetExceeded,
  budgetExhaustion,
  mergeUsageSnapshots,
  type RunBudget,
  type UsageSnapshot,
} from "@lyceum/models"
import { Clock, Data, Deferred, Duration, Effect, Either, Option, Schedule, type Scope } from "effect"
import { describeFailure } from "./Failure.js"
import type { Spent } from "./RunModels.js"
import {
  type CohortKey,
  FinishRun,
  HeartbeatProtocol,
  HostAgents,
  heartbeatAddress,
  Ping,
  ReleaseAgents,
  ReportUsage,
  WorkerFailed,
  WorkerProtocol,
  workerAddress,
} from "./WorkerProtocol.js"

/** Some named workers never answered: they are not running, or listen on another NATS server. */
export class WorkersUnavailable extends Data.TaggedError("WorkersUnavailable")<{
  readonly missing: ReadonlyArray<string>
  readonly waitedMs: number
}> {
  override get message(): string {
    return (
      `worker ${this.missing.join(", ")} did not answer within ${Math.round(this.waitedMs / 1000)} s: start ` +
      `each with "lyceum worker --nats URL --name NAME" on the NATS server given to --nats`
    )
  }
}

/** A worker stopped answering during the run; the agents it hosted are gone. */
export class WorkerLost extends Data.TaggedError("WorkerLost")<{
  readonly worker: string
  readonly hosted: string
  readonly cause: string
}> {
  override get message(): string {
    return (
      `worker ${this.worker} stopped answering (${this.cause}) while hosting ${this.hosted}; restart it ` +
      `(lyceum worker --nats URL --name ${this.worker}) and continue the run with --resume`
    )
  }
}

/** The run, as every worker needs it to derive a cohort's agents. */
export interface PoolRun {
  readonly runId: string
  readonly scenarioFile: string
  readonly scenarioText: string
  readonly seed: number
  /** How long to wait for the named workers to come up. */
  readonly readyWaitMs: number
  /** What a resumed run spent before (nothing for a new run). */
  readonly spent: Spent
  /** The score mode of each probed `openai` model (`probeRunEndpoints`), for the workers' models. */
  readonly scores?: Readonly<Record<string, ScoreMode>>
  /**
   * A worker that has not answered its heartbeat for this long is lost (default 30 s: many missed beats, so a
   * worker that is only busy, its event loop held by a long step or a loaded machine, is not). One whose
   * subscription is gone (NATS "no responders": its process died or left) is lost at the next beat.
   */
  readonly lossAfterMs?: number
}

/** The coordinator's view of the workers hosting a run's agents. */
export interface WorkerPool {
  readonly size: number
  /**
   * Deals the cohort's agents out to the workers in turn (role by role in the kind's order; each cohort starts
   * with the next worker) and waits until each hosts its share; they are released when the scope closes.
   */
  readonly host: (
    cohort: Pick<CohortKey, "repeat" | "task" | "variant">,
    /** The cohort as messages name it. */
    id: CohortId,
    agents: Hosted,
    /** The id of a role's i-th agent (the kind's `agentId`), for messages. */
    agentId: (role: string, index: number) => string,
  ) => Effect.Effect<void, WorkerLost | WorkerFailed, Scope.Scope>
  /** This process's usage with every worker's added. */
  readonly usage: (local: UsageSnapshot) => Effect.Effect<UsageSnapshot, WorkerLost>
  /** Fails as the budget would have, had every call been made in this process. */
  readonly checkBudget: (
    usage: UsageSnapshot,
    budget: RunBudget | undefined,
  ) => Effect.Effect<void, BudgetExceeded>
  /** Runs `effect` and fails it with `WorkerLost` as soon as a worker is lost (see `PoolRun.lossAfterMs`). */
  readonly guard: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | WorkerLost, R>
}

/** Heartbeat period, and how long one beat waits for its answer before the next is sent. */
const HEARTBEAT = Duration.seconds(2)
const HEARTBEAT_TIMEOUT = Duration.seconds(5)
/** How long a worker may go without answering before it is lost (`PoolRun.lossAfterMs`). */
const LOSS_AFTER_MS = 30_000

/** No workers: every agent lives in the coordinator. */
const inProcess: WorkerPool = {
  size: 0,
  host: () => Effect.void,
  usage: Effect.succeed,
  checkBudget: () => Effect.void,
  guard: (effect) => effect,
}

/**
 * Connects a run to its `lyceum worker` processes over the transport in context: waits until every named
 * worker answers, watches them with a heartbeat, and tells them when the run is over.
 */
export const workerPool = (
  names: ReadonlyArray<string>,
  run: PoolRun,
): Effect.Effect<WorkerPool, WorkersUnavailable, ActorSystem | Scope.Scope> =>
  names.length === 0
    ? Effect.succeed(inProcess)
    : Effect.gen(function* () {
        const system = yield* ActorSystem
        const workers = [...new Set(names)].map((name) => ({
          name,
          ref: system.refFor(workerAddress(name), WorkerProtocol),
          heartbeat: system.refFor(heartbeatAddress(name), HeartbeatProtocol),
          /** What it hosts now, per cohort, for the message when it is lost. */
          hosted: new Map<string, string>(),
          /** Stopped answering: nothing more is asked of it (each ask would only wait for its timeout). */
          dead: false,
        }))
        const started = Date.now()
        const answered = yield* Effect.forEach(
          workers,
          (w) =>
            w.ref
              .ask(new Ping({}), { timeout: Duration.seconds(2) })
              .pipe(
                Effect.retry(
                  Schedule.spaced(Duration.millis(250)).pipe(Schedule.upTo(Duration.millis(run.readyWaitMs))),
                ),
                Effect.option,
              ),
          { concurrency: "unbounded" },
        )
        const missing = workers.filter((_, i) => Option.isNone(answered[i]!)).map((w) => w.name)
        if (missing.length > 0)
          return yield* new WorkersUnavailable({ missing, waitedMs: Date.now() - started })
        const finish = (w: (typeof workers)[number]) =>
          w.dead
            ? Effect.void
            : w.ref
                .ask(new FinishRun({ runId: run.runId }), { timeout: Duration.seconds(10) })
                .pipe(Effect.ignore)
        // A worker may still hold this run from an earlier attempt (a resumed run keeps its id): start afresh.
        yield* Effect.forEach(workers, finish, { concurrency: "unbounded", discard: true })
        yield* Effect.addFinalizer(() =>
          Effect.forEach(workers, finish, { concurrency: "unbounded", discard: true }),
        )

        const lossAfterMs = run.lossAfterMs ?? LOSS_AFTER_MS
        const lost = yield* Deferred.make<never, WorkerLost>()
        const lostWith = (w: (typeof workers)[number]) => (error: unknown) => {
          w.dead = true
          const hosted = [...w.hosted.values()]
          return new WorkerLost({
            worker: w.name,
            hosted: hosted.length === 0 ? "no agents" : hosted.join("; "),
            cause: describeFailure(error),
          })
        }
        // A missed beat is not a loss: a busy worker (its event loop held for seconds) answers late. Lost is
        // silence for `lossAfterMs`, or NATS saying nobody listens at its address any more (process gone).
        const watch = (w: (typeof workers)[number], answeredAt: number): Effect.Effect<never, WorkerLost> =>
          Effect.gen(function* () {
            const answer = yield* Effect.either(
              w.heartbeat.ask(new Ping({ runId: run.runId }), { timeout: HEARTBEAT_TIMEOUT }),
            )
            const now = yield* Clock.currentTimeMillis
            if (Either.isRight(answer)) return now
            if (answer.left._tag === "UnknownRecipient")
              return yield* lostWith(w)(
                "nothing listens at its address any more: its process ended or lost its NATS connection",
              )
            const silentMs = now - answeredAt
            if (silentMs >= lossAfterMs)
              return yield* lostWith(w)(
                `no answer to its heartbeat for ${Math.round(silentMs / 1000)} s, the loss time; ` +
                  `last: ${describeFailure(answer.left)}`,
              )
            return answeredAt
          }).pipe(Effect.flatMap((last) => Effect.zipRight(Effect.sleep(HEARTBEAT), watch(w, last))))
        const now = yield* Clock.currentTimeMillis
        yield* Effect.forkScoped(
          Effect.forEach(workers, (w) => watch(w, now), { concurrency: "unbounded", discard: true }).pipe(
            Effect.catchAll((error) => Deferred.fail(lost, error)),
          ),
        )

        let cohortsHosted = 0
        const host: WorkerPool["host"] = (cohort, id, agents, agentId) =>
          Effect.gen(function* () {
            const key: CohortKey = {
              runId: run.runId,
              scenarioFile: run.scenarioFile,
              scenarioText: run.scenarioText,
              seed: run.seed,
              spent: run.spent,
              ...(run.scores !== undefined && { scores: run.scores }),
              ...cohort,
            }
            const dealt = workers.map(() => new Map<string, Array<number>>())
            // Dealt role by role in the kind's order; each cohort starts the deal one worker further, so the
            // busiest agents (students, proposers) spread out too.
            let turn = cohortsHosted++
            for (const [role, indexes] of Object.entries(agents))
              for (const i of indexes) {
                const share = dealt[turn++ % workers.length]!
                share.set(role, [...(share.get(role) ?? []), i])
              }
            yield* Effect.forEach(
              workers,
              (w, k) => {
                const share = Object.fromEntries(dealt[k]!)
                if (dealt[k]!.size === 0) return Effect.void
                const name = cohortName(id)
                const hosted = agentsOf(
                  Object.entries(share).flatMap(([role, indexes]) => indexes.map((i) => agentId(role, i))),
                  id,
                )
                // Interruptible: a worker lost while it sets the agents up is noticed by the heartbeat, and the
                // run must not wait out this request's timeout first. The agents count as hosted from the
                // request on, so a loss names them; the release is sent in any case (the worker may have them).
                return Effect.acquireReleaseInterruptible(
                  Effect.sync(() => w.hosted.set(name, hosted)).pipe(
                    Effect.zipRight(
                      w.ref.ask(new HostAgents({ cohort: key, hosted: share }), {
                        timeout: Duration.minutes(2),
                      }),
                    ),
                    // No answer means the worker is gone; any other refusal is its own failure, said as is.
                    Effect.mapError((e) =>
                      e._tag === "AskTimeout" || e._tag === "UnknownRecipient"
                        ? lostWith(w)(e)
                        : new WorkerFailed({
                            worker: w.name,
                            message: `worker ${w.name} could not host ${hosted}: ${
                              e._tag === "WorkerFailed" ? e.message : describeFailure(e)
                            }`,
                          }),
                    ),
                    Effect.tapErrorTag("WorkerFailed", () => Effect.sync(() => w.hosted.delete(name))),
                  ),
                  () =>
                    w.dead
                      ? Effect.void
                      : Effect.sync(() => w.hosted.delete(name)).pipe(
                          Effect.zipRight(
                            w.ref.ask(new ReleaseAgents({ cohort: key }), { timeout: Duration.seconds(10) }),
                          ),
                          Effect.ignore,
                        ),
                )
              },
              { concurrency: "unbounded", discard: true },
            )
          })

        // A lost worker's share cannot be asked for any more; the live workers' still counts (what a failed
        // run spent and discarded), without waiting for the lost one's timeout again. A busy worker may take
        // up to the loss time to answer.
        const usage: WorkerPool["usage"] = (local) =>
          Effect.forEach(
            workers,
            (w) =>
              w.dead
                ? Effect.succeedNone
                : w.heartbeat
                    .ask(new ReportUsage({ runId: run.runId }), { timeout: Duration.millis(lossAfterMs) })
                    .pipe(Effect.mapError(lostWith(w))),
            { concurrency: "unbounded" },
          ).pipe(
            Effect.map((remote) =>
              mergeUsageSnapshots([local, ...remote.flatMap((o) => (Option.isSome(o) ? [o.value] : []))]),
            ),
          )

        // The same test Metering applies to one process's calls, to every process's.
        const checkBudget: WorkerPool["checkBudget"] = (snapshot, budget) => {
          const spent = budgetExhaustion(snapshot.total, budget)
          return spent === undefined
            ? Effect.void
            : Effect.fail(new BudgetExceeded({ message: `${spent} (Counted over all workers.)` }))
        }

        return {
          size: workers.length,
          host,
          usage,
          checkBudget,
          guard: (effect) => Effect.raceFirst(effect, Deferred.await(lost)),
        } satisfies WorkerPool
      })
