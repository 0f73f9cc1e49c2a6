import * as path from "node:path"
import { type ActorRef, ActorSystem } from "@lyceum/actors"
import { type CohortSpec, cohortAddresses, cohortLabel, type Hosted, meteringLabel } from "@lyceum/coalition"
import { deriveSeed, makeRng } from "@lyceum/core"
import { ModelRegistry } from "@lyceum/models"
import { Effect } from "effect"
import { cohortSeed, holdingsOf, sampleDistinct } from "../agents/Holdings.js"
import { ShardProtocol } from "../agents/Protocol.js"
import { shardActor } from "../agents/ShardActor.js"
import type { PopulationScenario } from "../config/PopulationConfig.js"
import { hopDistances, loadGraph } from "../topology/index.js"

/** A population cohort: a task played with one method in one repeat. */
export type PopulationCohort = CohortSpec<PopulationScenario>

export const shardCount = (scenario: PopulationScenario) => Math.ceil(scenario.agents / scenario.shardSize)
export const shardId = (shard: number) => `shard-${shard}`
export const shardOf = (scenario: PopulationScenario, agent: number) => Math.floor(agent / scenario.shardSize)

/** Every shard: what one process hosts without workers. */
export const allShards = (spec: PopulationCohort): Hosted => ({
  shard: Array.from({ length: shardCount(spec.scenario) }, (_, i) => i),
})

const methodOf = (spec: PopulationCohort) => spec.scenario.methods[spec.variant]!

/**
 * Spawns the `hosted` shards on the actor system in context. Each shard's model is metered as the shard
 * (`model_usage` has a row per shard, not per agent: a million agents would be a million rows per round).
 */
export const spawnShards = (spec: PopulationCohort, hosted: Hosted) =>
  Effect.gen(function* () {
    const { scenario, data } = spec
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const address = cohortAddresses(spec)
    const holdings = holdingsOf(spec)
    const method = methodOf(spec)
    yield* Effect.forEach(hosted.shard ?? [], (shard) =>
      Effect.gen(function* () {
        const name = shardId(shard)
        const model = yield* registry.forAgent(scenario.model, meteringLabel(spec.id, name), {
          repeat: spec.id.repeat,
        })
        const first = shard * scenario.shardSize
        yield* system.spawn(
          address("shard", name),
          shardActor(
            {
              scenario,
              task: data.task,
              seed: spec.seed,
              id: spec.id,
              method,
              privacy: method.privacy ?? scenario.privacy,
              keepDroppedText: scenario.privacy.keepDroppedText,
              holdings,
              first,
              size: Math.min(scenario.shardSize, scenario.agents - first),
              model,
            },
            `${cohortLabel(spec.id)}/${name}`,
          ),
        )
      }),
    )
  })

/** The coordinator's view of a cohort: its network, every agent's hop from the seeds, the panel, the shards. */
export interface OpenPopulation {
  readonly spec: PopulationCohort
  readonly graph: Effect.Effect.Success<ReturnType<typeof loadGraph>>
  readonly hops: Int32Array
  readonly holdings: ReturnType<typeof holdingsOf>
  /** Agents evaluated every round (a fixed panel, ascending) and the test items they answer. */
  readonly panel: ReadonlyArray<number>
  readonly panelSet: ReadonlySet<number>
  readonly items: ReadonlyArray<PopulationCohort["data"]["test"][number]>
  readonly shards: ReadonlyArray<ActorRef<typeof ShardProtocol.Type>>
}

export const openPopulation = (spec: PopulationCohort) =>
  Effect.gen(function* () {
    const { scenario, data } = spec
    const system = yield* ActorSystem
    const address = cohortAddresses(spec)
    // The same network for every method of a repeat: filter on and off are compared on one population.
    const graph = yield* loadGraph(
      scenario.topology,
      scenario.agents,
      deriveSeed(spec.seed, "network", data.task.name, spec.id.repeat),
      spec.scenarioFile === undefined ? process.cwd() : path.dirname(spec.scenarioFile),
    )
    const holdings = holdingsOf(spec)
    const hops = hopDistances(graph, holdings.seeds)
    const panelRng = makeRng(deriveSeed(spec.seed, "panel", data.task.name, spec.id.repeat))
    const panel = sampleDistinct(scenario.agents, scenario.evaluate.agents, panelRng)
    const items = sampleDistinct(data.test.length, scenario.evaluate.items, panelRng).map(
      (i) => data.test[i]!,
    )
    const shards = Array.from({ length: shardCount(scenario) }, (_, s) =>
      system.refFor(address("shard", shardId(s)), ShardProtocol),
    )
    return {
      spec,
      graph,
      hops,
      holdings,
      panel,
      panelSet: new Set(panel),
      items,
      shards,
    } satisfies OpenPopulation
  })

/** The stream a round's random choices (who learns from whom) are drawn from. */
export const roundSeed = (spec: PopulationCohort, round: number) =>
  cohortSeed(spec.seed, spec.id, "learn", round)
