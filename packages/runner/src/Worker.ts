import { hostname } from "node:os"
import { Actor, ActorSystem } from "@lyceum/actors"
import { type AnyKind, agentsOf, cohortName } from "@lyceum/coalition"
import { kinds } from "@lyceum/kinds"
import { Metering } from "@lyceum/models"
import { Duration, Effect, Exit, Option, Schedule, Scope } from "effect"
import { hostingProblems } from "./Deal.js"
import { yieldingToEventLoop } from "./EventLoopScheduler.js"
import { describeFailure } from "./Failure.js"
import { makeHostedRuns } from "./HostedRuns.js"
import {
  type CohortKey,
  HeartbeatProtocol,
  heartbeatAddress,
  WorkerFailed,
  WorkerProtocol,
  workerAddress,
} from "./WorkerProtocol.js"

export interface WorkerOptions {
  /** The name coordinators place agents on (`lyceum run --workers NAME,...`). */
  readonly name: string
  /** Called with one line per thing the worker does, for its log. */
  readonly log?: (line: string) => void
  /**
   * A run whose coordinator has not been heard of for this long (it pings every 2 s) is taken for dead: its
   * agents, models and data are released. Default 60 s.
   */
  readonly orphanAfterMs?: number
  /** The coalition kinds it can host: the registry (`@lyceum/kinds`) by default. */
  readonly kinds?: ReadonlyArray<AnyKind>
}

/** Where the worker keeps a hosted cohort's scope: run, repeat, task and variant. */
const hostedKey = (c: CohortKey) => `${c.runId}/${c.repeat}/${c.task}/${c.variant}`

/**
 * A `lyceum worker`: hosts agents for the runs whose coordinators place them here, over the transport in
 * context (NATS). It listens at `workerAddress(name)`, derives each cohort's agents from the scenario text and
 * seed exactly as a single-process run would, and runs until interrupted.
 */
export const runWorker = (options: WorkerOptions) =>
  Effect.gen(function* () {
    const { name } = options
    const log = options.log ?? (() => {})
    const known = options.kinds ?? kinds
    const system = yield* ActorSystem.make()
    const { runs, cohortFor, release: releaseRun } = makeHostedRuns(known)
    const cohorts = new Map<string, Scope.CloseableScope>()
    const pong = Effect.succeed({ worker: name, host: hostname(), pid: process.pid })
    /** When each run's coordinator was last heard of. */
    const heard = new Map<string, number>()
    const orphanAfterMs = options.orphanAfterMs ?? 60_000

    /** Why hosting failed; the coordinator says which worker, cohort and agents (`WorkerPool.host`). */
    const failed = (error: unknown) => new WorkerFailed({ worker: name, message: describeFailure(error) })

    /** Releases everything a run left here: its cohorts' agents, then its models and data. */
    const finish = (runId: string, why: string) =>
      Effect.suspend(() => {
        heard.delete(runId)
        const mine = [...cohorts.entries()].filter(([key]) => key.startsWith(`${runId}/`))
        for (const [key] of mine) cohorts.delete(key)
        if (runs.has(runId)) log(`${runId}: ${why}`)
        return Effect.forEach(mine, ([, scope]) => Scope.close(scope, Exit.void)).pipe(
          Effect.zipRight(releaseRun(runId)),
        )
      })

    const release = (key: CohortKey) =>
      Effect.suspend(() => {
        const scope = cohorts.get(hostedKey(key))
        cohorts.delete(hostedKey(key))
        return scope === undefined ? Effect.void : Scope.close(scope, Exit.void)
      })

    yield* system.spawn(
      workerAddress(name),
      Actor.make(
        WorkerProtocol,
        Effect.succeed({
          HostAgents: ({ cohort, hosted }) =>
            Effect.gen(function* () {
              heard.set(cohort.runId, Date.now())
              const { run, spec, models } = yield* cohortFor(cohort)
              const { scenario } = spec
              const { kind } = run
              // Only agents the cohort has: a forged or mistaken request names no role or index it lacks.
              const { strangers, twice } = hostingProblems(hosted, kind.hosts(spec))
              if (strangers.length > 0)
                return yield* Effect.fail(
                  `${cohortName(spec.id)} (${kind.name}) has no ${strangers.slice(0, 5).join(", ")} to host`,
                )
              if (twice.length > 0)
                return yield* Effect.fail(
                  `${cohortName(spec.id)} (${kind.name}): the request names ${twice.slice(0, 5).join(", ")} twice`,
                )
              // Checked first: a refused request leaves the cohort as it is. A cohort asked for again (a
              // coordinator's retry) starts afresh; one whose spawning fails is left with no agents.
              const host = Effect.gen(function* () {
                yield* release(cohort)
                const scope = yield* Scope.make()
                cohorts.set(hostedKey(cohort), scope)
                yield* Effect.flatMap(ActorSystem.make(), (agents) =>
                  kind.spawn(spec, hosted).pipe(Effect.provideService(ActorSystem, agents)),
                ).pipe(
                  // The cohort's point's models (a sweep of a model's settings), metered by the run's metering.
                  Effect.provide(models),
                  Scope.extend(scope),
                  Effect.tapError(() => release(cohort)),
                )
              })
              // An address still held is retried for a while: agents of a cohort being played again here can
              // meet their earlier copies still being released (a worker stopping in the same process).
              yield* host.pipe(
                Effect.retry({
                  schedule: Schedule.spaced("100 millis").pipe(Schedule.upTo("5 seconds")),
                  while: (error) => (error as { readonly _tag?: unknown })?._tag === "AddressInUse",
                }),
              )
              const agents = Object.entries(hosted).flatMap(([role, indexes]) =>
                indexes.map((i) => kind.agentId(scenario, role, i)),
              )
              log(`${cohort.runId}: hosting ${agentsOf(agents, spec.id)}`)
            }).pipe(Effect.mapError(failed)),
          ReleaseAgents: ({ cohort }) => release(cohort),
          FinishRun: ({ runId }) => finish(runId, "finished"),
          Ping: () => pong,
        }),
      ),
    )
    yield* system.spawn(
      heartbeatAddress(name),
      Actor.make(
        HeartbeatProtocol,
        Effect.succeed({
          ReportUsage: ({ runId }) => {
            const run = runs.get(runId)
            return run === undefined
              ? Effect.succeed(Option.none())
              : Effect.map(
                  Metering.pipe(
                    Effect.provide(run.models),
                    Effect.flatMap((m) => m.snapshot),
                  ),
                  Option.some,
                )
          },
          Ping: ({ runId }) =>
            Effect.zipRight(
              Effect.sync(() => runId !== undefined && runs.has(runId) && heard.set(runId, Date.now())),
              pong,
            ),
        }),
      ),
    )
    // A coordinator that died cannot say FinishRun: forget its runs once it has been silent too long.
    yield* Effect.forkScoped(
      Effect.suspend(() => {
        const now = Date.now()
        const silent = [...heard.entries()]
          .filter(([, at]) => now - at > orphanAfterMs)
          .map(([runId]) => runId)
        return Effect.forEach(silent, (runId) =>
          finish(
            runId,
            `no word from its coordinator for ${orphanAfterMs / 1000} s; its agents are released`,
          ),
        )
      }).pipe(
        Effect.repeat(Schedule.spaced(Duration.millis(Math.max(50, Math.min(10_000, orphanAfterMs / 4))))),
      ),
    )
    // Stopped (Ctrl-C, SIGTERM): every agent, model and dataset it still holds is released. Its own addresses
    // go first, so a coordinator whose agents here stop answering finds the worker gone (no responders) and
    // plays the cohort again elsewhere, rather than taking the stopped agents for a failure of the cohort.
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        log(
          `worker ${name} stopping: releasing ${cohorts.size} cohort(s) of ${runs.size} run(s) it still hosts`,
        )
        return Effect.zipRight(
          Effect.all([system.stop(heartbeatAddress(name)), system.stop(workerAddress(name))], {
            discard: true,
          }),
          Effect.forEach([...cohorts.values(), ...[...runs.values()].map((r) => r.scope)], (scope) =>
            Scope.close(scope, Exit.void),
          ),
        )
      }),
    )
    log(`worker ${name} ready (host ${hostname()}, pid ${process.pid})`)
    return yield* Effect.never
  }).pipe(yieldingToEventLoop)
