import { ActorSystem } from "@lyceum/actors"
import {
  type CohortSpec,
  cohortAddresses,
  firstModel,
  type Hosted,
  meteringLabel,
  privateDataFilter,
} from "@lyceum/coalition"
import { deriveSeed } from "@lyceum/core"
import { ModelRegistry, modelPrices } from "@lyceum/models"
import type { ModelRef } from "@lyceum/scenario"
import { Effect } from "effect"
import { aggregatorActor } from "../agents/AggregatorActor.js"
import { proposerActor } from "../agents/ProposerActor.js"
import { aggregatorAgent, type EnsembleScenario, type Variant, variantsOf } from "../config/EnsembleConfig.js"
import { type CoalitionPool, coalitionPool } from "../Pool.js"
import { AggregatorProtocol, ProposerProtocol } from "../Protocol.js"

/** A cohort of the ensemble kind: a task answered under one aggregator (one threshold of a cascade). */
export type EnsembleCohort = CohortSpec<EnsembleScenario>

export const variantOf = (spec: EnsembleCohort): Variant => variantsOf(spec.scenario)[spec.variant]!

/** The coalition's pool of this repeat: the same for every variant (paired comparisons). */
export const poolOf = (spec: EnsembleCohort): CoalitionPool =>
  coalitionPool(spec.data, spec.scenario.proposers, spec.scenario.holdout, spec.seed, spec.id.repeat)

/** Every agent of the cohort: its proposers, and the variant's aggregating agent (indexed by aggregator). */
export const allAgents = (spec: EnsembleCohort): Hosted => {
  const variant = variantOf(spec)
  const agent = aggregatorAgent(variant.aggregator, variant.index)
  return {
    proposer: spec.scenario.proposers.map((_, i) => i),
    ...(agent === undefined ? {} : { [agent.role]: [variant.index] }),
  }
}

/** A proposer's seed: per task, repeat and proposer, never per variant, so every variant sees its answers. */
const proposerSeed = (spec: EnsembleCohort, name: string) =>
  deriveSeed(spec.seed, "proposer", spec.data.task.name, spec.id.repeat, name)

/**
 * Spawns the `hosted` agents of a cohort. A proposer's filter guards its in-context examples (their inputs, so
 * a copy with another label still counts); its model's prices count each item's cost (a fallback chain is
 * priced as its first model).
 */
export const spawnEnsemble = (spec: EnsembleCohort, hosted: Hosted) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const { scenario, data } = spec
    const { repeat } = spec.id
    const pool = poolOf(spec)
    const address = cohortAddresses(spec)
    const priced = (ref: ModelRef) => Effect.map(registry.config(firstModel(ref)), modelPrices)
    yield* Effect.forEach(hosted.proposer ?? [], (i) =>
      Effect.gen(function* () {
        const proposer = scenario.proposers[i]!
        const shots = pool.shots[i]!
        yield* system.spawn(
          address("proposer", proposer.name),
          proposerActor({
            id: proposer.name,
            task: data.task,
            model: yield* registry.forAgent(proposer.model, meteringLabel(spec.id, proposer.name), {
              repeat,
            }),
            prices: yield* priced(proposer.model),
            instruction: proposer.instruction,
            shots,
            filter: privateDataFilter(scenario.privacy, { privateTexts: shots.map((item) => item.input) }),
            seed: proposerSeed(spec, proposer.name),
          }),
        )
      }),
    )
    const variant = variantOf(spec)
    const agent = aggregatorAgent(variant.aggregator, variant.index)
    if (agent !== undefined && (hosted[agent.role] ?? []).includes(variant.index)) {
      yield* system.spawn(
        address(agent.role, agent.id),
        aggregatorActor({
          id: agent.id,
          task: data.task,
          model: yield* registry.forAgent(agent.model, meteringLabel(spec.id, agent.id), { repeat }),
          prices: yield* priced(agent.model),
          seed: deriveSeed(spec.seed, agent.id, data.task.name, repeat),
        }),
      )
    }
  })

/** Refs to the cohort's agents by address, wherever they are hosted. */
export const agentRefs = (spec: EnsembleCohort) =>
  Effect.map(ActorSystem, (system) => {
    const address = cohortAddresses(spec)
    const variant = variantOf(spec)
    const agent = aggregatorAgent(variant.aggregator, variant.index)
    return {
      proposers: spec.scenario.proposers.map((p) =>
        system.refFor(address("proposer", p.name), ProposerProtocol),
      ),
      aggregator:
        agent === undefined
          ? undefined
          : { id: agent.id, ref: system.refFor(address(agent.role, agent.id), AggregatorProtocol) },
    }
  })
