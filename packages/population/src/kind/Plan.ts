import { exampleTokens, type KindPlan, modelText, runWork, workTally } from "@lyceum/coalition"
import type { TaskData } from "@lyceum/tasks"
import { holdingsOf } from "../agents/Holdings.js"
import { agentId } from "../agents/Shard.js"
import type { PopulationMethod, PopulationScenario } from "../config/PopulationConfig.js"

/**
 * Calls and tokens of one cohort: per round every learner asks its neighbours (synthetic lessons generate
 * `samples` at once and score each; verbatim ones call nothing; `lowest-scored` memories score each lesson
 * taken), and every round (round 0 too) the panel answers its items and, with a canary, scores the candidates after the last round.
 */
const cohortWork = (scenario: PopulationScenario, data: TaskData, method: PopulationMethod) => {
  const example = exampleTokens(data)
  const { add, total } = workTally()
  const lessons = scenario.agents * scenario.learning.fraction * scenario.learning.neighbours
  const held = scenario.memory.capacity
  const panel = Math.min(scenario.evaluate.agents, scenario.agents)
  const items = Math.min(scenario.evaluate.items, data.test.length)
  for (let round = 0; round <= scenario.rounds; round++) {
    const context = Math.min(round, held) * example
    if (round > 0) {
      if (method.strategy === "synthetic-examples") {
        add(lessons, method.nGen * example + method.samples * example)
        add(lessons * method.samples, (method.nGen + 1) * example)
      }
      if (scenario.memory.eviction === "lowest-scored") add(lessons, example)
    }
    add(panel * items, context + example + (data.task.maxAnswerTokens ?? 32))
    if (scenario.canary !== undefined && data.canaryItem !== undefined && round === scenario.rounds)
      add(panel * scenario.canary.candidates, context + example)
  }
  return total()
}

export const plan = (scenario: PopulationScenario, tasks: ReadonlyArray<TaskData>): KindPlan => {
  const { modelCalls, tokens } = runWork(tasks, scenario.methods, scenario.repeats, (data, method) =>
    cohortWork(scenario, data, method),
  )
  return { agentsPerCohort: scenario.agents, modelCalls, tokens }
}

/**
 * The `agents` table: one row per agent (`agent-0` …), seeds with the size of their share as in the first
 * task's first repeat. A million rows is about 40 MB in SQLite, written once per run.
 */
export const agentRows = (scenario: PopulationScenario, tasks: ReadonlyArray<TaskData>) => {
  const first = tasks[0]!
  const holdings = holdingsOf({
    scenario,
    data: first,
    seed: scenario.seed,
    id: { repeat: 0, task: first.task.name, method: "" },
  })
  const seedSizes = new Map(holdings.seeds.map((agent) => [agent, holdings.privateItems(agent).length]))
  const model = modelText(scenario.model)
  const examples = scenario.private.examples
  return Array.from({ length: scenario.agents }, (_, agent) => {
    const size = seedSizes.get(agent)
    return {
      agentId: agentId(agent),
      role: size === undefined ? "agent" : "seed",
      model,
      dataSize: size ?? (examples > 0 ? examples : null),
    }
  })
}
