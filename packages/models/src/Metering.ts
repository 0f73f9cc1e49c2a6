import { Cause, Context, Effect, Exit, FiberRef, Layer, Option } from "effect"
import { globalValue } from "effect/GlobalValue"
import { observeCall, recordCall } from "./CallTelemetry.js"
import type { LabelScoreRequest, LanguageModel, TokenUsage } from "./LanguageModel.js"
import type { ModelPrices } from "./ModelConfig.js"
import { BudgetExceeded, type ModelError } from "./ModelError.js"
import {
  addInto,
  compareStrings,
  emptyUsage,
  type FaultKind,
  faultKindOf,
  type MutableFaults,
  type MutableUsage,
  type Usage,
  type UsageSnapshot,
} from "./Usage.js"

export {
  emptyUsage,
  FallbackRow,
  FaultCount,
  FaultKind,
  faultKindOf,
  mergeUsageSnapshots,
  Usage,
  UsageRow,
  UsageSnapshot,
  usageSince,
} from "./Usage.js"

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
  readonly metered: (
    model: LanguageModel,
    agent: string,
    prices?: ModelPrices,
    /** The model's provider (sim, openai, zero), for its spans. */
    provider?: string,
  ) => LanguageModel
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
  /** Requests the call sent beyond its first (samples asked for one by one); each counts as a call. */
  extraRequests: number
  /** Requests whose token usage the provider counted itself because the endpoint reported none. */
  estimatedRequests: number
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

/**
 * For providers: the call in progress sends one more request of its own (not a retry), e.g. one sample of
 * several where the endpoint ignores `n`; metering counts it as a call.
 */
export const reportExtraRequest: Effect.Effect<void> = withCallEvents((events) => {
  events.extraRequests += 1
})

/**
 * For providers: one request of the call in progress came back without token usage, so its tokens were
 * counted with a tokenizer; metering counts it under `estimatedCalls`.
 */
export const reportEstimatedUsage: Effect.Effect<void> = withCallEvents((events) => {
  events.estimatedRequests += 1
})

/** For the response cache: the call in progress was answered from the cache, so it is no model call. */
export const reportCacheHit: Effect.Effect<void> = withCallEvents((events) => {
  events.cacheHit = true
})

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

/** A replay-mode cache miss never reached the model, so it is an error but not a call. */
const isReplayMiss = (cause: Cause.Cause<ModelError>): boolean =>
  Option.exists(Cause.failureOption(cause), (error) => error._tag === "ReplayMiss")

/** What one call cost in US dollars under `prices` (0 without prices): how `cost_usd` is counted. */
export const costOf = (usage: TokenUsage, prices: ModelPrices | undefined): number =>
  prices === undefined
    ? 0
    : (usage.promptTokens * prices.promptPerMTok + usage.completionTokens * prices.completionPerMTok) /
      1_000_000

/** Why `budget` is spent by `total`, in words for the user; undefined while some of it is left. */
export const budgetExhaustion = (
  total: Pick<Usage, "promptTokens" | "completionTokens" | "costUsd">,
  budget: RunBudget | undefined,
): string | undefined => {
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
    provider: string | undefined,
    call: Effect.Effect<A, ModelError>,
  ): Effect.Effect<A, ModelError> =>
    Effect.suspend(() => {
      const spent = exhaustion()
      if (spent !== undefined) return Effect.fail(new BudgetExceeded({ message: spent }))
      const events: CallEvents = {
        retried: [],
        rateLimitWaits: 0,
        rateLimitWaitMs: 0,
        cacheHit: false,
        extraRequests: 0,
        estimatedRequests: 0,
      }
      // Inside its span when telemetry is on (model, tokens, cached, retries, error), and in the metrics.
      return observeCall(model, provider, agent, (observer) =>
        call.pipe(
          Effect.locally(currentCallEvents, events),
          Effect.onExit((exit) =>
            Effect.sync(() => {
              if (events.cacheHit && Exit.isSuccess(exit)) {
                const hit = { ...emptyUsage(), cacheHits: 1 }
                record(model, agent, hit)
                if (observer !== undefined) recordCall(model, observer, hit, undefined)
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
              const delta: Usage = {
                calls: replayMiss ? 0 : 1 + events.extraRequests,
                errors: failed === undefined ? 0 : 1,
                cacheHits: 0,
                fallbacks: 0,
                promptTokens: usage.promptTokens,
                completionTokens: usage.completionTokens,
                // Only a call that succeeded adds its (estimated) tokens, so only such a call counts here.
                estimatedCalls: Exit.isSuccess(exit) ? events.estimatedRequests : 0,
                retries: events.retried.length,
                timeouts: faults.timeout?.attempts ?? 0,
                rateLimitWaits: events.rateLimitWaits,
                rateLimitWaitMs: events.rateLimitWaitMs,
                costUsd: costOf(usage, prices),
                faults,
              }
              record(model, agent, delta)
              if (observer !== undefined) recordCall(model, observer, delta, failed)
            }),
          ),
        ),
      )
    })

  return {
    metered: (model, agent, prices, provider) => ({
      name: model.name,
      capabilities: model.capabilities,
      generate: (request) => meter(model.name, agent, prices, provider, model.generate(request)),
      score: (request) => meter(model.name, agent, prices, provider, model.score(request)),
      // One label-scoring request is one call; a model without its own way teacher-forces through `score`.
      ...(model.scoreLabels !== undefined && {
        scoreLabels: (request: LabelScoreRequest) =>
          meter(model.name, agent, prices, provider, model.scoreLabels!(request)),
      }),
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
