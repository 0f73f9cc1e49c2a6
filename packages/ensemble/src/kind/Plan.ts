import { exampleTokens, type KindPlan, modelText, runWork, workTally } from "@lyceum/coalition"
import type { TaskData } from "@lyceum/tasks"
import { aggregatorAgent, type EnsembleScenario, type Variant, variantsOf } from "../config/EnsembleConfig.js"
import { labelSet } from "../Pool.js"

/**
 * Calls and tokens of one cohort, at most (a cascade is counted as if every item reached every stage): every
 * proposer answers every test item; then what the variant adds. Mirrors Play.ts closely enough to size a run.
 */
const cohortWork = (scenario: EnsembleScenario, data: TaskData, variant: Variant) => {
  const k = scenario.proposers.length
  const items = data.test.length
  const example = exampleTokens(data)
  const answer = data.task.maxAnswerTokens ?? 32
  const shots = scenario.proposers.reduce((sum, p) => sum + p.shots, 0) / k
  const proposerCall = (shots + 1) * example + answer
  const { add, total } = workTally()
  add(k * items, proposerCall)
  const aggregator = variant.aggregator
  switch (aggregator.kind) {
    case "weighted-vote":
    case "route":
      add(k * Math.min(scenario.holdout, data.train.length), proposerCall)
      break
    case "judge":
      // Both orders of every pair of distinct answers, two scoring calls each.
      add(items * k * (k - 1) * 2, 3 * example)
      break
    case "fuse":
      add(items, (k + 1) * example + answer)
      break
    case "moa":
      add(k * items * (aggregator.layers - 1), proposerCall + k * example)
      if (aggregator.model !== undefined) add(items, (k + 1) * example + answer)
      break
    case "cascade": {
      const labels = Math.max(1, labelSet(data.train).length)
      if (aggregator.confidence === "margin") add(k * items * labels, (shots + 1) * example)
      else if (aggregator.confidence === "agreement")
        add(k * items, (shots + 1) * example + aggregator.samples * answer)
      else add(k * items * 2, 2 * example)
      break
    }
    default:
      break
  }
  return total()
}

export const plan = (scenario: EnsembleScenario, tasks: ReadonlyArray<TaskData>): KindPlan => {
  const variants = variantsOf(scenario)
  const { modelCalls, tokens } = runWork(tasks, variants, scenario.repeats, (data, variant) =>
    cohortWork(scenario, data, variant),
  )
  const aggregators = variants.some((v) => aggregatorAgent(v.aggregator, v.index) !== undefined) ? 1 : 0
  return { agentsPerCohort: scenario.proposers.length + aggregators, modelCalls, tokens }
}

/** Every agent of the run: the proposers (data size = their shots) and each aggregator's agent. */
export const agentRows = (scenario: EnsembleScenario) => [
  ...scenario.proposers.map((p) => ({
    agentId: p.name,
    role: "proposer",
    model: modelText(p.model),
    dataSize: p.shots,
  })),
  ...scenario.aggregators.flatMap((aggregator, index) => {
    const agent = aggregatorAgent(aggregator, index)
    return agent === undefined
      ? []
      : [{ agentId: agent.id, role: agent.role, model: modelText(agent.model), dataSize: null }]
  }),
]
