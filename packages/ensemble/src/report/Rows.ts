import { queryRows } from "@lyceum/report"
import type { Store, StoreError } from "@lyceum/store"
import { Effect, Schema } from "effect"
import { runOrder, sortedBy } from "./RunOrder.js"

/**
 * The ensemble kind's stored results as its report reads them: the views of migration 0008 (`ensemble_summary`,
 * `cascade_deferral`, `ensemble_frontier`) and the per-item scores of `evaluations`, decoded with Schemas.
 * Every read is for one run and ordered: by task, then methods and proposers in the scenario's order.
 */

/** Rows of a run in the scenario's order of their methods (stable: the query's order within a method). */
const byMethod = <A extends { readonly task: string; readonly method: string }>(
  runId: string,
  rows: Effect.Effect<ReadonlyArray<A>, StoreError, Store>,
) =>
  Effect.zipWith(rows, runOrder(runId), (rows, order) =>
    sortedBy<A>(
      (r) => order.method(r.method),
      (r) => r.method,
    )(rows),
  )

const Real = Schema.Number
const Measured = Schema.NullOr(Schema.Number)

/** One cohort (repeat, task, method) of `ensemble_summary`. */
export const SummaryRow = Schema.Struct({
  repeat: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  items: Schema.Int,
  accuracy: Real,
  oracle: Real,
  /** Null when the cohort stored no proposer scores. */
  best_single: Measured,
  best_agent: Schema.NullOr(Schema.String),
  mean_proposer: Measured,
  calls_per_item: Real,
  tokens_per_item: Real,
  cost_per_item: Real,
  /** Null unless a judge compared pairs. */
  flip_rate: Measured,
})
export type SummaryRow = typeof SummaryRow.Type

export const summaryRows = (runId: string): Effect.Effect<ReadonlyArray<SummaryRow>, StoreError, Store> =>
  byMethod(
    runId,
    queryRows(
      SummaryRow,
      "the ensemble summary (view ensemble_summary)",
      `SELECT repeat, task, method, items, accuracy, oracle, best_single, best_agent, mean_proposer,
       calls_per_item, tokens_per_item, cost_per_item, flip_rate
     FROM ensemble_summary WHERE run_id = ? ORDER BY task, method, repeat`,
      [runId],
    ),
  )

/**
 * One item's score for the coalition and for its cohort's best single proposer (the summary's `best_agent`),
 * for the paired test: only items both were graded on.
 */
export const MatchedItem = Schema.Struct({
  repeat: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  item_id: Schema.String,
  coalition: Real,
  best: Real,
})
export type MatchedItem = typeof MatchedItem.Type

export const matchedItems = (runId: string): Effect.Effect<ReadonlyArray<MatchedItem>, StoreError, Store> =>
  queryRows(
    MatchedItem,
    "the coalition's and the best proposer's scores per item (evaluations)",
    `SELECT c.repeat, c.task, c.method, c.item_id, c.score AS coalition, p.score AS best
     FROM ensemble_summary s
     JOIN evaluations c ON c.run_id = s.run_id AND c.repeat = s.repeat AND c.task = s.task
       AND c.method = s.method AND c.student = 'coalition' AND c.metric = 'accuracy'
     JOIN evaluations p ON p.run_id = c.run_id AND p.repeat = c.repeat AND p.task = c.task
       AND p.method = c.method AND p.student = s.best_agent AND p.metric = c.metric AND p.item_id = c.item_id
     WHERE s.run_id = ? ORDER BY c.task, c.method, c.repeat, c.item_id`,
    [runId],
  )

/** One proposer's accuracy in one repeat of a task, over every cohort (method) it answered in. */
export const ProposerRow = Schema.Struct({
  task: Schema.String,
  agent: Schema.String,
  /** The agent's model, from `agents` (null when the agent has no row there). */
  model: Schema.NullOr(Schema.String),
  repeat: Schema.Int,
  accuracy: Real,
  items: Schema.Int,
})
export type ProposerRow = typeof ProposerRow.Type

export const proposerRows = (runId: string): Effect.Effect<ReadonlyArray<ProposerRow>, StoreError, Store> =>
  Effect.zipWith(
    queryRows(
      ProposerRow,
      "the proposers' scores (evaluations)",
      `SELECT e.task, e.student AS agent, a.model, e.repeat, AVG(e.score) AS accuracy, COUNT(*) AS items
     FROM evaluations e LEFT JOIN agents a ON a.run_id = e.run_id AND a.agent_id = e.student
     WHERE e.run_id = ? AND e.student <> 'coalition' AND e.metric = 'accuracy'
     GROUP BY e.task, e.student, e.repeat ORDER BY e.task, e.student, e.repeat`,
      [runId],
    ),
    runOrder(runId),
    (rows, order) =>
      sortedBy<ProposerRow>(
        (r) => order.proposer(r.agent),
        (r) => r.agent,
      )(rows),
  )

/** One cascade stage of one cohort (`cascade_deferral`), with the agent that answered there. */
export const DeferralRow = Schema.Struct({
  repeat: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  stage: Schema.Int,
  agent: Schema.String,
  reached: Schema.Int,
  deferred: Schema.Int,
  deferral_rate: Real,
})
export type DeferralRow = typeof DeferralRow.Type

export const deferralRows = (runId: string): Effect.Effect<ReadonlyArray<DeferralRow>, StoreError, Store> =>
  byMethod(
    runId,
    queryRows(
      DeferralRow,
      "the cascade's deferral per stage (view cascade_deferral)",
      `SELECT d.repeat, d.task, d.method, d.stage,
       (SELECT group_concat(agent, '/') FROM (SELECT DISTINCT agent FROM ensemble_stages g
          WHERE g.run_id = d.run_id AND g.repeat = d.repeat AND g.task = d.task AND g.method = d.method
            AND g.stage = d.stage ORDER BY agent)) AS agent,
       d.reached, d.deferred, d.deferral_rate
     FROM cascade_deferral d WHERE d.run_id = ? ORDER BY d.task, d.method, d.stage, d.repeat`,
      [runId],
    ),
  )

/** One accuracy-cost point (`ensemble_frontier`): a task and method, means over repeats. */
export const FrontierRow = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  repeats: Schema.Int,
  accuracy: Real,
  accuracy_sem: Measured,
  cost_per_item: Real,
  tokens_per_item: Real,
})
export type FrontierRow = typeof FrontierRow.Type

export const frontierRows = (runId: string): Effect.Effect<ReadonlyArray<FrontierRow>, StoreError, Store> =>
  byMethod(
    runId,
    queryRows(
      FrontierRow,
      "the accuracy-cost points (view ensemble_frontier)",
      `SELECT task, method, repeats, accuracy, accuracy_sem, cost_per_item, tokens_per_item
     FROM ensemble_frontier WHERE run_id = ? ORDER BY task, method`,
      [runId],
    ),
  )
