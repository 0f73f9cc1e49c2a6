import { resolve } from "node:path"
import { ActorSystem, LocalTransport, type Transport } from "@lyceum/actors"
import type { AgentId } from "@lyceum/core"
import { Evaluate, Learn, ScoreTexts } from "@lyceum/learning"
import { Metering, type UsageSnapshot, usageSince } from "@lyceum/models"
import { exposure, secretSharerRank } from "@lyceum/privacy"
import { type LoadedScenario, type MethodConfig, methodLabel } from "@lyceum/scenario"
import {
  type EvaluationRow,
  type FindingRow,
  type LearningCurveRow,
  type LessonRow,
  type ModelUsageRow,
  type RunVersions,
  Store,
} from "@lyceum/store"
import { Cause, Effect, Exit, HashSet, type Layer, Option } from "effect"
import {
  allAgents,
  type Cohort,
  cohortLabel,
  meteringLabel,
  openCohort,
  spawnAgents,
  studentId,
  teacherId,
} from "./Cohort.js"
import { cohortName } from "./CohortName.js"
import { yieldingToEventLoop } from "./EventLoopScheduler.js"
import { describeCause } from "./Failure.js"
import { Progress } from "./Progress.js"
import { cohortRowKey, reopenForResume, resumePoint } from "./Resume.js"
import { canaryForTask, drawRepeatCanary, type TaskCanary } from "./RunCanary.js"
import { CohortFailed, RunFailed } from "./RunError.js"
import { makeRunId } from "./RunId.js"
import { holdLease, RunLeaseLost } from "./RunLease.js"
import { budgetLeft, nothingSpent, runModelsLayer } from "./RunModels.js"
import { prepareTaskData, type TaskData } from "./TaskData.js"
import { type WorkerPool, workerPool } from "./WorkerPool.js"

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
   * Names of `lyceum worker` processes (listening on the same NATS) to host the agents, teachers and students
   * dealt out in turn; the coordinator then hosts none. Empty: every agent lives in this process.
   */
  readonly workers?: ReadonlyArray<string>
  /**
   * Cohorts (repeat × task × method) played at once. Default: one per worker, or 1 in process. Results do not
   * depend on it; it pays with remote model endpoints (latency) and with workers (more cores).
   */
  readonly parallel?: number
  /** How long to wait for every worker to answer before failing. Default 30 s. */
  readonly workerWaitMs?: number
  /**
   * Continues this stored run instead of starting one: finished cohorts are kept, unfinished ones are played
   * again from their start. The scenario must be the one the run started with (its budget may differ).
   */
  readonly resume?: string
  /** Resume a run still marked `running` (its process was killed). */
  readonly force?: boolean
}

export interface RunResult {
  readonly runId: string
  readonly learningCurve: ReadonlyArray<LearningCurveRow>
}

/** How long the coordinator waits for a student to learn or answer (it may wait on remote model endpoints). */
const STUDENT_TIMEOUT = "30 minutes"

/**
 * Plays a scenario: for each repeat, spawns the agents, measures every student before any lesson (round 0)
 * and after every round, and writes each finished round to the store in one transaction. The run row is
 * finished as `completed`, `failed` or `stopped` (budget spent or interrupted) whatever happens.
 */
export const runScenario = <TE = never>(options: RunOptions<TE>) =>
  Effect.gen(function* () {
    const store = yield* Store
    const progress = yield* Progress
    const { scenario } = options.loaded
    const resumed =
      options.resume === undefined
        ? undefined
        : yield* resumePoint(options.resume, options.loaded, { seed: options.seed, force: options.force })
    const seed = resumed?.seed ?? options.seed ?? scenario.seed
    const tasks =
      options.prepared?.seed === seed
        ? options.prepared.tasks
        : yield* Effect.interruptible(
            Effect.forEach(scenario.tasks, (task) => prepareTaskData(task, options.loaded.file, seed)),
          )
    const runId = resumed?.runId ?? makeRunId(scenario.name)

    // The run's lease, held until the run ends: taken by resumePoint, or with a new run's row.
    const lease =
      resumed !== undefined
        ? resumed.lease
        : yield* holdLease(runId, (owner) =>
            Effect.as(
              store.createRun({
                id: runId,
                scenarioName: scenario.name,
                scenarioPath: options.loaded.file,
                scenarioText: options.loaded.text,
                seed,
                versions: options.versions,
                config: scenario,
                lease: owner,
              }),
              undefined,
            ),
          )
    if (resumed !== undefined) yield* reopenForResume(resumed)
    else {
      yield* store.writeBatch({
        agents: agentRows(runId, scenario, tasks[0]!),
        itemLabels: tasks.flatMap((data) =>
          (data.labels ?? []).map((label) => ({ runId, task: data.task.name, ...label })),
        ),
      })
    }
    const started = Date.now()
    yield* progress.report({
      _tag: "RunStarted",
      runId,
      scenario: scenario.name,
      repeats: scenario.repeats,
      rounds: scenario.rounds.length,
      cohorts: tasks.length * scenario.methods.length,
      teachers: scenario.teachers.count,
      students: scenario.students.count,
    })

    // What this invocation spent, and what it stored in model_usage: a stop can cut a round short.
    const tokens = { spent: 0, stored: 0, spentUsd: 0, storedUsd: 0 }
    const play = Effect.gen(function* () {
      const metering = yield* Metering
      // Messages to workers go through their own actor system, alive for the whole run.
      const control = yield* ActorSystem.make()
      const pool: WorkerPool = yield* workerPool(options.workers ?? [], {
        runId,
        // Absolute, so a worker started in another directory finds the datasets next to the scenario.
        scenarioFile: resolve(options.loaded.file),
        scenarioText: options.loaded.text,
        seed,
        readyWaitMs: options.workerWaitMs ?? 30_000,
        spent: resumed?.spent ?? nothingSpent,
      }).pipe(Effect.provideService(ActorSystem, control))
      // Every process's model calls: this one's, and those of the agents on workers.
      const usageNow = Effect.flatMap(metering.snapshot, pool.usage)
      const finished = (job: { repeat: number; data: TaskData; config: MethodConfig }) =>
        resumed?.finished.has(cohortRowKey(job.repeat, job.data.task.name, methodLabel(job.config))) ?? false
      let done = 0
      const draws = Array.from({ length: scenario.repeats }, (_, repeat) =>
        drawRepeatCanary(scenario, seed, repeat),
      )
      const jobs = draws.flatMap((draw, repeat) =>
        tasks.flatMap((data, task) =>
          scenario.methods.map((method, m) => ({ repeat, task, method: m, data, draw, config: method })),
        ),
      )

      /** One cohort from its agents' spawning to its last round; cohorts share nothing but the store. */
      const playCohort = (job: (typeof jobs)[number]) =>
        Effect.gen(function* () {
          const { repeat, data, draw } = job
          const system = yield* ActorSystem.make()
          const spec = {
            runId,
            repeat,
            seed,
            scenario,
            data,
            method: job.config,
            canary: canaryForTask(draw, data, scenario),
          }
          const cohort = yield* openCohort(spec).pipe(Effect.provideService(ActorSystem, system))
          if (pool.size === 0) {
            yield* spawnAgents(spec, allAgents(spec)).pipe(Effect.provideService(ActorSystem, system))
          } else {
            yield* pool.host(
              { repeat, task: job.task, method: job.method, label: cohort.label },
              allAgents(spec),
            )
          }
          yield* Effect.logDebug("agents ready").pipe(
            Effect.annotateLogs({
              agents: cohort.teachers.length + cohort.students.length,
              hosted: pool.size === 0 ? "in process" : "on workers",
            }),
          )
          let usageBefore = yield* usageNow
          for (let round = 0; round <= scenario.rounds.length; round++) {
            const n = round === 0 ? 0 : scenario.rounds[round - 1]!
            const outcome = yield* playRound(cohort, data, { repeat, round, size: n })
            const lessons = lessonRows(runId, cohort, data, new Set(outcome.flatMap((o) => o.chosen)))
            const evaluations = evaluationRows(runId, { repeat, round, n }, cohort, data, outcome)
            const leakage =
              spec.canary !== undefined && round === scenario.rounds.length
                ? yield* measureCanary(cohort, data, spec.canary, { runId, repeat, round })
                : []
            // After the canary's scoring: its model calls belong to this round too.
            const usage = yield* usageNow
            const stored = usageRows(runId, { repeat, round }, cohort, data, usageBefore, usage)
            tokens.stored += stored.reduce((sum, r) => sum + r.promptTokens + r.completionTokens, 0)
            tokens.storedUsd += stored.reduce((sum, r) => sum + (r.costUsd ?? 0), 0)
            yield* store.writeBatch({
              lessons: lessons.map((l) => l.row),
              findings: lessons.flatMap((l) => l.findings),
              evaluations,
              leakage,
              modelUsage: stored,
            })
            done++
            yield* Effect.logDebug(`round ${round} written`).pipe(
              Effect.annotateLogs({
                lessons: lessons.length,
                evaluations: evaluations.length,
                leakage: leakage.length,
                usageRows: stored.length,
              }),
            )
            yield* progress.report({
              _tag: "RoundFinished",
              cohort: cohort.label,
              repeat,
              round,
              n,
              accuracy: evaluations.reduce((a, e) => a + e.score, 0) / Math.max(1, evaluations.length),
              lessons: lessons.filter((l) => l.row.sent).length,
              dropped: lessons.filter((l) => l.row.filterAction === "drop").length,
              modelCalls: usage.total.calls,
              tokens: usage.total.promptTokens + usage.total.completionTokens,
              retries: stored.reduce((sum, r) => sum + (r.retries ?? 0), 0),
              timeouts: stored.reduce((sum, r) => sum + (r.timeouts ?? 0), 0),
              errors: stored.reduce((sum, r) => sum + (r.errors ?? 0), 0),
              done,
              total,
              elapsedMs: Date.now() - started,
            })
            usageBefore = usage
            // Agents on workers spend outside this process's budget check: stop at the round's end.
            if (pool.size > 0)
              yield* pool.checkBudget(usage, budgetLeft(scenario.budget, resumed?.spent ?? nothingSpent))
          }
        }).pipe(
          Effect.scoped,
          Effect.annotateLogs({
            cohort: cohortName(cohortLabel({ data: job.data, method: job.config }), job.repeat),
          }),
          // Say where: the progress lines' name for the cohort (WorkerLost names its cohorts already).
          Effect.mapError((error) =>
            error._tag === "WorkerLost"
              ? error
              : new CohortFailed({
                  cohort: cohortName(cohortLabel({ data: job.data, method: job.config }), job.repeat),
                  cause: error,
                }),
          ),
        )

      const parallel = options.parallel ?? Math.max(1, pool.size)
      const left = jobs.filter((job) => !finished(job))
      // Progress and ETA count what this invocation plays (a resumed run skips its finished cohorts).
      const total = left.length * (scenario.rounds.length + 1)
      const repeats = Effect.forEach(left, playCohort, { concurrency: parallel, discard: true })
      yield* pool.guard(repeats).pipe(
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
      Effect.scoped,
      Effect.provide(runModelsLayer(options.loaded, seed, resumed?.spent)),
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
      })
    }
    return { runId, learningCurve: yield* store.learningCurve(runId) } satisfies RunResult
  }).pipe(Effect.scoped, Effect.uninterruptible, yieldingToEventLoop)

/**
 * Secret Sharer (paper §5): every student scores the canary example and its alternatives as the next example
 * after its prompt, per token; the canary's 0-based rank (ties counted half) and Carlini's exposure.
 */
const measureCanary = (
  cohort: Cohort,
  data: TaskData,
  canary: TaskCanary,
  at: { readonly runId: string; readonly repeat: number; readonly round: number },
) =>
  Effect.forEach(cohort.students, (student) =>
    Effect.gen(function* () {
      const { texts } = canary
      const scores = yield* student.ref.ask(new ScoreTexts({ texts }), { timeout: STUDENT_TIMEOUT })
      const rank = secretSharerRank(scores[0]!, scores.slice(1))
      const row = { ...at, task: data.task.name, method: cohort.method, teacher: null, student: student.id }
      return [
        { ...row, metric: "canary_rank", value: rank },
        { ...row, metric: "canary_exposure", value: exposure(rank, texts.length) },
      ]
    }),
  ).pipe(Effect.map((rows) => rows.flat()))

/** Round 0 only measures; later rounds first teach every student, all students at once. */
const playRound = (
  cohort: Cohort,
  data: TaskData,
  at: { readonly repeat: number; readonly round: number; readonly size: number },
) =>
  Effect.forEach(
    cohort.students,
    (student) =>
      Effect.gen(function* () {
        const chosen =
          at.round === 0
            ? []
            : yield* student.ref.ask(new Learn({ repeat: at.repeat, round: at.round, size: at.size }), {
                timeout: STUDENT_TIMEOUT,
              })
        const evaluation = yield* student.ref.ask(new Evaluate({ items: data.test }), {
          timeout: STUDENT_TIMEOUT,
        })
        return { student: student.id, ...evaluation, chosen: chosen.map((lesson) => lesson.id) }
      }),
    { concurrency: "unbounded" },
  )

type RoundOutcome = Effect.Effect.Success<ReturnType<typeof playRound>>

/** A model reference as stored: its name, or a fallback chain as `primary > backup`. */
const modelText = (ref: string | ReadonlyArray<string>) => (typeof ref === "string" ? ref : ref.join(" > "))

/** Every agent the scenario declares; teachers' data sizes as in the first task's first repeat. */
const agentRows = (runId: string, scenario: LoadedScenario["scenario"], first: TaskData) => {
  const share = (i: number) =>
    Math.floor(first.train.length / scenario.teachers.count) +
    (i < first.train.length % scenario.teachers.count ? 1 : 0)
  return [
    ...Array.from({ length: scenario.teachers.count }, (_, i) => ({
      runId,
      agentId: teacherId(i),
      role: "teacher" as const,
      model: modelText(scenario.teachers.model),
      dataSize: Math.min(
        share(i) - Math.floor(share(i) * scenario.teachers.holdout),
        scenario.teachers.dataSize ?? Number.POSITIVE_INFINITY,
      ),
    })),
    ...Array.from({ length: scenario.students.count }, (_, i) => ({
      runId,
      agentId: studentId(i),
      role: "student" as const,
      model: modelText(scenario.students.model),
      dataSize: null,
    })),
  ]
}

const lessonRows = (
  runId: string,
  cohort: Cohort,
  data: TaskData,
  chosen: ReadonlySet<string>,
): Array<{ readonly row: LessonRow; readonly findings: ReadonlyArray<FindingRow> }> => {
  const createdAt = new Date().toISOString()
  return cohort.takeAudit().map(({ lesson, decision, sent, leakage, smuggle }) => ({
    findings: (decision.findings ?? []).map((f) => ({
      runId,
      lessonId: lesson.id,
      detector: f.detector,
      action: f.action,
      start: f.start,
      end: f.end,
      matchedHash: f.sha256,
      reason: f.reason,
    })),
    row: {
      runId,
      id: lesson.id,
      repeat: lesson.repeat,
      round: lesson.round,
      teacher: lesson.teacher,
      student: lesson.student,
      task: data.task.name,
      method: cohort.method,
      kind: lesson.kind,
      text: lesson.text,
      filterAction: decision.action,
      filterDetector: decision.detector ?? null,
      filterReason: decision.reason ?? null,
      sent,
      chosen: chosen.has(lesson.id),
      distance: leakage?.distance ?? null,
      verbatimCopy: leakage?.verbatimCopy ?? null,
      smuggle: smuggle?.transform ?? null,
      smuggleIntact: smuggle?.intact ?? null,
      createdAt,
    },
  }))
}

const evaluationRows = (
  runId: string,
  at: { readonly repeat: number; readonly round: number; readonly n: number },
  cohort: Cohort,
  data: TaskData,
  outcome: RoundOutcome,
): Array<EvaluationRow> =>
  outcome.flatMap(({ student, results, promptLessons }) =>
    results.map((r) => ({
      runId,
      repeat: at.repeat,
      round: at.round,
      student,
      task: data.task.name,
      method: cohort.method,
      n: at.n,
      promptLessons,
      metric: "accuracy" as const,
      itemId: r.itemId,
      answer: r.answer,
      target: r.target,
      score: r.correct ? 1 : 0,
    })),
  )

/**
 * The calls each of the cohort's agents made during this round, with their retries, timeouts and faults: the
 * difference of two cumulative snapshots. A row with only failures (no call reached the model) is kept.
 */
const usageRows = (
  runId: string,
  at: { readonly repeat: number; readonly round: number },
  cohort: Cohort,
  data: TaskData,
  before: UsageSnapshot,
  after: UsageSnapshot,
): Array<ModelUsageRow> => {
  const prefix = meteringLabel(cohort.key, "" as AgentId)
  return after.rows.flatMap((row) => {
    if (!row.agent.startsWith(prefix)) return []
    const prior = before.rows.find((b) => b.model === row.model && b.agent === row.agent)
    const round = usageSince(row, prior)
    if (round.calls === 0 && round.errors === 0 && round.retries === 0) return []
    return [
      {
        runId,
        repeat: at.repeat,
        round: at.round,
        task: data.task.name,
        method: cohort.method,
        agentId: row.agent.slice(prefix.length),
        model: row.model,
        calls: round.calls,
        promptTokens: round.promptTokens,
        completionTokens: round.completionTokens,
        costUsd: round.costUsd,
        retries: round.retries,
        timeouts: round.timeouts,
        errors: round.errors,
        rateLimitWaits: round.rateLimitWaits,
        rateLimitWaitMs: round.rateLimitWaitMs,
        faults: round.faults,
      },
    ]
  })
}

/** A spent budget or an interruption stops a run; anything else fails it. */
const stopped = (cause: Cause.Cause<unknown>): boolean =>
  Cause.isInterruptedOnly(cause) ||
  Option.exists(Cause.failureOption(cause), (e) => {
    const error = (e instanceof CohortFailed ? e.cause : e) as { _tag?: string; reason?: string }
    return error._tag === "BudgetExceeded" || error.reason === "BudgetExceeded"
  })
