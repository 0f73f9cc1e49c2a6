import { isTracingFiber } from "@lyceum/core"
import { Effect, FiberRef, Layer, Metric, MetricBoundaries, MetricLabel, type Tracer } from "effect"
import { globalValue } from "effect/GlobalValue"
import type { Usage } from "./Usage.js"

/**
 * The model-call metrics, in Effect's global metric registry; an OpenTelemetry metric reader (installed by
 * `lyceum` when OTEL_EXPORTER_OTLP_ENDPOINT is set) exports them. Each is tagged with the model's declared
 * name. Counted as metering counts (the `model_usage` table): a cache hit is no call and spends no tokens.
 */
const counter = (name: string, description: string) =>
  Metric.counter(name, { description, incremental: true })

export const ModelMetrics = {
  calls: counter("lyceum.model.calls", "model calls sent (cache hits are not calls)"),
  promptTokens: counter("lyceum.model.tokens.prompt", "prompt tokens of model calls"),
  completionTokens: counter("lyceum.model.tokens.completion", "completion tokens of model calls"),
  costUsd: counter("lyceum.model.cost_usd", "US dollars of model calls, from the scenario's declared prices"),
  cacheHits: counter("lyceum.model.cache_hits", "model calls answered from the response cache"),
  errors: counter("lyceum.model.errors", "model calls that failed after their retries"),
  latencyMs: Metric.histogram(
    "lyceum.model.call.duration_ms",
    MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
    "wall time of one model call, retries and rate-limit waits included, in milliseconds",
  ),
}

/**
 * Whether the model metrics are updated: off by default (nobody reads them), on where a metric reader exports
 * them (`lyceum` with OTLP metrics, `modelMetricsLayer`), whether or not spans are exported too.
 */
export const currentModelMetrics: FiberRef.FiberRef<boolean> = globalValue(
  Symbol.for("@lyceum/models/currentModelMetrics"),
  () => FiberRef.unsafeMake(false),
)

/** Model metrics on for everything the layer is provided to. */
export const modelMetricsLayer: Layer.Layer<never> = Layer.scopedDiscard(
  Effect.locallyScoped(currentModelMetrics, true),
)

/** How one model call is observed: its span (when a tracer exports), its metrics (when they are read). */
export interface CallObserver {
  readonly span: Tracer.Span | undefined
  readonly metrics: boolean
  readonly startedMs: number
}

/**
 * A model call inside its span `lyceum.model.call` (only when a tracer exports, see `isTracing`), with an
 * observer for `recordCall` when there is a span or metrics are on; `undefined` otherwise. Without telemetry
 * this is two FiberRef reads: no span, no metric update.
 */
export const observeCall = <A, E>(
  model: string,
  provider: string | undefined,
  agent: string,
  call: (observer: CallObserver | undefined) => Effect.Effect<A, E>,
): Effect.Effect<A, E> =>
  Effect.withFiberRuntime((fiber) => {
    const metrics = fiber.getFiberRef(currentModelMetrics)
    return isTracingFiber(fiber)
      ? Effect.useSpan(
          "lyceum.model.call",
          {
            kind: "client",
            captureStackTrace: false,
            attributes: {
              "gen_ai.request.model": model,
              ...(provider !== undefined && { "gen_ai.system": provider }),
              "lyceum.agent": agent,
            },
          },
          (span) => Effect.withParentSpan(call({ span, metrics, startedMs: Date.now() }), span),
        )
      : call(metrics ? { span: undefined, metrics, startedMs: Date.now() } : undefined)
  })

/**
 * What metering counted for one call of `model`, on its span and in the metrics, as `observer` says.
 * `delta` is what the call added to `model_usage`; `failed` the fault that ended it, if any.
 */
export const recordCall = (
  model: string,
  observer: CallObserver,
  delta: Usage,
  failed: string | undefined,
): void => {
  const cached = delta.cacheHits > 0
  const span = observer.span
  if (span !== undefined) {
    span.attribute("gen_ai.usage.input_tokens", delta.promptTokens)
    span.attribute("gen_ai.usage.output_tokens", delta.completionTokens)
    span.attribute("lyceum.cached", cached)
    span.attribute("lyceum.retries", delta.retries)
    span.attribute("lyceum.calls", delta.calls)
    span.attribute("lyceum.cost_usd", delta.costUsd)
    if (delta.rateLimitWaits > 0) span.attribute("lyceum.rate_limit_wait_ms", delta.rateLimitWaitMs)
    if (failed !== undefined) span.attribute("error.type", failed)
  }
  if (!observer.metrics) return
  const tags = [MetricLabel.make("model", model)]
  ModelMetrics.calls.unsafeUpdate(delta.calls, tags)
  ModelMetrics.promptTokens.unsafeUpdate(delta.promptTokens, tags)
  ModelMetrics.completionTokens.unsafeUpdate(delta.completionTokens, tags)
  ModelMetrics.costUsd.unsafeUpdate(delta.costUsd, tags)
  if (cached) ModelMetrics.cacheHits.unsafeUpdate(1, tags)
  if (delta.errors > 0) ModelMetrics.errors.unsafeUpdate(delta.errors, tags)
  ModelMetrics.latencyMs.unsafeUpdate(Date.now() - observer.startedMs, tags)
}
