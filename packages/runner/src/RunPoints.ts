import type { AnyKind } from "@lyceum/coalition"
import { pointMethod } from "@lyceum/core"
import {
  type LoadedScenario,
  lineOfField,
  type ScenarioBase,
  ScenarioError,
  type ScenarioPoint,
  scenarioPoints,
} from "@lyceum/scenario"
import type { AgentRow, ItemLabelRow, SweepPointRow } from "@lyceum/store"
import { prepareTaskData, type TaskConfig, type TaskData, type TaskDataError } from "@lyceum/tasks"
import { Effect } from "effect"

/**
 * A run's points as every process derives them from the scenario text (a scenario without `sweep:` is its one
 * point): each with its scenario, its variants' cohort methods (`<variant>@p<k>`), and where its variants start
 * in the run's list of (point, variant) pairs. That list's index is what crosses the wire as a cohort's
 * `variant` (`CohortKey`, work units), so coordinator, workers and queue name a cohort by the same numbers.
 */
export interface RunPoint extends ScenarioPoint {
  /** The methods of this point's cohorts, in the kind's variant order. */
  readonly methods: ReadonlyArray<string>
  /** The run-wide variant index of this point's first variant. */
  readonly offset: number
}

export interface RunPoints {
  readonly points: ReadonlyArray<RunPoint>
  /** Steps of every cohort: the same at every point. */
  readonly steps: number
}

/**
 * The points of `loaded` for `kind`. Every point must have the same number of steps (rounds): a run's cohorts
 * are counted, resumed and reported with one; and the same openai endpoints: the run probes them once, with the
 * first point's models. A sweep that changes either fails here, at the sweep's line.
 */
export const runPoints = (kind: AnyKind, loaded: LoadedScenario): Effect.Effect<RunPoints, ScenarioError> =>
  Effect.gen(function* () {
    let offset = 0
    const points = scenarioPoints(loaded).map((p) => {
      const methods = kind.variants(p.scenario).map((variant) => pointMethod(variant, p.point))
      const point = { ...p, methods, offset }
      offset += methods.length
      return point
    })
    const steps = kind.steps(points[0]!.scenario)
    const other = points.find((p) => kind.steps(p.scenario) !== steps)
    if (other !== undefined)
      return yield* sweepError(
        loaded,
        `point ${other.point} (${other.label}) has ${kind.steps(other.scenario)} steps, point 0 has ${steps}: ` +
          "every point of a sweep plays the same number of steps (rounds); sweep the others in separate runs",
      )
    const endpoint = points.flatMap((p) => {
      const changed = changedEndpoint(points[0]!.scenario, p.scenario)
      return changed === undefined ? [] : [{ point: p, model: changed }]
    })[0]
    if (endpoint !== undefined)
      return yield* sweepError(
        loaded,
        `point ${endpoint.point.point} (${endpoint.point.label}) changes the endpoint of the openai model ` +
          `"${endpoint.model}" (${ENDPOINT_FIELDS.join(", ")}): a run probes each endpoint once, before it starts, ` +
          "with the first point's models; sweep endpoints in separate runs",
      )
    return { points, steps }
  })

/** What makes an openai model another endpoint: what the run's capability probe (first point only) depends on. */
const ENDPOINT_FIELDS = ["provider", "preset", "baseURL", "model", "score", "apiKeyEnv"] as const

/** The first openai model whose endpoint `other` declares differently from `first` (or adds), if any. */
const changedEndpoint = (first: ScenarioBase, other: ScenarioBase): string | undefined =>
  Object.entries(other.models).find(([name, config]) => {
    const before = first.models[name] as Record<string, unknown> | undefined
    if (config.provider !== "openai" && before?.provider !== "openai") return false
    return ENDPOINT_FIELDS.some(
      (f) => JSON.stringify((config as Record<string, unknown>)[f]) !== JSON.stringify(before?.[f]),
    )
  })?.[0]

/** A problem with the sweep as a whole, at the line of its first field. */
const sweepError = (loaded: LoadedScenario, message: string) => {
  const fields = Object.keys(loaded.sweep?.config.fields ?? {})
  const line = lineOfField(loaded.text, ["sweep", "fields", fields[0] ?? ""])
  return new ScenarioError({
    file: loaded.file,
    problems: [{ path: "sweep.fields", ...(line !== undefined && { line }), message }],
  })
}

/** The point and its own variant index behind a run-wide variant index, or undefined past the last. */
export const pointOfVariant = (
  points: ReadonlyArray<RunPoint>,
  variant: number,
): { readonly point: RunPoint; readonly variant: number } | undefined => {
  const point = points.find((p) => variant >= p.offset && variant < p.offset + p.methods.length)
  return point === undefined ? undefined : { point, variant: variant - point.offset }
}

/**
 * Each point's task data, prepared once per distinct task config (points that sweep something else share
 * it), `prepared` (point 0's, from preflight) used where it fits.
 */
export const preparePointTasks = (
  points: ReadonlyArray<{ readonly scenario: ScenarioBase }>,
  file: string,
  seed: number,
  prepared?: ReadonlyArray<TaskData>,
): Effect.Effect<ReadonlyArray<ReadonlyArray<TaskData>>, TaskDataError> => {
  const known = new Map<string, TaskData>()
  const first = points[0]?.scenario.tasks ?? []
  if (prepared !== undefined && prepared.length === first.length)
    for (const [i, task] of first.entries()) known.set(JSON.stringify(task), prepared[i]!)
  const data = (task: TaskConfig) =>
    Effect.suspend(() => {
      const key = JSON.stringify(task)
      const have = known.get(key)
      return have !== undefined
        ? Effect.succeed(have)
        : Effect.tap(prepareTaskData(task, file, seed), (d) => Effect.sync(() => known.set(key, d)))
    })
  return Effect.forEach(points, (p) => Effect.forEach(p.scenario.tasks, data))
}

/**
 * The run's agents for the `agents` table: every point's, once per agent id (the first point's row: agents of
 * the same id at other points differ only by what the sweep changed).
 */
export const pointAgents = <A extends Pick<AgentRow, "agentId">>(
  perPoint: ReadonlyArray<ReadonlyArray<A>>,
): ReadonlyArray<A> => {
  if (perPoint.length === 1) return perPoint[0]!
  const seen = new Map<string, A>()
  for (const agents of perPoint) for (const a of agents) if (!seen.has(a.agentId)) seen.set(a.agentId, a)
  return [...seen.values()]
}

/** A sweep's points as `sweep_points` stores them (none without a sweep). */
export const sweepPointRows = (loaded: LoadedScenario): ReadonlyArray<SweepPointRow> =>
  (loaded.sweep?.points ?? []).map((p) => ({ point: p.index, label: p.label, values: p.values }))

/** The item labels of every point's tasks (`item_labels`), once per task and item. */
export const itemLabelRows = (runId: string, pointTasks: ReadonlyArray<ReadonlyArray<TaskData>>) => {
  const rows = new Map<string, ItemLabelRow>()
  for (const tasks of pointTasks)
    for (const data of tasks)
      for (const label of data.labels ?? []) {
        const key = `${data.task.name}\u0000${label.itemId}`
        if (!rows.has(key)) rows.set(key, { runId, task: data.task.name, ...label })
      }
  return [...rows.values()]
}
