import type { AnyKind, CohortSpec } from "@lyceum/coalition"
import { findKind } from "@lyceum/kinds"
import { type Metering, ModelRegistry } from "@lyceum/models"
import { type LoadedScenario, parseScenarioWith, type ScenarioBase } from "@lyceum/scenario"
import { prepareTaskData, type TaskData } from "@lyceum/tasks"
import { Context, Effect, Either, Exit, Layer, Scope } from "effect"
import { pointRegistries, runModelsLayer } from "./RunModels.js"
import { pointOfVariant, type RunPoint, runPoints } from "./RunPoints.js"
import type { CohortKey } from "./WorkerProtocol.js"

/** What a worker keeps for a run it plays a part of: the scenario, its models and metering, its task data. */
export interface HostedRun {
  readonly loaded: LoadedScenario
  readonly kind: AnyKind
  readonly scope: Scope.CloseableScope
  /** The run's models and its one metering (point 0's models). */
  readonly models: Context.Context<ModelRegistry | Metering>
  /** A sweep's points (one without a sweep), as the coordinator derives them (`runPoints`). */
  readonly points: ReadonlyArray<RunPoint>
  /** The models each point plays with, all metered by the run's metering (`pointRegistries`). */
  readonly pointModels: ReadonlyArray<Context.Context<ModelRegistry | Metering>>
  /** Task data by task config (JSON): points that share a task share its data. */
  readonly data: Map<string, TaskData>
}

/**
 * The runs a worker process serves, each derived from the scenario text and seed a coordinator sent, exactly as
 * the coordinator derives its own: one parse, one models layer (so one metering) and one copy of each task's
 * data per run, however many of its cohorts the worker plays.
 */
export const makeHostedRuns = (known: ReadonlyArray<AnyKind>) => {
  const parse = parseScenarioWith(known)
  const runs = new Map<string, HostedRun>()

  /** The run `key` belongs to, set up on first use; fails with why, for the worker's failure message. */
  const runFor = (key: CohortKey) =>
    Effect.gen(function* () {
      const hosting = runs.get(key.runId)
      if (hosting !== undefined) return hosting
      const loaded = yield* Either.match(parse(key.scenarioFile, key.scenarioText), {
        onLeft: Effect.fail,
        onRight: Effect.succeed,
      })
      const kind = findKind(loaded.scenario.kind, known)
      if (kind === undefined) return yield* Effect.fail(`it does not know the kind ${loaded.scenario.kind}`)
      const { points } = yield* runPoints(kind, loaded)
      const scope = yield* Scope.make()
      const models = yield* Layer.buildWithScope(
        runModelsLayer(loaded, key.seed, key.spent, key.scores),
        scope,
      ).pipe(Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))))
      const registries = yield* pointRegistries(loaded, points, key.seed, key.scores).pipe(
        Effect.provide(models),
        Scope.extend(scope),
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))),
      )
      const pointModels = registries.map((registry) => Context.add(models, ModelRegistry, registry))
      // Two cohorts of a new run set up at once: the first one stored wins, the other's scope is closed.
      const raced = runs.get(key.runId)
      if (raced !== undefined) {
        yield* Scope.close(scope, Exit.void)
        return raced
      }
      const run: HostedRun = { loaded, kind, scope, models, points, pointModels, data: new Map() }
      runs.set(key.runId, run)
      return run
    })

  const dataFor = (run: HostedRun, scenario: ScenarioBase, key: CohortKey) =>
    Effect.gen(function* () {
      const task = scenario.tasks[key.task]
      if (task === undefined)
        return yield* Effect.fail(`its copy of the scenario has no task number ${key.task + 1}`)
      const config = JSON.stringify(task)
      const prepared = run.data.get(config)
      if (prepared !== undefined) return prepared
      const data = yield* prepareTaskData(task, run.loaded.file, key.seed)
      run.data.set(config, data)
      return data
    })

  /**
   * The cohort `key` names, derived as the coordinator derives it (the run, its task's data, the variant's label):
   * the same spec, so the same agents and seeds.
   */
  const cohortFor = (key: CohortKey) =>
    Effect.gen(function* () {
      const run = yield* runFor(key)
      // The run-wide variant index names a point and one of its variants (`RunPoint.offset`).
      const at = pointOfVariant(run.points, key.variant)
      if (at === undefined)
        return yield* Effect.fail(
          `its copy of the scenario has no ${run.kind.name} variant number ${key.variant + 1}`,
        )
      const { scenario } = at.point
      const data = yield* dataFor(run, scenario, key)
      const spec = {
        runId: key.runId,
        seed: key.seed,
        scenario,
        data,
        variant: at.variant,
        id: { repeat: key.repeat, task: data.task.name, method: at.point.methods[at.variant]! },
        scenarioFile: key.scenarioFile,
      } satisfies CohortSpec<typeof scenario>
      return { run, spec, models: run.pointModels[run.points.indexOf(at.point)]! }
    })

  /** Releases a run's models and data; true if the run was held. */
  const release = (runId: string) =>
    Effect.suspend(() => {
      const run = runs.get(runId)
      runs.delete(runId)
      return run === undefined ? Effect.succeed(false) : Effect.as(Scope.close(run.scope, Exit.void), true)
    })

  return { runs, runFor, dataFor, cohortFor, release }
}
