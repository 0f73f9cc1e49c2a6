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
import { dealAgents } from "./Deal.js"
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

/**
 * A worker stopped answering during the run; the agents it hosted are gone. Its cohorts are played again on the
 * live workers (`WorkerPool.host`); the run fails with it once no worker is left.
 */
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
   * Deals the cohort's agents out to the live workers in turn (role by role in the kind's order; each cohort
   * starts with the next worker), waits until each hosts its share, then runs `play`. Fails with `WorkerLost` as
   * soon as a worker holding part of the cohort is lost (`play` is interrupted), or at once when none is alive.
   * The agents are released when the scope closes.
   */
  readonly host: <A, E, R>(
    cohort: Pick<CohortKey, "repeat" | "task" | "variant">,
    /** The cohort as messages name it. */
    id: CohortId,
    agents: Hosted,
    /** The id of a role's i-th agent (the kind's `agentId`), for messages. */
    agentId: (role: string, index: number) => string,
    play: Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, E | WorkerLost | WorkerFailed, R | Scope.Scope>
  /** The workers not lost, by name. */
  readonly live: () => ReadonlyArray<string>
  /** This process's usage with every worker's added (a lost worker's as it last reported it). */
  readonly usage: (local: UsageSnapshot) => Effect.Effect<UsageSnapshot>
  /** Fails as the budget would have, had every call been made in this process. */
  readonly checkBudget: (
    usage: UsageSnapshot,
    budget: RunBudget | undefined,
  ) => Effect.Effect<void, BudgetExceeded>
  /** Runs `effect` and fails it with `WorkerLost` once every worker is lost (see `PoolRun.lossAfterMs`). */
  readonly guard: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | WorkerLost, R>
}

/** Heartbeat period, and how long one beat waits for its answer before the next is sent. */
const HEARTBEAT = Duration.seconds(2)
const HEARTBEAT_TIMEOUT = Duration.seconds(5)
/** How long a worker may go without answering before it is lost (`PoolRun.lossAfterMs`). */
const LOSS_AFTER_MS = 30_000
/** Why a worker whose heartbeat address nobody serves (NATS no responders) is lost. */
const GONE = "nothing listens at its address any more: its process ended or lost its NATS connection"

/** No workers: every agent lives in the coordinator. */
const inProcess: WorkerPool = {
  size: 0,
  host: (_cohort, _id, _agents, _agentId, play) => play,
  live: () => [],
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
          /** What it hosts now, per cohort: the agents (for the message when it is lost) and the cohort's signal. */
          hosted: new Map<
            string,
            { readonly agents: string; readonly lost: Deferred.Deferred<never, WorkerLost> }
          >(),
          /** Set once it stopped answering: nothing more is asked of it (each ask would only wait for its timeout). */
          lost: undefined as WorkerLost | undefined,
          /** Its last answer to ReportUsage: what it spent still counts once it is lost. */
          usage: Option.none<UsageSnapshot>(),
        }))
        type Worker = (typeof workers)[number]
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
        const finish = (w: Worker) =>
          w.lost !== undefined
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
        /** Fails once every worker is lost, with the last one's loss. */
        const allLost = yield* Deferred.make<never, WorkerLost>()
        // Once per worker: dealt nothing more, each cohort it hosts told (they are played again elsewhere).
        const markLost = (w: Worker, error: unknown): Effect.Effect<WorkerLost> =>
          Effect.suspend(() => {
            if (w.lost !== undefined) return Effect.succeed(w.lost)
            const hosted = [...w.hosted.values()].map((h) => h.agents)
            const lost = new WorkerLost({
              worker: w.name,
              hosted: hosted.length === 0 ? "no agents" : hosted.join("; "),
              cause: describeFailure(error),
            })
            w.lost = lost
            return Effect.forEach(w.hosted.values(), (h) => Deferred.fail(h.lost, lost), {
              discard: true,
            }).pipe(
              Effect.zipRight(
                workers.every((other) => other.lost !== undefined)
                  ? Deferred.fail(allLost, lost)
                  : Effect.void,
              ),
              Effect.as(lost),
            )
          })
        /** Asks once whether the worker is still there: gone (NATS no responders) is lost at once. */
        const probe = (w: Worker) =>
          w.lost !== undefined
            ? Effect.void
            : w.heartbeat.ask(new Ping({ runId: run.runId }), { timeout: HEARTBEAT_TIMEOUT }).pipe(
                Effect.catchTag("UnknownRecipient", () => markLost(w, GONE)),
                Effect.ignore,
              )
        // A missed beat is not a loss: a busy worker (its event loop held for seconds) answers late. Lost is
        // silence for `lossAfterMs`, or NATS saying nobody listens at its address any more (process gone).
        // Watching a worker ends when it is lost.
        const watch = (w: Worker, answeredAt: number): Effect.Effect<void> =>
          Effect.gen(function* () {
            if (w.lost !== undefined) return undefined
            const answer = yield* Effect.either(
              w.heartbeat.ask(new Ping({ runId: run.runId }), { timeout: HEARTBEAT_TIMEOUT }),
            )
            const now = yield* Clock.currentTimeMillis
            if (Either.isRight(answer)) return now
            if (answer.left._tag === "UnknownRecipient") {
              yield* markLost(w, GONE)
              return undefined
            }
            const silentMs = now - answeredAt
            if (silentMs >= lossAfterMs) {
              yield* markLost(
                w,
                `no answer to its heartbeat for ${Math.round(silentMs / 1000)} s, the loss time; ` +
                  `last: ${describeFailure(answer.left)}`,
              )
              return undefined
            }
            return answeredAt
          }).pipe(
            Effect.flatMap((last) =>
              last === undefined ? Effect.void : Effect.zipRight(Effect.sleep(HEARTBEAT), watch(w, last)),
            ),
          )
        const now = yield* Clock.currentTimeMillis
        yield* Effect.forkScoped(
          Effect.forEach(workers, (w) => watch(w, now), { concurrency: "unbounded", discard: true }),
        )

        const liveWorkers = () => workers.filter((w) => w.lost === undefined)
        let cohortsHosted = 0
        const host: WorkerPool["host"] = (cohort, id, agents, agentId, play) =>
          Effect.gen(function* () {
            const live = liveWorkers()
            if (live.length === 0) return yield* Deferred.await(allLost)
            const key: CohortKey = {
              runId: run.runId,
              scenarioFile: run.scenarioFile,
              scenarioText: run.scenarioText,
              seed: run.seed,
              spent: run.spent,
              ...(run.scores !== undefined && { scores: run.scores }),
              ...cohort,
            }
            // Dealt role by role in the kind's order; each cohort starts the deal one worker further, so the
            // busiest agents (students, proposers) spread out too.
            const dealt = dealAgents(agents, live.length, cohortsHosted++)
            const name = cohortName(id)
            /** Fails when a worker holding part of this cohort is lost. */
            const lost = yield* Deferred.make<never, WorkerLost>()
            const holders = live.filter((_, k) => dealt[k]!.size > 0)
            const placed = Effect.forEach(
              holders,
              (w) => {
                const share = Object.fromEntries(dealt[live.indexOf(w)]!)
                const hosted = agentsOf(
                  Object.entries(share).flatMap(([role, indexes]) => indexes.map((i) => agentId(role, i))),
                  id,
                )
                // Interruptible: a worker lost while it sets the agents up is noticed by the heartbeat, and the
                // cohort must not wait out this request's timeout first. The agents count as hosted from the
                // request on, so a loss names them; the release is sent in any case (the worker may have them).
                return Effect.acquireReleaseInterruptible(
                  Effect.suspend(
                    (): Effect.Effect<void, WorkerLost> =>
                      // Lost since the deal: its loss did not reach this cohort's signal, so say it here.
                      w.lost !== undefined
                        ? Effect.fail(w.lost)
                        : Effect.sync(() => w.hosted.set(name, { agents: hosted, lost })),
                  ).pipe(
                    Effect.zipRight(
                      w.ref.ask(new HostAgents({ cohort: key, hosted: share }), {
                        timeout: Duration.minutes(2),
                      }),
                    ),
                    // No answer means the worker is gone; any other refusal is its own failure, said as is.
                    Effect.catchAll(
                      (e): Effect.Effect<never, WorkerLost | WorkerFailed> =>
                        e._tag === "WorkerLost"
                          ? Effect.fail(e)
                          : e._tag === "AskTimeout" || e._tag === "UnknownRecipient"
                            ? Effect.flip(markLost(w, e))
                            : Effect.fail(
                                new WorkerFailed({
                                  worker: w.name,
                                  message: `worker ${w.name} could not host ${hosted}: ${
                                    e._tag === "WorkerFailed" ? e.message : describeFailure(e)
                                  }`,
                                }),
                              ),
                    ),
                    Effect.tapErrorTag("WorkerFailed", () => Effect.sync(() => w.hosted.delete(name))),
                  ),
                  // A lost worker is told too, without waiting long: a dead one is refused at once, and one only
                  // silent (frozen past the loss time) reads it when it wakes, so its agents do not answer for
                  // the cohort played again elsewhere under the same addresses.
                  () =>
                    Effect.suspend(() => {
                      w.hosted.delete(name)
                      return w.ref
                        .ask(new ReleaseAgents({ cohort: key }), {
                          timeout: Duration.seconds(w.lost !== undefined ? 1 : 10),
                        })
                        .pipe(Effect.ignore)
                    }),
                )
              },
              { concurrency: "unbounded", discard: true },
            )
            // A failure of the play may be the loss itself, seen first by an agent (a request to a gone worker's
            // agent is refused at once; the heartbeat notices within seconds): asked now, the loss is said.
            const played = play.pipe(
              Effect.catchAll((error) =>
                Effect.forEach(holders, probe, { concurrency: "unbounded", discard: true }).pipe(
                  Effect.zipRight(
                    Effect.suspend((): Effect.Effect<never, typeof error | WorkerLost> => {
                      const gone = holders.find((w) => w.lost !== undefined)
                      return gone === undefined ? Effect.fail(error) : Effect.fail(gone.lost!)
                    }),
                  ),
                ),
              ),
            )
            return yield* Effect.raceFirst(Effect.zipRight(placed, played), Deferred.await(lost))
          })
        // A lost worker cannot be asked any more: what it last reported still counts (it was spent), without
        // waiting for its timeout again. A busy worker may take up to the loss time to answer; one that does not
        // is lost (its cohorts are told), and the others' usage still counts.
        const usage: WorkerPool["usage"] = (local) =>
          Effect.forEach(
            workers,
            (w) =>
              w.lost !== undefined
                ? Effect.succeed(w.usage)
                : w.heartbeat
                    .ask(new ReportUsage({ runId: run.runId }), { timeout: Duration.millis(lossAfterMs) })
                    .pipe(
                      Effect.tap((reported) => Effect.sync(() => (w.usage = reported))),
                      Effect.catchAll((e) => Effect.as(markLost(w, e), w.usage)),
                    ),
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
          live: () => liveWorkers().map((w) => w.name),
          usage,
          checkBudget,
          guard: (effect) => Effect.raceFirst(effect, Deferred.await(allLost)),
        } satisfies WorkerPool
      })
