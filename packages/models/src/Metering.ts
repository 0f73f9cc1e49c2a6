import { Cause, Context, Effect, Exit, FiberRef, Layer, Option } from "effect"
import { globalValue } from "effect/GlobalValue"
import type { LanguageModel, TokenUsage } from "./LanguageModel.js"
import type { ModelPrices } from "./ModelConfig.js"
import { BudgetExceeded, type ModelError } from "./ModelError.js"

/** What a set of model calls consumed. */
export interface Usage {
  /** Calls that reached the model (calls refused by the budget or answered from the cache are not counted). */
  readonly calls: number
  /** Calls that failed, after all their retries (a replay-mode cache miss counts here, not as a call). */
  readonly errors: number
  /** Requests answered from the response cache: no call, no tokens, no cost, nothing off the budget. */
  readonly cacheHits: number
  /**
   * Calls that failed after their retries and were handed to the next model of the agent's fallback chain
   * (counted on the row of the model that failed).
   */
  readonly fallbacks: number
  readonly promptTokens: number
  readonly completionTokens: number
  /** Attempts repeated after a retryable failure (rate limit, timeout, 5xx, truncated response). */
  readonly retries: number
  /** Times a call waited because of a rate limit: the endpoint's own limiter, or a 429 answer. */
  readonly rateLimitWaits: number
  /** Total time spent in those waits, in milliseconds. */
  readonly rateLimitWaitMs: number
  /** US dollars, from the prices declared for the model (0 when none are declared). */
  readonly costUsd: number
}

/** The usage of one agent's calls to one model: one row of the `model_usage` table. */
export interface UsageRow extends Usage {
  readonly model: string
  readonly agent: string
}

/** How often `agent`'s fallback chain switched from model `from` to model `to`. */
export interface FallbackRow {
  readonly agent: string
  readonly from: string
  readonly to: string
  readonly count: number
}

export interface UsageSnapshot {
  readonly total: Usage
  readonly byModel: Readonly<Record<string, Usage>>
  /** Sorted by model, then agent. */
  readonly rows: ReadonlyArray<UsageRow>
  /** Every fallback switch so far, sorted by agent, then from, then to. */
  readonly fallbacks: ReadonlyArray<FallbackRow>
  /** True once the run budget is spent: every further call fails with `BudgetExceeded`. */
  readonly budgetExhausted: boolean
}

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
  retries: number
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

/** For providers: an attempt failed and will be repeated after `delayMs`; `rateLimited` when it was a 429. */
export const reportRetry = (options: { readonly delayMs: number; readonly rateLimited: boolean }) =>
  withCallEvents((events) => {
    events.retries += 1
    if (options.rateLimited) {
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

const emptyUsage = (): MutableUsage => ({
  calls: 0,
  errors: 0,
  cacheHits: 0,
  fallbacks: 0,
  promptTokens: 0,
  completionTokens: 0,
  retries: 0,
  rateLimitWaits: 0,
  rateLimitWaitMs: 0,
  costUsd: 0,
})

const addInto = (target: MutableUsage, source: Usage): void => {
  target.calls += source.calls
  target.errors += source.errors
  target.cacheHits += source.cacheHits
  target.fallbacks += source.fallbacks
  target.promptTokens += source.promptTokens
  target.completionTokens += source.completionTokens
  target.retries += source.retries
  target.rateLimitWaits += source.rateLimitWaits
  target.rateLimitWaitMs += source.rateLimitWaitMs
  target.costUsd += source.costUsd
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
      const events: CallEvents = { retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0, cacheHit: false }
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
            record(model, agent, {
              calls: replayMiss ? 0 : 1,
              // An interrupted call (its caller gave up) is not the model's error.
              errors: Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0,
              cacheHits: 0,
              fallbacks: 0,
              promptTokens: usage.promptTokens,
              completionTokens: usage.completionTokens,
              retries: events.retries,
              rateLimitWaits: events.rateLimitWaits,
              rateLimitWaitMs: events.rateLimitWaitMs,
              costUsd: costOf(usage, prices),
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

const pick = (usage: Usage): MutableUsage => {
  const out = emptyUsage()
  addInto(out, usage)
  return out
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
