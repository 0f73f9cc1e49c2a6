import { Schema } from "effect"
import type { ModelError } from "./ModelError.js"

/**
 * What model calls consumed and how they failed, as Schemas (workers send usage to the coordinator), and the
 * arithmetic on it: adding up, differences between two readings, merging processes' snapshots.
 */

/**
 * Why a model call's attempt failed: one kind per `ModelError` (snake case of its tag), plus `other` for a
 * failure that is no `ModelError` (a defect). These are the `kind`s of the `model_faults` table.
 *
 * - `rate_limited`: the endpoint answered 429.
 * - `timeout`: no answer within the model's `timeoutMs`.
 * - `unavailable`: the endpoint answered 5xx (or 408/409), could not be reached, or the model was closed.
 * - `bad_response`: an answer that is not the OpenAI protocol, or a body cut off in transit.
 * - `unauthorized`, `context_too_long`, `score_unsupported`: refused by the endpoint; never retried.
 * - `budget_exceeded`: the run's budget ran out inside the call.
 * - `replay_miss`: the response cache is in replay mode and holds no answer (no request was sent).
 */
export const FaultKind = Schema.Literal(
  "rate_limited",
  "timeout",
  "unavailable",
  "bad_response",
  "unauthorized",
  "context_too_long",
  "score_unsupported",
  "budget_exceeded",
  "replay_miss",
  "other",
)
export type FaultKind = typeof FaultKind.Type

/** The kind of fault `error` is. */
export const faultKindOf = (error: ModelError): FaultKind => {
  switch (error._tag) {
    case "RateLimited":
      return "rate_limited"
    case "Timeout":
      return "timeout"
    case "Unavailable":
      return "unavailable"
    case "BadResponse":
      return "bad_response"
    case "Unauthorized":
      return "unauthorized"
    case "ContextTooLong":
      return "context_too_long"
    case "ScoreUnsupported":
      return "score_unsupported"
    case "BudgetExceeded":
      return "budget_exceeded"
    case "ReplayMiss":
      return "replay_miss"
  }
}

/** Failed attempts of one kind, and how many of them ended their call (the rest were retried). */
export const FaultCount = Schema.Struct({
  /** Attempts that failed with this kind, retried or not. */
  attempts: Schema.Number,
  /** Calls that failed with this kind after all their retries (counted in `Usage.errors` too). */
  errors: Schema.Number,
})
export type FaultCount = typeof FaultCount.Type

/** What a set of model calls consumed. A Schema, because workers send it to the coordinator. */
export const Usage = Schema.Struct({
  /** Calls that reached the model (calls refused by the budget or answered from the cache are not counted). */
  calls: Schema.Number,
  /** Calls that failed, after all their retries (a replay-mode cache miss counts here, not as a call). */
  errors: Schema.Number,
  /** Requests answered from the response cache: no call, no tokens, no cost, nothing off the budget. */
  cacheHits: Schema.Number,
  /**
   * Calls that failed after their retries and were handed to the next model of the agent's fallback chain
   * (counted on the row of the model that failed).
   */
  fallbacks: Schema.Number,
  promptTokens: Schema.Number,
  completionTokens: Schema.Number,
  /**
   * Calls (requests) whose endpoint reported no token usage, so their tokens were counted with a tokenizer of
   * the model's family (see the models README): `promptTokens` and `completionTokens` are partly estimates.
   */
  estimatedCalls: Schema.Number,
  /** Attempts repeated after a retryable failure (rate limit, timeout, 5xx, truncated response). */
  retries: Schema.Number,
  /** Attempts that timed out, whether they were retried or ended their call (so also in `retries` or `errors`). */
  timeouts: Schema.Number,
  /** Times a call waited because of a rate limit: the endpoint's own limiter, or a 429 answer. */
  rateLimitWaits: Schema.Number,
  /** Total time spent in those waits, in milliseconds. */
  rateLimitWaitMs: Schema.Number,
  /** US dollars, from the prices declared for the model (0 when none are declared). */
  costUsd: Schema.Number,
  /** Failed attempts by kind; a kind that never occurred is absent. */
  faults: Schema.partial(Schema.Record({ key: FaultKind, value: FaultCount })),
})
export interface Usage extends Schema.Schema.Type<typeof Usage> {}

/** The usage of one agent's calls to one model: one row of the `model_usage` table. */
export const UsageRow = Schema.Struct({ ...Usage.fields, model: Schema.String, agent: Schema.String })
export interface UsageRow extends Schema.Schema.Type<typeof UsageRow> {}

/** How often `agent`'s fallback chain switched from model `from` to model `to`. */
export const FallbackRow = Schema.Struct({
  agent: Schema.String,
  from: Schema.String,
  to: Schema.String,
  count: Schema.Number,
})
export interface FallbackRow extends Schema.Schema.Type<typeof FallbackRow> {}

/** A consistent copy of a metering's counters; workers send theirs to the coordinator in this form. */
export const UsageSnapshot = Schema.Struct({
  total: Usage,
  byModel: Schema.Record({ key: Schema.String, value: Usage }),
  /** Sorted by model, then agent. */
  rows: Schema.Array(UsageRow),
  /** Every fallback switch so far, sorted by agent, then from, then to. */
  fallbacks: Schema.Array(FallbackRow),
  /** True once the run budget is spent: every further call fails with `BudgetExceeded`. */
  budgetExhausted: Schema.Boolean,
})
export interface UsageSnapshot extends Schema.Schema.Type<typeof UsageSnapshot> {}

export type MutableUsage = { -readonly [K in keyof Usage]: Usage[K] }
export type MutableFaults = { -readonly [K in FaultKind]?: { attempts: number; errors: number } }

export const emptyUsage = (): MutableUsage => ({
  calls: 0,
  errors: 0,
  cacheHits: 0,
  fallbacks: 0,
  promptTokens: 0,
  completionTokens: 0,
  estimatedCalls: 0,
  retries: 0,
  timeouts: 0,
  rateLimitWaits: 0,
  rateLimitWaitMs: 0,
  costUsd: 0,
  faults: {},
})

const faultKinds = FaultKind.literals

/** `into` plus `sign` times `from`, kind by kind; kinds left at zero are dropped. */
const combineFaults = (into: Usage["faults"], from: Usage["faults"], sign: 1 | -1): Usage["faults"] => {
  const out: MutableFaults = {}
  for (const kind of faultKinds) {
    const attempts = (into[kind]?.attempts ?? 0) + sign * (from[kind]?.attempts ?? 0)
    const errors = (into[kind]?.errors ?? 0) + sign * (from[kind]?.errors ?? 0)
    if (attempts !== 0 || errors !== 0) out[kind] = { attempts, errors }
  }
  return out
}

export const addInto = (target: MutableUsage, source: Usage): void => {
  target.calls += source.calls
  target.errors += source.errors
  target.cacheHits += source.cacheHits
  target.fallbacks += source.fallbacks
  target.promptTokens += source.promptTokens
  target.completionTokens += source.completionTokens
  target.estimatedCalls += source.estimatedCalls
  target.retries += source.retries
  target.timeouts += source.timeouts
  target.rateLimitWaits += source.rateLimitWaits
  target.rateLimitWaitMs += source.rateLimitWaitMs
  target.costUsd += source.costUsd
  target.faults = combineFaults(target.faults, source.faults, 1)
}

/** A mutable copy of `usage`. */
const pick = (usage: Usage): MutableUsage => {
  const out = emptyUsage()
  addInto(out, usage)
  return out
}

/**
 * What was consumed between two cumulative readings of the same counters (`before` absent: from nothing);
 * the runner stores a round's usage this way.
 */
export const usageSince = (after: Usage, before: Usage | undefined): Usage =>
  before === undefined
    ? pick(after)
    : {
        calls: after.calls - before.calls,
        errors: after.errors - before.errors,
        cacheHits: after.cacheHits - before.cacheHits,
        fallbacks: after.fallbacks - before.fallbacks,
        promptTokens: after.promptTokens - before.promptTokens,
        completionTokens: after.completionTokens - before.completionTokens,
        estimatedCalls: after.estimatedCalls - before.estimatedCalls,
        retries: after.retries - before.retries,
        timeouts: after.timeouts - before.timeouts,
        rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits,
        rateLimitWaitMs: after.rateLimitWaitMs - before.rateLimitWaitMs,
        costUsd: after.costUsd - before.costUsd,
        faults: combineFaults(after.faults, before.faults, -1),
      }

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The usage of several processes of one run as one snapshot: rows of the same model and agent, totals and
 * fallback counts add up; the budget is spent if it is spent anywhere.
 */
export const mergeUsageSnapshots = (snapshots: ReadonlyArray<UsageSnapshot>): UsageSnapshot => {
  const total = emptyUsage()
  const byModel: Record<string, MutableUsage> = {}
  const rows = new Map<string, UsageRow & MutableUsage>()
  const fallbacks = new Map<string, { -readonly [K in keyof FallbackRow]: FallbackRow[K] }>()
  for (const snapshot of snapshots) {
    addInto(total, snapshot.total)
    for (const [model, usage] of Object.entries(snapshot.byModel)) {
      const into = byModel[model] ?? emptyUsage()
      addInto(into, usage)
      byModel[model] = into
    }
    for (const row of snapshot.rows) {
      const key = `${row.model}\u0000${row.agent}`
      const into = rows.get(key) ?? { model: row.model, agent: row.agent, ...emptyUsage() }
      addInto(into, row)
      rows.set(key, into)
    }
    for (const f of snapshot.fallbacks) {
      const key = `${f.agent}\u0000${f.from}\u0000${f.to}`
      const into = fallbacks.get(key) ?? { ...f, count: 0 }
      into.count += f.count
      fallbacks.set(key, into)
    }
  }
  return {
    total,
    byModel,
    rows: [...rows.values()]
      .map((row) => ({ model: row.model, agent: row.agent, ...pick(row) }))
      .sort((a, b) => compareStrings(a.model, b.model) || compareStrings(a.agent, b.agent)),
    fallbacks: [...fallbacks.values()].sort(
      (a, b) =>
        compareStrings(a.agent, b.agent) || compareStrings(a.from, b.from) || compareStrings(a.to, b.to),
    ),
    budgetExhausted: snapshots.some((s) => s.budgetExhausted),
  }
}
