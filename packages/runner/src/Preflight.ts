import { dirname, resolve, sep } from "node:path"
import type { AnyKind } from "@lyceum/coalition"
import { findKind } from "@lyceum/kinds"
import { formatPath, type LoadedScenario, lineOfField, type Problem, ScenarioError } from "@lyceum/scenario"
import { prepareTaskData, type TaskData } from "@lyceum/tasks"
import { Cause, Effect, Either } from "effect"
import { preparePointTasks, type RunPoints, runPoints } from "./RunPoints.js"

/** What a scenario will do, counted before it runs (model calls and tokens are estimates). */
export interface PlannedWork {
  /** repeat × task × variant (a social-learning method, an ensemble aggregator). */
  readonly cohorts: number
  /** Agents spawned over the run: every cohort has its own. */
  readonly agents: number
  /** Steps per cohort (social learning: rounds, round 0 included). */
  readonly rounds: number
  readonly modelCalls: number
  /** Prompt plus completion tokens, from the data's example lengths at about 4 characters per token. */
  readonly tokens: number
  /** The points of a swept scenario (`sweep:`); absent without a sweep. */
  readonly points?: number
}

/**
 * Beyond these a run is large enough that starting it by accident costs real time or money: `lyceum run`
 * then prints the plan and asks for `--yes` or a `budget:`. About twice the largest shipped scenario
 * (privacy-canary: ~0.11 M calls, ~43 M tokens); 0.2 M calls take minutes with sim (~800 calls/s) and hours
 * with an API. (At 1 M calls, 1000 repeats of the quickstart, ~0.57 M calls, started unasked.)
 */
export const LargeRun = { modelCalls: 200_000, tokens: 100_000_000 } as const

export const isLargeRun = (plan: PlannedWork): boolean =>
  plan.modelCalls > LargeRun.modelCalls || plan.tokens > LargeRun.tokens

/** A large run without a budget starts only when confirmed (`lyceum run --yes`); `validate` says so. */
export const needsConfirmation = (plan: PlannedWork, scenario: LoadedScenario["scenario"]): boolean =>
  isLargeRun(plan) && scenario.budget === undefined

const compact = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)}G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e4
        ? `${(n / 1e3).toFixed(0)}k`
        : Math.round(n).toLocaleString("en-US")

const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`

/**
 * One line: `4 cohorts, 12 agents, 5 rounds each, ~2.1k model calls, ~310k tokens (estimated)`, a sweep's
 * points first (`2 sweep points, ...`).
 */
export const formatPlannedWork = (plan: PlannedWork): string =>
  (plan.points === undefined ? "" : `${plural(plan.points, "sweep point")}, `) +
  `${plural(plan.cohorts, "cohort")}, ${plural(plan.agents, "agent")}, ` +
  `${plural(plan.rounds, "round")} each, ~${compact(plan.modelCalls)} model calls, ~${compact(plan.tokens)} tokens (estimated)`

/**
 * The plan of a scenario whose task data is prepared: the kind estimates the work of its cohorts, at every
 * point of a sweep (`pointTasks[i]` is point i's data), summed.
 */
export const plannedWork = (
  kind: AnyKind,
  run: RunPoints,
  pointTasks: ReadonlyArray<ReadonlyArray<TaskData>>,
): PlannedWork => {
  let cohorts = 0
  let agents = 0
  let modelCalls = 0
  let tokens = 0
  run.points.forEach(({ scenario }, i) => {
    const tasks = pointTasks[i]!
    const work = kind.plan(scenario, tasks)
    const mine = scenario.repeats * tasks.length * kind.variants(scenario).length
    cohorts += mine
    agents += mine * work.agentsPerCohort
    modelCalls += work.modelCalls
    tokens += work.tokens
  })
  return {
    cohorts,
    agents,
    rounds: run.steps,
    modelCalls,
    tokens,
    ...(run.points[0]?.point !== undefined && { points: run.points.length }),
  }
}

/** A problem with a sweep as a whole, at its `sweep:` line. */
const sweepProblem = (loaded: LoadedScenario, message: string) => {
  const line = lineOfField(loaded.text, ["sweep"])
  return new ScenarioError({
    file: loaded.file,
    problems: [{ path: "sweep", ...(line !== undefined && { line }), message }],
  })
}

/** The named file, or a file inside the named directory (BLEnD's probes are a directory of files). */
const within = (named: string, file: string) => file === named || file.startsWith(`${named}${sep}`)

/**
 * Which field of task `index` an error is about: the `{ path }` field naming the file it failed on (dataset,
 * probes, ...), `testSize` when there were too few examples, else the task itself.
 */
const taskField = (loaded: LoadedScenario, index: number, error: unknown): Array<PropertyKey> => {
  const task = loaded.scenario.tasks[index]! as Record<string, unknown>
  const file = (error as { file?: unknown }).file
  if (typeof file === "string") {
    const named = Object.entries(task).flatMap(([key, value]) => {
      const path = (value as { path?: unknown } | null)?.path
      return typeof path === "string" ? [{ key, path: resolve(dirname(loaded.file), path) }] : []
    })
    // The named file or directory, else a file next to it (GeoMLaMA's paraphrases, `<name>_aug.tsv`).
    const field =
      named.find(({ path }) => within(path, resolve(file))) ??
      named.find(({ path }) => dirname(path) === dirname(resolve(file)))
    if (field !== undefined) return ["tasks", index, field.key, "path"]
  }
  if ((error as { _tag?: unknown })._tag === "NotEnoughExamples" && "testSize" in task)
    return ["tasks", index, "testSize"]
  return ["tasks", index]
}

const describeFailure = (cause: Cause.Cause<unknown>): { error: unknown; message: string } => {
  const error = Cause.squash(cause)
  const message = (error as { message?: unknown }).message
  return { error, message: typeof message === "string" && message.length > 0 ? message : String(error) }
}

/**
 * Everything about a loaded scenario that can be known before the first model call: each task's data is
 * loaded and split exactly as the run will (`prepareTaskData`, so every dataset and probe file is read and
 * parsed), and the work is planned. Problems name the file, the scenario line and the field, like the
 * loader's. `lyceum validate` and `lyceum run` call it before opening any database.
 */
export const preflight = (
  loaded: LoadedScenario,
  options: {
    readonly seed?: number | undefined
    /** The kinds the scenario was loaded with: the registry by default. */
    readonly kinds?: ReadonlyArray<AnyKind> | undefined
  } = {},
): Effect.Effect<{ readonly tasks: ReadonlyArray<TaskData>; readonly plan: PlannedWork }, ScenarioError> =>
  Effect.gen(function* () {
    const seed = options.seed ?? loaded.scenario.seed
    // A loaded scenario names a known kind (the loader refused any other).
    const kind = findKind(loaded.scenario.kind, options.kinds)!
    const results = yield* Effect.forEach(loaded.scenario.tasks, (task) =>
      prepareTaskData(task, loaded.file, seed).pipe(Effect.sandbox, Effect.either),
    )
    const problems: Array<Problem> = []
    const tasks: Array<TaskData> = []
    results.forEach((result, index) => {
      if (Either.isRight(result)) {
        tasks.push(result.right)
        return
      }
      const { error, message } = describeFailure(result.left)
      const key = taskField(loaded, index, error)
      const line = lineOfField(loaded.text, key)
      problems.push({ path: formatPath(key), ...(line !== undefined && { line }), message })
    })
    if (problems.length > 0) return yield* new ScenarioError({ file: loaded.file, problems })
    // A sweep's points: the same steps each, their own task data where the sweep changes a task.
    const run = yield* runPoints(kind, loaded)
    const pointTasks = yield* preparePointTasks(run.points, loaded.file, seed, tasks).pipe(
      Effect.mapError((error) =>
        sweepProblem(loaded, `cannot prepare a point's task data: ${error.message}`),
      ),
    )
    // What the kind draws from the data is checked only once every task's data is there, at every point.
    run.points.forEach((point, i) => {
      for (const { key, message } of kind.dataChecks?.(point.scenario, pointTasks[i]!, loaded.file) ?? []) {
        const line = lineOfField(loaded.text, key)
        const where = point.point === undefined ? "" : `point ${point.point} (${point.label}): `
        problems.push({
          path: formatPath(key),
          ...(line !== undefined && { line }),
          message: `${where}${message}`,
        })
      }
    })
    if (problems.length > 0) return yield* new ScenarioError({ file: loaded.file, problems })
    return { tasks, plan: plannedWork(kind, run, pointTasks) }
  })
