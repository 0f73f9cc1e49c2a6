import { parseScenarioWith } from "@lyceum/scenario"
import { prepareTaskData, type TaskData } from "@lyceum/tasks"
import { Effect, Either } from "effect"
import type { PopulationScenario } from "../../src/config/PopulationConfig.js"
import { populationSchema } from "../../src/config/PopulationSchema.js"

/** A population scenario's YAML: `fields` replace or add top-level lines of a small cultural one. */
export const populationYaml = (fields: Readonly<Record<string, string>> = {}) => {
  const base: Record<string, string> = {
    name: "pop",
    kind: "population",
    seed: "15",
    repeats: "2",
    models: "{ sim: { provider: sim } }",
    tasks: "[{ kind: cultural, cultures: [japan, kenya, india], probeKinds: [cloze] }]",
    agents: "10",
    shardSize: "5",
    model: "sim",
    topology: "{ kind: ring, degree: 2 }",
    seeds: "{ count: 2 }",
    memory: "{ capacity: 4, eviction: oldest }",
    rounds: "3",
    canary: "{ kind: code, candidates: 5 }",
    methods:
      "[{ name: filter-on, strategy: original-examples, privacy: { verbatim: flag, secrets: drop } }, { name: filter-off, strategy: original-examples, privacy: { verbatim: flag, secrets: flag } }]",
    ...fields,
  }
  return Object.entries(base)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")
}

/** Problems the real loader finds in a population scenario (schema and cross checks), as `path: message`. */
export const problemsOf = (yaml: string): ReadonlyArray<string> => {
  const parsed = parseScenarioWith([populationSchema])("test.yaml", yaml)
  return Either.isLeft(parsed) ? parsed.left.problems.map((p) => `${p.path}: ${p.message}`) : []
}

/** A population scenario through the real loader; `fields` as in `populationYaml`. */
export const scenarioOf = (fields: Readonly<Record<string, string>> = {}): PopulationScenario => {
  const parsed = parseScenarioWith([populationSchema])("test.yaml", populationYaml(fields))
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right.scenario as unknown as PopulationScenario
}

export const taskDataOf = (scenario: PopulationScenario): TaskData =>
  Effect.runSync(prepareTaskData(scenario.tasks[0]!, "test.yaml", scenario.seed))
