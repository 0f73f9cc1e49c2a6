import { dirname, resolve, sep } from "node:path"
import {
  formatPath,
  type LoadedScenario,
  lineOfField,
  type MethodConfig,
  type Problem,
  ScenarioError,
} from "@lyceum/scenario"
import { Cause, Effect, Either } from "effect"
import { prepareTaskData, type TaskData } from "./TaskData.js"

/** What a scenario will do, counted before it runs (model calls and tokens are estimates). */
export interface PlannedWork {
  /** repeat × task × method. */
  readonly cohorts: number
  /** Agents spawned over the run: every cohort has its own teachers and students. */
  readonly agents: number
  /** Rounds per cohort, round 0 (measurement before any lesson) included. */
  readonly rounds: number
  readonly modelCalls: number
  /** Prompt plus completion tokens, from the data's example lengths at about 4 characters per token. */
  readonly tokens: number
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

/** One line: `4 cohorts, 12 agents, 5 rounds each, ~2.1k model calls, ~310k tokens (estimated)`. */
export const formatPlannedWork = (plan: PlannedWork): string =>
  `${plural(plan.cohorts, "cohort")}, ${plural(plan.agents, "agent")}, ` +
  `${plan.rounds} rounds each, ~${compact(plan.modelCalls)} model calls, ~${compact(plan.tokens)} tokens (estimated)`

/** Tokens of a rendered example, at about 4 characters per token, from up to 50 of the task's items. */
const exampleTokens = (data: TaskData): number => {
  const items = [...data.train.slice(0, 25), ...data.test.slice(0, 25)]
  if (items.length === 0) return 30
  return Math.max(1, items.reduce((sum, item) => sum + data.task.render(item).length, 0) / items.length / 4)
}

/** How many examples a teacher's ranking and a voter's context hold (Teacher.ts: VOTING_CONTEXT). */
const VOTING_CONTEXT = 8

/**
 * Calls and tokens of one cohort: every student answers every test item after every round (round 0 too); in
 * rounds 1.. the method's teachers generate and score; with a canary every student scores it and its
 * alternatives once at the end. Mirrors Teacher.ts and StudentActor.ts closely enough to size a run.
 */
const cohortWork = (loaded: LoadedScenario, data: TaskData, method: MethodConfig) => {
  const { scenario } = loaded
  const teachers = scenario.teachers.count
  const students = scenario.students.count
  const sizes = [0, ...scenario.rounds]
  const example = exampleTokens(data)
  const answer = data.task.maxAnswerTokens ?? 32
  let calls = 0
  let tokens = 0
  const add = (n: number, each: number) => {
    calls += n
    tokens += n * each
  }
  sizes.forEach((size, round) => {
    add(students * data.test.length, (size + 1) * example + answer)
    if (round === 0) return
    const grow = size - sizes[round - 1]!
    switch (method.strategy) {
      case "synthetic-examples":
      case "adversarial-examples": {
        // Per student: each teacher generates `samples` at once, then scores each sample against its context.
        add(students * teachers, method.nGen * example + method.samples * example)
        add(students * teachers * method.samples, (method.nGen + 1) * example)
        if (method.aggregator === "voting")
          add(students * teachers * teachers * method.topK, (VOTING_CONTEXT + 1) * example)
        break
      }
      case "original-examples":
        if (method.aggregator === "voting") add(students * teachers * grow, (VOTING_CONTEXT + 1) * example)
        break
      case "instruction":
        add(students, method.examples * example + method.maxTokens)
        break
      default:
        break
    }
  })
  if (scenario.canary !== undefined) add(students * scenario.canary.candidates, (sizes.at(-1)! + 1) * example)
  return { calls, tokens }
}

/** The plan of a scenario whose task data is prepared. */
export const plannedWork = (loaded: LoadedScenario, tasks: ReadonlyArray<TaskData>): PlannedWork => {
  const { scenario } = loaded
  const cohorts = scenario.repeats * tasks.length * scenario.methods.length
  let modelCalls = 0
  let tokens = 0
  for (const data of tasks)
    for (const method of scenario.methods) {
      const work = cohortWork(loaded, data, method)
      modelCalls += work.calls * scenario.repeats
      tokens += work.tokens * scenario.repeats
    }
  return {
    cohorts,
    agents: cohorts * (scenario.teachers.count + scenario.students.count),
    rounds: scenario.rounds.length + 1,
    modelCalls,
    tokens,
  }
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
  options: { readonly seed?: number | undefined } = {},
): Effect.Effect<{ readonly tasks: ReadonlyArray<TaskData>; readonly plan: PlannedWork }, ScenarioError> =>
  Effect.gen(function* () {
    const seed = options.seed ?? loaded.scenario.seed
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
    return { tasks, plan: plannedWork(loaded, tasks) }
  })
