import { queryRows } from "@lyceum/report"
import type { Store, StoreError } from "@lyceum/store"
import { type Effect, Schema } from "effect"

/**
 * The population kind's stored results as its report reads them: the views of migration 0012
 * (`population_diffusion`, `population_by_hop`), decoded with Schemas, for one run, ordered by task, method
 * (by name: the report sorts methods into the scenario's order), then round or hop.
 */

const Measured = Schema.NullOr(Schema.Number)

/** One cohort (repeat, task, method) at one round, every hop together (`population_diffusion`). */
export const DiffusionRow = Schema.Struct({
  repeat: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  round: Schema.Int,
  agents: Schema.Int,
  knowers: Schema.Int,
  share: Schema.Number,
  /** The farthest hop holding a knower; null while nobody knows. */
  reach: Schema.NullOr(Schema.Int),
  /** Null when the run has no canary. */
  canary_share: Measured,
  canary_reach: Schema.NullOr(Schema.Int),
  evaluated: Schema.Int,
  /** Null when nobody was evaluated that round. */
  accuracy: Measured,
  canary_rank: Measured,
})
export type DiffusionRow = typeof DiffusionRow.Type

export const diffusionRows = (runId: string): Effect.Effect<ReadonlyArray<DiffusionRow>, StoreError, Store> =>
  queryRows(
    DiffusionRow,
    "the diffusion curve (view population_diffusion)",
    `SELECT repeat, task, method, round, agents, knowers, share, reach, canary_share, canary_reach, evaluated,
       accuracy, canary_rank
     FROM population_diffusion WHERE run_id = ? ORDER BY task, method, round, repeat`,
    [runId],
  )

/** One hop of one task and method at the method's last round, over repeats (`population_by_hop`). */
export const HopRow = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  round: Schema.Int,
  hop: Schema.Int,
  repeats: Schema.Int,
  agents: Schema.Number,
  seed_facts_mean: Schema.Number,
  knower_share: Schema.Number,
  canary_share: Measured,
  evaluated: Schema.Int,
  accuracy: Measured,
  accuracy_sem: Measured,
  canary_rank: Measured,
})
export type HopRow = typeof HopRow.Type

/**
 * The hops of each task and method at its last round (the highest round any repeat stored), unreachable
 * agents (hop -1) last.
 */
export const lastRoundHopRows = (runId: string): Effect.Effect<ReadonlyArray<HopRow>, StoreError, Store> =>
  queryRows(
    HopRow,
    "the last round per hop (view population_by_hop)",
    `SELECT h.task, h.method, h.round, h.hop, h.repeats, h.agents, h.seed_facts_mean, h.knower_share,
       h.canary_share, h.evaluated, h.accuracy, h.accuracy_sem, h.canary_rank
     FROM population_by_hop h
     WHERE h.run_id = ? AND h.round = (SELECT MAX(round) FROM population_rounds r
       WHERE r.run_id = h.run_id AND r.task = h.task AND r.method = h.method)
     ORDER BY h.task, h.method, h.hop = -1, h.hop`,
    [runId],
  )
