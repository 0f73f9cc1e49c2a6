import { ActorSystem, LocalTransport } from "@lyceum/actors"
import { type StepResult, unwatchedStep } from "@lyceum/coalition"
import type { LanguageModel } from "@lyceum/models"
import { Metering, ModelRegistry } from "@lyceum/models"
import { parseScenarioWith } from "@lyceum/scenario"
import { prepareTaskData, type TaskData } from "@lyceum/tasks"
import { Effect, Either, Layer } from "effect"
import { type EnsembleScenario, ensembleSchema } from "../src/config/index.js"
import { ensemble } from "../src/kind/Ensemble.js"

/** A scenario of the ensemble kind from YAML, through the real loader (schema and cross checks). */
export const scenarioOf = (yaml: string): EnsembleScenario => {
  const parsed = parseScenarioWith([ensembleSchema])("test.yaml", yaml)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right.scenario as EnsembleScenario
}

export const problemsOf = (yaml: string): ReadonlyArray<string> => {
  const parsed = parseScenarioWith([ensembleSchema])("test.yaml", yaml)
  return Either.isLeft(parsed) ? parsed.left.problems.map((p) => `${p.path ?? ""}: ${p.message}`) : []
}

export const taskDataOf = (scenario: EnsembleScenario): TaskData =>
  Effect.runSync(prepareTaskData(scenario.tasks[0]!, "test.yaml", scenario.seed))

/**
 * Plays one cohort (variant `variant`, repeat 0) the way the runner does: spawn every agent on an actor system
 * over the local transport, open the coordinator's side, play step 0. `override` replaces a model by name.
 */
export const playCohort = (
  scenario: EnsembleScenario,
  variant: number,
  options: {
    readonly data?: TaskData
    readonly override?: Readonly<Record<string, LanguageModel>>
    readonly repeat?: number
  } = {},
): Promise<StepResult> => {
  const data = options.data ?? taskDataOf(scenario)
  const spec = {
    runId: "run-1",
    seed: scenario.seed,
    scenario,
    data,
    variant,
    id: { repeat: options.repeat ?? 0, task: data.task.name, method: ensemble.variants(scenario)[variant]! },
  }
  const program = Effect.gen(function* () {
    yield* ensemble.spawn(spec, ensemble.hosts(spec))
    const cohort = yield* ensemble.open(spec)
    return yield* cohort.play(0, unwatchedStep)
  })
  const registry = Layer.effect(
    ModelRegistry,
    Effect.map(ModelRegistry.make({ models: scenario.models, seed: scenario.seed }), (registry) => {
      const override = options.override ?? {}
      return {
        ...registry,
        forAgent: (name, agent, o) => {
          const first = typeof name === "string" ? name : name[0]
          const replaced = override[first]
          return replaced === undefined ? registry.forAgent(name, agent, o) : Effect.succeed(replaced)
        },
      }
    }),
  )
  const layer = Layer.mergeAll(
    ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer())),
    registry.pipe(Layer.provide(Metering.layer())),
  )
  return Effect.runPromise(
    Effect.scoped(program.pipe(Effect.provide(layer))) as Effect.Effect<StepResult, unknown>,
  )
}

/** The rows of one kind table of a step. */
export const tableRows = (step: StepResult, table: string) =>
  step.rows.kindRows?.find((t) => t.table === table)?.rows ?? []

/** The coalition's and each proposer's answers by item. */
export const answersBy = (step: StepResult, student: string) =>
  new Map((step.rows.evaluations ?? []).filter((e) => e.student === student).map((e) => [e.itemId, e]))
