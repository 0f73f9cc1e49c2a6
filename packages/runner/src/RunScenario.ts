import { ActorSystem, LocalTransport, type Transport } from "@lyceum/actors"
import { type AnyKind, type CohortSpec, cohortName, cohortRowKey } from "@lyceum/coalition"
import { kindNamed } from "@lyceum/kinds"
import { Metering, ModelRegistry } from "@lyceum/models"
import type { NatsClient } from "@lyceum/nats"
import { type LoadedScenario, storedConfig } from "@lyceum/scenario"
import { type LearningCurveRow, type RunVersions, Store } from "@lyceum/store"
import type { TaskData } from "@lyceum/tasks"
import { Cause, Effect, Exit, HashSet, type Layer, Option } from "effect"
import { capabilityRows, type ProbedModel, probedScores, probeRunEndpoints } from "./EndpointProbe.js"
import { yieldingToEventLoop } from "./EventLoopScheduler.js"
import { describeCause } from "./Failure.js"
import { Progress } from "./Progress.js"
import { playThroughQueue, type QueueSettings } from "./queue/QueueCoordinator.js"
import { queuedStepWriter } from "./queue/QueuedSteps.js"
import { reopenForResume, resumePoint } from "./Resume.js"
import { CohortFailed, RunFailed } from "./RunError.js"
import { makeRunId } from "./RunId.js"
import { holdLease, RunLeaseLost } from "./RunLease.js"
import { budgetLeft, nothingSpent, pointRegistries, runModelsLayer } from "./RunModels.js"
import { itemLabelRows, pointAgents, preparePointTasks, runPoints, sweepPointRows } from "./RunPoints.js"
import { usageRows } from "./StepUsage.js"
import { makeStepWriter, type Spending, type StepCount } from "./StepWriter.js"
import { WorkerLost, type WorkerPool, workerPool } from "./WorkerPool.js"

/** How many times a cohort is played again after losing a worker that hosted part of it. */
const REPLAYS = 3

/** What one attempt at a cohort stored: steps, and the tokens and dollars of their model_usage rows. */
interface Written {
  steps: number
  tokens: number
  costUsd: number
}

export interface RunOptions<TE = never> {
  readonly loaded: LoadedScenario
  /** Overrides the scenario's seed. */
  readonly seed?: number | undefined
  /**
   * The tasks' data already prepared for `seed` (by `preflight`), so the data files are read once; used only
   * when the run plays with that seed (a resumed run plays with the seed it started with).
   */
  readonly prepared?: { readonly seed: number; readonly tasks: ReadonlyArray<TaskData> } | undefined
  readonly versions: RunVersions
  /** Where agents talk: in process by default; a NATS transport spreads them over processes and hosts. */
  readonly transport?: Layer.Layer<Transport, TE>
  /**
   * Play the cohorts through the JetStream work queue instead (`lyceum run --queue`): any `lyceum worker` on
   * the server pulls them, a lost worker's cohort is played again elsewhere, and this process only writes.
   */
  readonly queue?: {
    readonly nats: Layer.Layer<NatsClient.NatsClient, unknown>
    readonly settings: QueueSettings
  }
  /**
   * Names of `lyceum worker` processes (listening on the same NATS) to host the agents, dealt out role by
   * role in turn; the coordinator then hosts none. Empty: every agent lives in this process.
   */
  readonly workers?: ReadonlyArray<string>
  /**
   * Cohorts (repeat × task × method) played at once. Default: one per worker, or 1 in process. Results do not
   * depend on it; it pays with remote model endpoints (latency) and with workers (more cores).
   */
  readonly parallel?: number
  /** How long to wait for every worker to answer before failing. Default 30 s. */
  readonly workerWaitMs?: number
  /** The command-line flags that spread this run (`--nats URL --queue`), for the resume command a failure prints. */
  readonly resumeFlags?: string
  /** With `workers`: how long a worker may stay silent (busy, not dead) before it is lost. Default 30 s. */
  readonly workerLossMs?: number
  /**
   * Continues this stored run instead of starting one: finished cohorts are kept, unfinished ones are played
   * again from their start. The scenario must be the one the run started with (its budget may differ).
   */
  readonly resume?: string
  /** Resume a run still marked `running` (its process was killed). */
  readonly force?: boolean
  /** The coalition kinds to look the scenario's `kind` up in: the registry (`@lyceum/kinds`) by default. */
  readonly kinds?: ReadonlyArray<AnyKind>
  /**
   * Probe every `openai` model's endpoint before spending anything (default true): the run then uses each with
   * the score mode it really supports, refuses what it cannot measure, and stores the findings
   * (`model_capabilities`). Off only for tests that script an endpoint's every answer.
   */
  readonly probeEndpoints?: boolean
  /** Where API keys and OPENAI_* defaults are read for the probe: the process's environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The probe already taken (by `lyceum run` before it opened the database): used instead of probing again. */
  readonly probed?: ReadonlyArray<ProbedModel>
}

export interface RunResult {
  readonly runId: string
  readonly learningCurve: ReadonlyArray<LearningCurveRow>
}

/**
 * Plays a scenario of any coalition kind: for each repeat, task and variant of the kind (a cohort) spawns its
 * agents, plays its steps (social learning: round 0 measures the students before any lesson, then one step per
 * round) and writes each finished step to the store in one transaction. The run row is finished as
 * `completed`, `failed` or `stopped` (budget spent or interrupted) whatever happens.
 */
export const runScenario = <TE = never>(options: RunOptions<TE>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const progress = yield* Progress
    const { scenario } = options.loaded
    const kind: AnyKind = yield* kindNamed(scenario.kind, options.kinds)
    // A sweep's points (the scenario itself without one): each cohort plays with its point's scenario.
    const { points, steps } = yield* runPoints(kind, options.loaded)
    const resumed =
      options.resume === undefined
        ? undefined
        : yield* resumePoint(options.resume, options.loaded, {
            seed: options.seed,
            force: options.force,
            steps,
          })
    const seed = resumed?.seed ?? options.seed ?? scenario.seed
    const pointTasks = yield* Effect.interruptible(
      preparePointTasks(
        points,
        options.loaded.file,
        seed,
        options.prepared?.seed === seed ? options.prepared.tasks : undefined,
      ),
    )
    const tasks = pointTasks[0]!
    // Before the run row and any spending: a measurement an endpoint cannot make is refused here.
    const probed =
      options.probed ??
      (options.probeEndpoints === false
        ? []
        : yield* probeRunEndpoints(options.loaded, kind, options.env ?? process.env, tasks))
    const scores = probedScores(probed)
    const runId = resumed?.runId ?? makeRunId(scenario.name)
    yield* Effect.annotateCurrentSpan("lyceum.run_id", runId)

    // The run's lease, held until the run ends: taken by resumePoint, or with a new run's row.
    const lease =
      resumed !== undefined
        ? resumed.lease
        : yield* holdLease(runId, (owner) =>
            Effect.as(
              store.createRun({
                id: runId,
                kind: kind.name,
                scenarioName: scenario.name,
                scenarioPath: options.loaded.file,
                scenarioText: options.loaded.text,
                seed,
                versions: options.versions,
                config: storedConfig(options.loaded),
                sweepPoints: sweepPointRows(options.loaded),
                lease: owner,
              }),
              undefined,
            ),
          )
    yield* store.writeBatch({ modelCapabilities: capabilityRows(runId, probed) })
    if (resumed !== undefined) yield* reopenForResume(resumed)
    else
      yield* store.writeBatch({
        agents: pointAgents(points.map((p, i) => kind.agents(p.scenario, pointTasks[i]!))).map((agent) => ({
          runId,
          kind: kind.name,
          ...agent,
        })),
        itemLabels: itemLabelRows(runId, pointTasks),
      })
    const started = Date.now()
    yield* progress.report({
      _tag: "RunStarted",
      runId,
      scenario: scenario.name,
      kind: kind.name,
      repeats: scenario.repeats,
      steps,
      cohorts: points.reduce((sum, p, i) => sum + pointTasks[i]!.length * p.methods.length, 0),
      agents: kind.plan(scenario, tasks).agentsPerCohort,
    })

    // What this invocation spent, and what it stored in model_usage: a stop can cut a step short.
    const tokens: Spending = { spent: 0, stored: 0, spentUsd: 0, storedUsd: 0 }
    const count: StepCount = { done: 0, total: 0 }
    const writeStep = makeStepWriter({ runId, steps, started, store, progress, spending: tokens, count })
    const play = Effect.gen(function* () {
      const metering = yield* Metering
      // Messages to workers go through their own actor system, alive for the whole run.
      const control = yield* ActorSystem.make()
      const pool: WorkerPool = yield* workerPool(options.workers ?? [], {
        runId,
        scenarioFile: options.loaded.file,
        scenarioText: options.loaded.text,
        seed,
        readyWaitMs: options.workerWaitMs ?? 30_000,
        ...(options.workerLossMs !== undefined && { lossAfterMs: options.workerLossMs }),
        spent: resumed?.spent ?? nothingSpent,
        scores,
      }).pipe(Effect.provideService(ActorSystem, control))
      // The models each point plays with (a sweep of a model's settings has registries of its own).
      const registries = yield* pointRegistries(options.loaded, points, seed, scores)
      // Every process's model calls: this one's, and those of the agents on workers.
      const usageNow = Effect.flatMap(metering.snapshot, pool.usage)
      const jobs = Array.from({ length: scenario.repeats }, (_, repeat) =>
        points.flatMap((point, p) =>
          pointTasks[p]!.flatMap((data, task) =>
            point.methods.map((method, variant) => ({
              task,
              // Run-wide (`RunPoint.offset`): how workers and the work queue name this cohort's variant.
              variant: point.offset + variant,
              registry: registries[p]!,
              spec: {
                runId,
                seed,
                scenario: point.scenario,
                data,
                variant,
                id: { repeat, task: data.task.name, method },
                scenarioFile: options.loaded.file,
              } satisfies CohortSpec<typeof scenario>,
            })),
          ),
        ),
      ).flat()

      /**
       * One attempt at a cohort, from its agents' spawning to its last step; cohorts share nothing but the store.
       * `written` counts what this attempt stored, so a lost worker's cohort can be taken back (`playCohort`).
       */
      const playCohortOnce = ({ task, variant, registry, spec }: (typeof jobs)[number], written: Written) =>
        Effect.gen(function* () {
          const { id } = spec
          const system = yield* ActorSystem.make()
          const cohort = yield* kind.open(spec).pipe(Effect.provideService(ActorSystem, system))
          const hosted = kind.hosts(spec)
          if (pool.size === 0)
            yield* kind
              .spawn(spec, hosted)
              .pipe(
                Effect.provideService(ActorSystem, system),
                Effect.provideService(ModelRegistry, registry),
              )
          const playSteps = Effect.gen(function* () {
            yield* Effect.logDebug("agents ready").pipe(
              Effect.annotateLogs({
                agents: Object.values(hosted).reduce((sum, indexes) => sum + indexes.length, 0),
                hosted: pool.size === 0 ? "in process" : "on workers",
              }),
            )
            let usageBefore = yield* usageNow
            for (let step = 0; step < steps; step++) {
              const result = yield* cohort
                .play(step, {
                  note: (text) => progress.report({ _tag: "StepNote", cohort: id, round: step, steps, text }),
                })
                .pipe(Effect.withSpan("lyceum.step", { attributes: { "lyceum.step": step } }))
              // After the step's last call (a canary's scoring included): its model calls belong to this step.
              const usage = yield* usageNow
              const rows = usageRows(runId, id, step, usageBefore, usage)
              // Stored and counted together: a loss interrupting the cohort cannot fall between the two.
              yield* writeStep(id, step, result, rows, {
                calls: usage.total.calls,
                tokens: usage.total.promptTokens + usage.total.completionTokens,
                costUsd: usage.total.costUsd,
                cacheHits: usage.total.cacheHits,
              }).pipe(
                Effect.tap((used) =>
                  Effect.sync(() => {
                    written.steps++
                    written.tokens += used.promptTokens + used.completionTokens
                    written.costUsd += used.costUsd
                  }),
                ),
                Effect.uninterruptible,
              )
              usageBefore = usage
              // Agents on workers spend outside this process's budget check: stop at the step's end.
              if (pool.size > 0)
                yield* pool.checkBudget(usage, budgetLeft(scenario.budget, resumed?.spent ?? nothingSpent))
              if (result.final === true) break
            }
          })
          yield* pool.host(
            { repeat: id.repeat, task, variant },
            id,
            hosted,
            (role, i) => kind.agentId(spec.scenario, role, i),
            playSteps,
          )
        }).pipe(Effect.scoped)

      /**
       * A cohort, played again from its first step on the live workers when a worker hosting part of it is lost
       * (at most `REPLAYS` times): what the lost attempt stored is deleted and its usage counted as discarded, as
       * a resume does, so the finished run is the one an uninterrupted run stores (same spec, same seeds).
       */
      const playCohort = (job: (typeof jobs)[number]) => {
        const name = cohortName(job.spec.id)
        const attempt = (
          replay: number,
        ): Effect.Effect<void, unknown, Effect.Effect.Context<ReturnType<typeof playCohortOnce>>> => {
          const written: Written = { steps: 0, tokens: 0, costUsd: 0 }
          return playCohortOnce(job, written).pipe(
            Effect.catchIf(
              (error): error is WorkerLost => error instanceof WorkerLost && pool.live().length > 0,
              (lost) =>
                Effect.gen(function* () {
                  // Its stored usage goes with its rows, so it is discarded now; the rest of what it spent (not
                  // stored) is in the run's end count, spent minus stored, like any step cut short.
                  yield* store.deleteCohort(runId, job.spec.id)
                  yield* store.addDiscarded(runId, { tokens: written.tokens, costUsd: written.costUsd })
                  count.done -= written.steps
                  if (replay >= REPLAYS)
                    return yield* new CohortFailed({
                      cohort: name,
                      cause: `lost a worker hosting its agents ${replay + 1} times (the last: ${lost.message})`,
                    })
                  yield* Effect.logWarning(
                    `worker ${lost.worker} lost (${lost.cause}): ${name} is played again from its first step ` +
                      `on ${pool.live().join(", ")} (replay ${replay + 1} of at most ${REPLAYS})`,
                  )
                  return yield* attempt(replay + 1)
                }),
            ),
          )
        }
        return attempt(0).pipe(
          Effect.annotateLogs({ cohort: name }),
          Effect.withSpan("lyceum.cohort", {
            attributes: {
              "lyceum.cohort": name,
              "lyceum.repeat": job.spec.id.repeat,
              "lyceum.task": job.spec.id.task,
              "lyceum.method": job.spec.id.method,
            },
          }),
          // Say where: the progress lines' name for the cohort (WorkerLost names its cohorts already).
          Effect.mapError((error) =>
            error instanceof WorkerLost || error instanceof CohortFailed
              ? error
              : new CohortFailed({ cohort: name, cause: error }),
          ),
        )
      }

      const parallel = options.parallel ?? Math.max(1, pool.size)
      const left = jobs.filter((job) => !(resumed?.finished.has(cohortRowKey(job.spec.id)) ?? false))
      // Progress and ETA count what this invocation plays (a resumed run skips its finished cohorts).
      count.total = left.length * steps
      if (options.queue !== undefined) {
        const unfinished = new Set(left.map((job) => cohortRowKey(job.spec.id)))
        yield* playThroughQueue({
          runId,
          key: {
            runId,
            scenarioFile: options.loaded.file,
            scenarioText: options.loaded.text,
            seed,
            spent: resumed?.spent ?? nothingSpent,
            ...(scores !== undefined && { scores }),
          },
          units: jobs.map((job) => ({
            index: { repeat: job.spec.id.repeat, task: job.task, variant: job.variant },
            id: job.spec.id,
            finished: !unfinished.has(cohortRowKey(job.spec.id)),
          })),
          steps,
          runKey: yield* store.resultKey(runId),
          settings: options.queue.settings,
          warn: (line) => Effect.logWarning(line),
          apply: queuedStepWriter(writeStep, scenario.budget, resumed?.spent ?? nothingSpent),
        }).pipe(Effect.scoped, Effect.provide(options.queue.nats))
        // Workers spend on their own metering; what their steps used is what was stored.
        tokens.spent = tokens.stored
        tokens.spentUsd = tokens.storedUsd
        return
      }
      const cohorts = Effect.forEach(left, playCohort, { concurrency: parallel, discard: true })
      yield* pool.guard(cohorts).pipe(
        // Whatever happened, what was spent (a lost worker's share cannot be asked for any more).
        Effect.ensuring(
          usageNow.pipe(
            Effect.orElse(() => metering.snapshot),
            Effect.flatMap((u) =>
              Effect.sync(() => {
                tokens.spent = u.total.promptTokens + u.total.completionTokens
                tokens.spentUsd = u.total.costUsd
              }),
            ),
          ),
        ),
      )
    }).pipe(
      Effect.annotateLogs({ runId }),
      Effect.scoped,
      Effect.provide(runModelsLayer(options.loaded, seed, resumed?.spent, scores)),
      Effect.provide(options.transport ?? LocalTransport.layer()),
    )

    // Only the playing is interruptible (Ctrl-C): the run row is then still finished, as `stopped`.
    const exit = yield* Effect.exit(Effect.interruptible(lease.guard(play)))
    // Taken over by another process (--force, thinking this one dead): the run is its to write now.
    if (yield* lease.lost) return yield* new RunLeaseLost({ runId, db: store.filename })
    // Asked to stop: whatever the interrupted agents failed with on the way down, the run was stopped.
    const interrupted = yield* Effect.descriptorWith((fiber) =>
      Effect.succeed(HashSet.size(fiber.interruptors) > 0),
    )
    const status = Exit.isSuccess(exit)
      ? "completed"
      : interrupted || stopped(exit.cause)
        ? "stopped"
        : "failed"
    const reason = Exit.isFailure(exit)
      ? interrupted
        ? "interrupted"
        : describeCause(exit.cause)
      : undefined
    if (tokens.spent > tokens.stored || tokens.spentUsd > tokens.storedUsd + 1e-12)
      yield* store.addDiscarded(runId, {
        tokens: tokens.spent - tokens.stored,
        costUsd: tokens.spentUsd - tokens.storedUsd,
      })
    yield* store.finishRun(runId, status, reason)
    yield* progress.report({ _tag: "RunFinished", runId, status, elapsedMs: Date.now() - started })
    if (Exit.isFailure(exit)) {
      return yield* new RunFailed({
        runId,
        db: store.filename,
        scenario: options.loaded.file,
        status: status as "failed" | "stopped",
        reason: reason!,
        ...(options.resumeFlags !== undefined && { resumeFlags: options.resumeFlags }),
      })
    }
    return { runId, learningCurve: yield* store.learningCurve(runId) } satisfies RunResult
  }).pipe(
    // The run's span (its id is added once known); a no-op export-wise unless a tracer is installed.
    Effect.withSpan("lyceum.run", {
      attributes: {
        "lyceum.scenario": options.loaded.scenario.name,
        "lyceum.kind": options.loaded.scenario.kind,
      },
    }),
    Effect.scoped,
    Effect.uninterruptible,
    yieldingToEventLoop,
  )

/**
 * A spent budget or an interruption stops a run; anything else fails it. The budget is found however a kind
 * wrapped it: as an error's `cause` at any depth (tagged errors carry their cause), or as the `reason` of an
 * agent's `AgentFailed`.
 */
const stopped = (cause: Cause.Cause<unknown>): boolean =>
  Cause.isInterruptedOnly(cause) || Option.exists(Cause.failureOption(cause), spentBudget)

const spentBudget = (error: unknown): boolean => {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 16; depth++) {
    const { _tag, reason } = e as { _tag?: unknown; reason?: unknown }
    if (_tag === "BudgetExceeded" || reason === "BudgetExceeded") return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
