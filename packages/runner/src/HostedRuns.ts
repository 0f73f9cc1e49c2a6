import type { AnyKind, CohortSpec } from "@lyceum/coalition"
import { findKind } from "@lyceum/kinds"
import type { Metering, ModelRegistry } from "@lyceum/models"
import { type LoadedScenario, parseScenarioWith } from "@lyceum/scenario"
import { prepareTaskData, type TaskData } from "@lyceum/tasks"
import { type Context, Effect, Either, Exit, Layer, Scope } from "effect"
import { runModelsLayer } from "./RunModels.js"
import type { CohortKey } from "./WorkerProtocol.js"

/** What a worker keeps for a run it plays a part of: the scenario, its models and metering, its task data. */
export interface HostedRun {
  readonly loaded: LoadedScenario
  readonly kind: AnyKind
  readonly scope: Scope.CloseableScope
  readonly models: Context.Context<ModelRegistry | Metering>
  readonly data: Map<number, TaskData>
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
      const scope = yield* Scope.make()
      const models = yield* Layer.buildWithScope(
        runModelsLayer(loaded, key.seed, key.spent, key.scores),
        scope,
      ).pipe(Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))))
      // Two cohorts of a new run set up at once: the first one stored wins, the other's scope is closed.
      const raced = runs.get(key.runId)
      if (raced !== undefined) {
        yield* Scope.close(scope, Exit.void)
        return raced
      }
      const run: HostedRun = { loaded, kind, scope, models, data: new Map() }
      runs.set(key.runId, run)
      return run
    })

  const dataFor = (run: HostedRun, key: CohortKey) =>
    Effect.gen(function* () {
      const prepared = run.data.get(key.task)
      if (prepared !== undefined) return prepared
      const task = run.loaded.scenario.tasks[key.task]
      if (task === undefined)
        return yield* Effect.fail(`its copy of the scenario has no task number ${key.task + 1}`)
      const data = yield* prepareTaskData(task, run.loaded.file, key.seed)
      run.data.set(key.task, data)
      return data
    })

  /**
   * The cohort `key` names, derived as the coordinator derives it (the run, its task's data, the variant's label):
   * the same spec, so the same agents and seeds.
   */
  const cohortFor = (key: CohortKey) =>
    Effect.gen(function* () {
      const run = yield* runFor(key)
      const data = yield* dataFor(run, key)
      const { scenario } = run.loaded
      const method = run.kind.variants(scenario)[key.variant]
      if (method === undefined)
        return yield* Effect.fail(
          `its copy of the scenario has no ${run.kind.name} variant number ${key.variant + 1}`,
        )
      const spec = {
        runId: key.runId,
        seed: key.seed,
        scenario,
        data,
        variant: key.variant,
        id: { repeat: key.repeat, task: data.task.name, method },
        scenarioFile: key.scenarioFile,
      } satisfies CohortSpec<typeof scenario>
      return { run, spec }
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
