import {
  cannotScore,
  distinctNames,
  type Finding,
  rawField as field,
  rawList as list,
  unknownModelRefs,
  type VariantCount,
} from "@lyceum/scenario"
import { COALITION } from "./EnsembleConfig.js"

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
    if (confidence === "margin")
      proposers.forEach((proposer, p) => {
        const why = cannotScore(raw, field(proposer, "model"), "its")
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
