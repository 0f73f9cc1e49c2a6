import { Cause, Context, Effect, Exit, FiberRef, Layer, Option, Schema } from "effect"
import { globalValue } from "effect/GlobalValue"
import type { LanguageModel, TokenUsage } from "./LanguageModel.js"
import type { ModelPrices } from "./ModelConfig.js"
import { BudgetExceeded, type ModelError } from "./ModelError.js"

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

/** A limit on the whole run; once reached, further calls fail with `BudgetExceeded`. */
export interface RunBudget {
  /** Prompt plus completion tokens over all models. */
  readonly maxTokens?: number
  /** US dollars over all models, from their declared prices. */
  readonly maxCostUsd?: number
}

export interface MeteringOptions {
  readonly budget?: RunBudget
}

export interface MeteringService {
  /**
   * `model` as seen by `agent`: every call is counted under (model name, agent), priced with `prices`, and
   * refused with `BudgetExceeded` — before anything is sent — once the run budget is spent. Calls already in
   * flight when the budget runs out still complete, so a run can overshoot by at most its concurrency.
   */
  readonly metered: (model: LanguageModel, agent: string, prices?: ModelPrices) => LanguageModel
  /** Records that `agent`'s call to `from` failed after its retries and was handed to `to`. */
  readonly recordFallback: (fallback: {
    readonly agent: string
    readonly from: string
    readonly to: string
  }) => Effect.Effect<void>
  /** A consistent copy of the counters, for progress lines and the `model_usage` table. */
  readonly snapshot: Effect.Effect<UsageSnapshot>
}

/** Counts model calls, tokens, retries, rate-limit waits, errors and cost, and enforces the run budget. */
export class Metering extends Context.Tag("@lyceum/models/Metering")<Metering, MeteringService>() {
  static readonly make = (options: MeteringOptions = {}): Effect.Effect<MeteringService> =>
    Effect.sync(() => makeMetering(options))

  static readonly layer = (options: MeteringOptions = {}): Layer.Layer<Metering> =>
    Layer.effect(Metering, Metering.make(options))
}

/** What a provider reports about the call in progress; see `reportRetry` and `reportRateLimitWait`. */
interface CallEvents {
  /** The kind of each failed attempt that was repeated, in order. */
  readonly retried: Array<FaultKind>
  rateLimitWaits: number
  rateLimitWaitMs: number
  cacheHit: boolean
}

/**
 * The events of the metered call the current fiber is part of. A provider deep inside a call (its retry
 * schedule, its endpoint limiter) reports here without knowing who meters it; outside a metered call the
 * reports are dropped.
 */
const currentCallEvents = globalValue(Symbol.for("@lyceum/models/Metering/currentCallEvents"), () =>
  FiberRef.unsafeMake<CallEvents | undefined>(undefined),
)

const withCallEvents = (f: (events: CallEvents) => void): Effect.Effect<void> =>
  Effect.map(FiberRef.get(currentCallEvents), (events) => {
    if (events !== undefined) f(events)
  })

/** For providers: an attempt failed with `error` and will be repeated after `delayMs`. */
export const reportRetry = (options: { readonly delayMs: number; readonly error: ModelError }) =>
  withCallEvents((events) => {
    events.retried.push(faultKindOf(options.error))
    if (options.error._tag === "RateLimited") {
      events.rateLimitWaits += 1
      events.rateLimitWaitMs += options.delayMs
    }
  })

/** For providers: the call waited `waitedMs` for its endpoint's limiter before it was sent. */
export const reportRateLimitWait = (waitedMs: number) =>
  withCallEvents((events) => {
    events.rateLimitWaits += 1
    events.rateLimitWaitMs += waitedMs
  })

/** For the response cache: the call in progress was answered from the cache, so it is no model call. */
export const reportCacheHit: Effect.Effect<void> = withCallEvents((events) => {
  events.cacheHit = true
})

type MutableUsage = { -readonly [K in keyof Usage]: Usage[K] }
type MutableFaults = { -readonly [K in FaultKind]?: { attempts: number; errors: number } }

const emptyUsage = (): MutableUsage => ({
  calls: 0,
  errors: 0,
  cacheHits: 0,
  fallbacks: 0,
  promptTokens: 0,
  completionTokens: 0,
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

const addInto = (target: MutableUsage, source: Usage): void => {
  target.calls += source.calls
  target.errors += source.errors
  target.cacheHits += source.cacheHits
  target.fallbacks += source.fallbacks
  target.promptTokens += source.promptTokens
  target.completionTokens += source.completionTokens
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
        retries: after.retries - before.retries,
        timeouts: after.timeouts - before.timeouts,
        rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits,
        rateLimitWaitMs: after.rateLimitWaitMs - before.rateLimitWaitMs,
        costUsd: after.costUsd - before.costUsd,
        faults: combineFaults(after.faults, before.faults, -1),
      }

/** The fault a failed call ended with: its `ModelError`'s kind, or `other` for a defect. */
const finalFault = (cause: Cause.Cause<ModelError>): FaultKind =>
  Option.match(Cause.failureOption(cause), { onNone: () => "other", onSome: faultKindOf })

/** The faults of one call: each retried attempt, and the failure that ended it (if any). */
const callFaults = (retried: ReadonlyArray<FaultKind>, failed: FaultKind | undefined): Usage["faults"] => {
  const out: MutableFaults = {}
  for (const kind of retried) {
    const count = out[kind] ?? { attempts: 0, errors: 0 }
    count.attempts += 1
    out[kind] = count
  }
  if (failed !== undefined) {
    const count = out[failed] ?? { attempts: 0, errors: 0 }
    count.attempts += 1
    count.errors += 1
    out[failed] = count
  }
  return out
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A replay-mode cache miss never reached the model, so it is an error but not a call. */
const isReplayMiss = (cause: Cause.Cause<ModelError>): boolean =>
  Option.exists(Cause.failureOption(cause), (error) => error._tag === "ReplayMiss")

const costOf = (usage: TokenUsage, prices: ModelPrices | undefined): number =>
  prices === undefined
    ? 0
    : (usage.promptTokens * prices.promptPerMTok + usage.completionTokens * prices.completionPerMTok) /
      1_000_000

/** Why `budget` is spent by `total`, in words for the user; undefined while some of it is left. */
export const budgetExhaustion = (total: Usage, budget: RunBudget | undefined): string | undefined => {
  if (budget === undefined) return undefined
  const tokens = total.promptTokens + total.completionTokens
  if (budget.maxTokens !== undefined && tokens >= budget.maxTokens) {
    return `The run's token budget is spent: ${tokens} of ${budget.maxTokens} tokens used; no further model calls are made.`
  }
  if (budget.maxCostUsd !== undefined && total.costUsd >= budget.maxCostUsd) {
    return `The run's cost budget is spent: $${total.costUsd.toFixed(4)} of $${budget.maxCostUsd} used; no further model calls are made.`
  }
  return undefined
}

const makeMetering = (options: MeteringOptions): MeteringService => {
  const budget = options.budget
  const rows = new Map<
    string,
    { readonly model: string; readonly agent: string; readonly usage: MutableUsage }
  >()
  const total = emptyUsage()
  const fallbacks = new Map<string, { agent: string; from: string; to: string; count: number }>()

  const rowFor = (model: string, agent: string): MutableUsage => {
    const key = `${model}\u0000${agent}`
    let row = rows.get(key)
    if (row === undefined) {
      row = { model, agent, usage: emptyUsage() }
      rows.set(key, row)
    }
    return row.usage
  }

  const exhaustion = (): string | undefined => budgetExhaustion(total, budget)

  const record = (model: string, agent: string, delta: Usage): void => {
    addInto(rowFor(model, agent), delta)
    addInto(total, delta)
  }

  const meter = <A extends { readonly usage: TokenUsage }>(
    model: string,
    agent: string,
    prices: ModelPrices | undefined,
    call: Effect.Effect<A, ModelError>,
  ): Effect.Effect<A, ModelError> =>
    Effect.suspend(() => {
      const spent = exhaustion()
      if (spent !== undefined) return Effect.fail(new BudgetExceeded({ message: spent }))
      const events: CallEvents = { retried: [], rateLimitWaits: 0, rateLimitWaitMs: 0, cacheHit: false }
      return call.pipe(
        Effect.locally(currentCallEvents, events),
        Effect.onExit((exit) =>
          Effect.sync(() => {
            if (events.cacheHit && Exit.isSuccess(exit)) {
              record(model, agent, { ...emptyUsage(), cacheHits: 1 })
              return
            }
            const usage = Exit.isSuccess(exit) ? exit.value.usage : { promptTokens: 0, completionTokens: 0 }
            const replayMiss = Exit.isFailure(exit) && isReplayMiss(exit.cause)
            // An interrupted call (its caller gave up) is not the model's error.
            const failed =
              Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
                ? finalFault(exit.cause)
                : undefined
            const faults = callFaults(events.retried, failed)
            record(model, agent, {
              calls: replayMiss ? 0 : 1,
              errors: failed === undefined ? 0 : 1,
              cacheHits: 0,
              fallbacks: 0,
              promptTokens: usage.promptTokens,
              completionTokens: usage.completionTokens,
              retries: events.retried.length,
              timeouts: faults.timeout?.attempts ?? 0,
              rateLimitWaits: events.rateLimitWaits,
              rateLimitWaitMs: events.rateLimitWaitMs,
              costUsd: costOf(usage, prices),
              faults,
            })
          }),
        ),
      )
    })

  return {
    metered: (model, agent, prices) => ({
      name: model.name,
      capabilities: model.capabilities,
      generate: (request) => meter(model.name, agent, prices, model.generate(request)),
      score: (request) => meter(model.name, agent, prices, model.score(request)),
    }),
    recordFallback: ({ agent, from, to }) =>
      Effect.sync(() => {
        record(from, agent, { ...emptyUsage(), fallbacks: 1 })
        const key = `${agent}\u0000${from}\u0000${to}`
        const row = fallbacks.get(key) ?? { agent, from, to, count: 0 }
        row.count += 1
        fallbacks.set(key, row)
      }),
    snapshot: Effect.sync(() => {
      const sorted = [...rows.values()].sort((a, b) =>
        a.model === b.model
          ? a.agent < b.agent
            ? -1
            : a.agent > b.agent
              ? 1
              : 0
          : a.model < b.model
            ? -1
            : 1,
      )
      const byModel: Record<string, MutableUsage> = {}
      for (const row of sorted) {
        const usage = byModel[row.model] ?? emptyUsage()
        addInto(usage, row.usage)
        byModel[row.model] = usage
      }
      return {
        total: { ...total },
        byModel,
        rows: sorted.map((row) => ({ model: row.model, agent: row.agent, ...row.usage })),
        fallbacks: [...fallbacks.values()]
          .map((row) => ({ ...row }))
          .sort(
            (a, b) =>
              compareStrings(a.agent, b.agent) ||
              compareStrings(a.from, b.from) ||
              compareStrings(a.to, b.to),
          ),
        budgetExhausted: exhaustion() !== undefined,
      }
    }),
  }
}

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
