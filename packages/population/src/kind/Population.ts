import type { CoalitionKind } from "@lyceum/coalition"
import { Clock, Effect } from "effect"
import { agentId } from "../agents/Shard.js"
import { methodLabel, type PopulationScenario } from "../config/PopulationConfig.js"
import { populationSchema } from "../config/PopulationSchema.js"
import { populationReport } from "../report/index.js"
import { allShards, openPopulation, spawnShards } from "./Cohort.js"
import { agentRows, plan } from "./Plan.js"
import { playPopulationRound } from "./Round.js"
import { roundRows } from "./Rows.js"

/**
 * Social learning in a population (issue 15): N agents on a seeded network, each round every agent (or a
 * sampled share) asks k neighbours for a lesson, each written from the neighbour's own examples and memory
 * through its own privacy filter. A cohort's steps are its rounds (round 0 measures before any lesson).
 * Agents live in shards (one actor per `shardSize` agents), which workers host whole.
 */
export const population: CoalitionKind<PopulationScenario> = {
  ...populationSchema,
  summary:
    "N agents on a network learn from and teach their neighbours; knowledge and secrets diffuse hop by hop",
  roles: ["shard"],
  agentId: (_scenario, role, index) => (role === "shard" ? `shard-${index}` : agentId(index)),
  variants: (scenario) => scenario.methods.map(methodLabel),
  steps: (scenario) => scenario.rounds + 1,
  agents: agentRows,
  plan,
  hosts: allShards,
  spawn: spawnShards,
  open: (spec) =>
    Effect.gen(function* () {
      const open = yield* openPopulation(spec)
      return {
        play: (round, context) =>
          Effect.gen(function* () {
            const outcome = yield* playPopulationRound(open, round, context)
            const now = new Date(yield* Clock.currentTimeMillis).toISOString()
            return roundRows(open, round, outcome, now)
          }),
      }
    }),
  report: populationReport,
}
