import { type CohortId, meteringPrefix } from "@lyceum/coalition"
import { type UsageSnapshot, usageSince } from "@lyceum/models"
import type { ModelUsageRow } from "@lyceum/store"

/**
 * The calls each of the cohort's agents made during this step, with their retries, timeouts and faults: the
 * difference of two cumulative snapshots. A row with only failures (no call reached the model) is kept.
 */
export const usageRows = (
  runId: string,
  id: CohortId,
  step: number,
  before: UsageSnapshot,
  after: UsageSnapshot,
): Array<ModelUsageRow> => {
  const prefix = meteringPrefix(id)
  // One lookup per row, not a scan of the earlier snapshot for each: with thousands of agents in a run the
  // scan made every step's usage quadratic in the agents.
  const earlier = new Map(
    before.rows.filter((b) => b.agent.startsWith(prefix)).map((b) => [`${b.model}\u0000${b.agent}`, b]),
  )
  return after.rows.flatMap((row) => {
    if (!row.agent.startsWith(prefix)) return []
    const prior = earlier.get(`${row.model}\u0000${row.agent}`)
    const used = usageSince(row, prior)
    if (used.calls === 0 && used.errors === 0 && used.retries === 0) return []
    return [
      {
        runId,
        repeat: id.repeat,
        round: step,
        task: id.task,
        method: id.method,
        agentId: row.agent.slice(prefix.length),
        model: row.model,
        calls: used.calls,
        promptTokens: used.promptTokens,
        completionTokens: used.completionTokens,
        costUsd: used.costUsd,
        retries: used.retries,
        timeouts: used.timeouts,
        errors: used.errors,
        rateLimitWaits: used.rateLimitWaits,
        rateLimitWaitMs: used.rateLimitWaitMs,
        estimatedCalls: used.estimatedCalls,
        faults: used.faults,
      },
    ]
  })
}

/** What some `model_usage` rows add up to: calls, prompt and completion tokens, dollars. */
export const usageTotals = (rows: ReadonlyArray<ModelUsageRow>) => {
  const totals = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 }
  for (const r of rows) {
    totals.calls += r.calls
    totals.promptTokens += r.promptTokens
    totals.completionTokens += r.completionTokens
    totals.costUsd += r.costUsd ?? 0
  }
  return totals
}
