import { type CoalitionKind, firstModel } from "@lyceum/coalition"
import { modelPrices } from "@lyceum/models"
import { Clock, Effect } from "effect"
import { storedProposerContext } from "../agents/Prompts.js"
import { type EnsembleScenario, variantsOf } from "../config/EnsembleConfig.js"
import { ensembleSchema } from "../config/EnsembleSchema.js"
import { ensembleReport } from "../report/index.js"
import { agentRefs, allAgents, poolOf, spawnEnsemble, variantOf } from "./Cohort.js"
import { agentRows, plan } from "./Plan.js"
import { play, tieSeedFor } from "./Play.js"
import { stepRows } from "./Rows.js"

/** Roles of the ensemble's agents; aggregating agents are `<role>-<aggregator position>` (`judge-3`). */
const ROLES = ["proposer", "judge", "fuser", "aggregator", "verifier"] as const

/**
 * Ensembles and cascades: proposer agents, each with its own model, instruction and private in-context
 * examples, answer every test item; an aggregator (a variant) makes the coalition's answer from theirs. A
 * cohort has one step. Answers shown to other agents pass their proposer's privacy filter.
 */
export const ensemble: CoalitionKind<EnsembleScenario> = {
  ...ensembleSchema,
  summary:
    "proposers answer every item; a vote, judge, fuser, mixture of agents, cascade or router combines them",
  roles: ROLES,
  // Proposers are named in the scenario; without it they are counted (`proposer-1`), as in log lines.
  agentId: (scenario, role, index) =>
    role === "proposer"
      ? (scenario.proposers[index]?.name ?? `proposer-${index + 1}`)
      : `${role}-${index + 1}`,
  variants: (scenario) => variantsOf(scenario).map((v) => v.label),
  steps: () => 1,
  agents: (scenario) => agentRows(scenario),
  plan,
  hosts: allAgents,
  spawn: spawnEnsemble,
  open: (spec) =>
    Effect.gen(function* () {
      const refs = yield* agentRefs(spec)
      const pool = poolOf(spec)
      const { scenario, data } = spec
      const variant = variantOf(spec)
      const names = scenario.proposers.map((p) => p.name)
      // The cascade's order: a proposer's prices per million prompt + completion tokens (a chain: its first).
      const prices = scenario.proposers.map((p) => {
        const config = scenario.models[firstModel(p.model)]
        const prices = config === undefined ? undefined : modelPrices(config)
        return prices === undefined ? undefined : prices.promptPerMTok + prices.completionPerMTok
      })
      return {
        play: () =>
          Effect.gen(function* () {
            const outcome = yield* play({
              task: data.task,
              items: data.test,
              holdout: pool.holdout,
              labels: pool.labels,
              names,
              prices,
              proposers: refs.proposers,
              aggregator: refs.aggregator,
              variant,
              tieSeed: tieSeedFor(spec.seed, data.task.name, spec.id.repeat),
            })
            const now = new Date(yield* Clock.currentTimeMillis).toISOString()
            return stepRows(
              {
                runId: spec.runId,
                id: spec.id,
                task: data.task,
                items: data.test,
                names,
                shots: pool.shots.map((s) => s.length),
                now,
                keepDroppedText: scenario.privacy.keepDroppedText,
                contexts: scenario.proposers.map((proposer, p) =>
                  storedProposerContext(
                    data.task,
                    { instruction: proposer.instruction, shots: pool.shots[p]! },
                    scenario.privacy.keepDroppedText,
                  ),
                ),
              },
              outcome,
            )
          }),
      }
    }),
  report: ensembleReport,
}
