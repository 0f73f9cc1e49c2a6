import { queryRows } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { type Decoded, paging } from "./Params.js"
import { UsageItem, UsageTotals } from "./Wire.js"

/**
 * `GET /api/runs/:id/usage`: the run's model calls, tokens and cost in total and a page of per-agent rows, in
 * the order of the `model_usage` primary key (run_id, repeat, task, method, round, agent_id, model).
 */

export const usageQuery = { ...paging }

export const usageSql = {
  totals: `SELECT COALESCE(SUM(calls), 0) AS calls, COALESCE(SUM(prompt_tokens), 0) AS promptTokens,
    COALESCE(SUM(completion_tokens), 0) AS completionTokens, SUM(cost_usd) AS costUsd, COUNT(*) AS total
    FROM model_usage WHERE run_id = ?`,
  rows: `SELECT repeat, round, task, method, agent_id AS agent, model, calls, prompt_tokens AS promptTokens,
    completion_tokens AS completionTokens, cost_usd AS costUsd FROM model_usage WHERE run_id = ?
    ORDER BY repeat, task, method, round, agent_id, model LIMIT ? OFFSET ?`,
}

export const listUsage = (runId: string, query: Decoded<typeof usageQuery>) =>
  Effect.gen(function* () {
    const [totals] = yield* queryRows(
      Schema.extend(UsageTotals, Schema.Struct({ total: Schema.Number })),
      `the usage of run ${runId}`,
      usageSql.totals,
      [runId],
    )
    const rows = yield* queryRows(UsageItem, `the usage of run ${runId}`, usageSql.rows, [
      runId,
      query.limit ?? 50,
      query.offset ?? 0,
    ])
    const { total, ...sums } = totals ?? {
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: null,
      total: 0,
    }
    return { totals: sums, total, rows }
  })
