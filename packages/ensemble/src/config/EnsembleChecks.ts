import {
  cannotScore,
  distinctNames,
  type Finding,
  rawField as field,
  rawList as list,
  type ScenarioBase,
  unknownModelRefs,
  type VariantCount,
} from "@lyceum/scenario"
import type { TaskData } from "@lyceum/tasks"
import { labelSet } from "../Pool.js"
import { COALITION, type EnsembleScenario, MAX_NEIGHBOURS } from "./EnsembleConfig.js"

/**
 * What the ensemble's Schema cannot express: declared models, distinct agent names, and what each aggregator
 * needs (a model, a model that scores, held-out items). Reads the raw document, like the base checks.
 */
export const ensembleChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = []
  const problem = (key: ReadonlyArray<PropertyKey>, message: string) => problems.push({ key, message })
  const proposers = list(field(raw, "proposers"))
  const proposerNamed = distinctNames("proposers")
  proposers.forEach((proposer, i) => {
    problems.push(...unknownModelRefs(raw, [["proposers", i, "model"]]))
    const name = field(proposer, "name")
    if (typeof name !== "string") return
    problems.push(...proposerNamed(i, name))
    if (name === COALITION)
      problem(
        ["proposers", i, "name"],
        `"${COALITION}" names the coalition's own answer in the tables; choose another name`,
      )
    if (/^(judge|fuser|aggregator|verifier)-\d+$/.test(name))
      problem(["proposers", i, "name"], `"${name}" is the id of an aggregator's agent; choose another name`)
  })
  const holdout = field(raw, "holdout") ?? 0
  const aggregatorNamed = distinctNames("aggregators")
  list(field(raw, "aggregators")).forEach((aggregator, i) => {
    const kind = field(aggregator, "kind")
    const model = field(aggregator, "model")
    problems.push(...aggregatorNamed(i, field(aggregator, "name") ?? kind))
    if (model !== undefined) problems.push(...unknownModelRefs(raw, [["aggregators", i, "model"]]))
    if ((kind === "weighted-vote" || kind === "route") && !(typeof holdout === "number" && holdout > 0))
      problem(
        ["aggregators", i, "kind"],
        `${kind} learns from held-out items of the training pool: set holdout (e.g. holdout: 40)`,
      )
    const neighbours = field(aggregator, "neighbours") ?? 5
    // Within the Schema's range (beyond it, its own problem is reported).
    if (kind === "route" && typeof holdout === "number" && holdout > 0 && typeof neighbours === "number")
      if (neighbours > holdout && neighbours <= MAX_NEIGHBOURS)
        problem(
          ["aggregators", i, "neighbours"],
          `route's ${neighbours} neighbours are held-out items, but holdout is ${holdout}: lower neighbours or raise holdout`,
        )
    if (kind === "judge") {
      const why = cannotScore(raw, model, "its")
      if (why !== undefined)
        problem(
          ["aggregators", i, "model"],
          `the judge compares candidates by scoring them, but ${why}; give it a model that scores (sim, or openai with score: completions)`,
        )
    }
    if (kind !== "cascade") return
    const confidence = field(aggregator, "confidence") ?? "margin"
    if (confidence === "judge") {
      if (model === undefined)
        problem(
          ["aggregators", i, "model"],
          "confidence: judge asks a model whether each answer is right: name it under model",
        )
      const why = cannotScore(raw, model, "its")
      if (why !== undefined)
        problem(
          ["aggregators", i, "model"],
          `confidence: judge reads the judge's probability of "yes", but ${why}`,
        )
    } else if (model !== undefined) {
      problem(
        ["aggregators", i, "model"],
        `confidence: ${confidence} uses no model of its own; remove model or use confidence: judge`,
      )
    }
    // Every margin scores labels at least; where a task has no fixed labels it teacher-forces the answer
    // itself, which only the data tells (`ensembleDataChecks`).
    if (confidence === "margin")
      proposers.forEach((proposer, p) => {
        const why = cannotScore(raw, field(proposer, "model"), "its", "labels")
        if (why !== undefined)
          problem(
            ["proposers", p, "model"],
            `confidence: margin (aggregators[${i}]) scores each proposer's answers, but ${why}; use confidence: agreement`,
          )
      })
  })
  return problems
}

/** Variants the raw document declares (a cascade counts one per threshold), for the cohort limit. */
export const ensembleVariantCount = (raw: unknown): VariantCount | undefined => {
  const count = list(field(raw, "aggregators")).reduce<number>((sum, aggregator) => {
    const thresholds = field(aggregator, "thresholds")
    return (
      sum +
      (field(aggregator, "kind") === "cascade" && Array.isArray(thresholds)
        ? Math.max(1, thresholds.length)
        : 1)
    )
  }, 0)
  return count === 0 ? undefined : { label: "variants (aggregators, one per cascade threshold)", count }
}

/**
 * The coalition's training pool of each task must hold the held-out items and, beside them, every proposer's
 * examples (the pool would otherwise be cut silently: all of it held out leaves proposers without examples).
 */
export const ensembleDataChecks = (
  base: ScenarioBase,
  tasks: ReadonlyArray<Pick<TaskData, "train" | "task">>,
): Array<Finding> => {
  const scenario = base as EnsembleScenario
  return [...poolChecks(scenario, tasks), ...unlabelledMarginChecks(scenario, tasks)]
}

/** A holdout or proposer shots larger than a task's training pool. */
const poolChecks = (
  scenario: EnsembleScenario,
  tasks: ReadonlyArray<Pick<TaskData, "train" | "task">>,
): Array<Finding> =>
  tasks.flatMap((data, t): Array<Finding> => {
    const pool = data.train.length
    const where = `task ${data.task.name} (tasks[${t}]) has ${pool} training items`
    if (scenario.holdout > pool)
      return [
        {
          key: ["holdout"],
          message: `holdout ${scenario.holdout} is more than the pool: ${where}; hold out fewer items (or use a larger dataset)`,
        },
      ]
    const left = pool - scenario.holdout
    return scenario.proposers.flatMap((proposer, i) =>
      proposer.shots > left
        ? [
            {
              key: ["proposers", i, "shots"],
              message:
                `proposer "${proposer.name}" asks for ${proposer.shots} examples, but ${where}` +
                `${scenario.holdout > 0 ? ` and holdout keeps ${scenario.holdout} out of prompts` : ""}: ` +
                `at most ${left}; lower shots${scenario.holdout > 0 ? " or holdout" : ""}`,
            },
          ]
        : [],
    )
  })

/**
 * A margin cascade on a task without a fixed label set (cloze words, arithmetic solutions) scores each answer
 * by teacher-forcing it, which a proposer's model declared `score: chat` cannot do (labels it can score, by
 * top_logprobs). The decoded scenario's models are read as the raw ones are (same fields).
 */
const unlabelledMarginChecks = (
  scenario: EnsembleScenario,
  tasks: ReadonlyArray<Pick<TaskData, "train" | "task">>,
): Array<Finding> => {
  const margins = scenario.aggregators.flatMap((aggregator, i) =>
    aggregator.kind === "cascade" && aggregator.confidence === "margin" ? [i] : [],
  )
  if (margins.length === 0) return []
  return tasks.flatMap((data, t) =>
    labelSet(data.train).length > 0
      ? []
      : scenario.proposers.flatMap((proposer, p): Array<Finding> => {
          const why = cannotScore(scenario, proposer.model, "its", "teacher-forcing")
          return why === undefined
            ? []
            : [
                {
                  key: ["proposers", p, "model"],
                  message:
                    `confidence: margin (aggregators[${margins[0]}]) scores each answer of task ${data.task.name} ` +
                    `(tasks[${t}]), which has no fixed label set, by teacher-forcing it, but ${why}; use ` +
                    "confidence: agreement, or a model that teacher-forces (sim, or openai with score: completions)",
                },
              ]
        }),
  )
}
