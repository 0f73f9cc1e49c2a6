import * as fs from "node:fs"
import * as path from "node:path"
import {
  type Finding,
  rawField as field,
  rawList as list,
  type ScenarioBase,
  unknownModelRefs,
  type VariantCount,
} from "@lyceum/scenario"
import type { TaskData } from "@lyceum/tasks"
import { Effect, Either } from "effect"
import { parseEdgeList, topologyProblem } from "../topology/index.js"
import type { PopulationScenario } from "./PopulationConfig.js"

/** What the population's Schema cannot express: its model, seeds within the population, the topology's fit. */
export const populationChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = [...unknownModelRefs(raw, [["model"]])]
  const problem = (key: ReadonlyArray<PropertyKey>, message: string) => problems.push({ key, message })
  const agents = field(raw, "agents")
  if (typeof agents !== "number" || !Number.isInteger(agents) || agents < 2) return problems
  const seeds = field(raw, "seeds")
  const count = field(seeds, "count")
  if (typeof count === "number" && count > agents)
    problem(["seeds", "count"], `${count} seed agents in a population of ${agents}: lower seeds.count`)
  const listed = list(field(seeds, "agents"))
  listed.forEach((a, i) => {
    if (typeof a === "number" && a >= agents)
      problem(["seeds", "agents", i], `agent ${a} does not exist: agents are numbered 0 to ${agents - 1}`)
  })
  if (listed.length > 0 && typeof count === "number" && listed.length !== count)
    problem(["seeds", "agents"], `lists ${listed.length} agents but seeds.count is ${count}: make them agree`)
  if (new Set(listed).size !== listed.length) problem(["seeds", "agents"], "lists an agent twice")
  const topology = field(raw, "topology")
  if (typeof topology === "object" && topology !== null) {
    const why = topologyProblem(topology as never, agents)
    if (why !== undefined) problem(["topology"], why)
  }
  return problems
}

export const populationVariantCount = (raw: unknown): VariantCount | undefined => {
  const methods = field(raw, "methods")
  return Array.isArray(methods) ? { label: "methods", count: methods.length } : undefined
}

/**
 * What only the data can tell: seeds need data to hold, evaluation needs test items, and an edge list file
 * must exist and be well formed (read here too, so `validate` refuses it before a run starts).
 */
export const populationDataChecks = (
  base: ScenarioBase,
  tasks: ReadonlyArray<TaskData>,
  scenarioFile: string,
): Array<Finding> => {
  const scenario = base as unknown as PopulationScenario
  const problems: Array<Finding> = []
  const { topology } = scenario
  if (topology.kind === "edges") {
    const file = path.resolve(path.dirname(scenarioFile), topology.file)
    let text: string | undefined
    try {
      text = fs.readFileSync(file, "utf8")
    } catch (cause) {
      problems.push({
        key: ["topology", "file"],
        message: `cannot read the edge list ${file}: ${cause instanceof Error ? cause.message : String(cause)} (a path relative to the scenario file)`,
      })
    }
    const read =
      text === undefined
        ? undefined
        : Effect.runSync(Effect.either(parseEdgeList(file, text, scenario.agents)))
    if (read !== undefined && Either.isLeft(read))
      problems.push({ key: ["topology", "file"], message: read.left.message })
  }
  tasks.forEach((data, i) => {
    const shares = data.partition?.(scenario.seeds.count)
    if (shares !== undefined && shares.some((s) => s.length === 0))
      problems.push({
        key: ["tasks", i],
        message: `task ${data.task.name} has fewer shares than the ${scenario.seeds.count} seeds: lower seeds.count`,
      })
    if (shares === undefined && data.train.length < scenario.seeds.count)
      problems.push({
        key: ["tasks", i],
        message: `task ${data.task.name} has ${data.train.length} training examples for ${scenario.seeds.count} seeds: lower seeds.count`,
      })
    if (data.test.length === 0)
      problems.push({
        key: ["tasks", i],
        message: `task ${data.task.name} has no test items to evaluate with`,
      })
  })
  return problems
}
