import { isTracingFiber } from "@lyceum/core"
import { Effect, Metric, MetricBoundaries, MetricLabel, type Tracer } from "effect"
import type { Usage } from "./Usage.js"

/**
 * The model-call metrics, in Effect's global metric registry; an OpenTelemetry metric reader (installed by
 * `lyceum` when OTEL_EXPORTER_OTLP_ENDPOINT is set) exports them. Each is tagged with the model's declared
 * name. Counted as metering counts (the `model_usage` table): a cache hit is no call and spends no tokens.
 */
export const ModelMetrics = {
  calls: Metric.counter("lyceum.model.calls", {
    description: "model calls sent (cache hits are not calls)",
    incremental: true,
  }),
  promptTokens: Metric.counter("lyceum.model.tokens.prompt", {
    description: "prompt tokens of model calls",
    incremental: true,
  }),
  completionTokens: Metric.counter("lyceum.model.tokens.completion", {
    description: "completion tokens of model calls",
    incremental: true,
  }),
  costUsd: Metric.counter("lyceum.model.cost_usd", {
    description: "US dollars of model calls, from the scenario's declared prices",
    incremental: true,
  }),
  cacheHits: Metric.counter("lyceum.model.cache_hits", {
    description: "model calls answered from the response cache",
    incremental: true,
  }),
  errors: Metric.counter("lyceum.model.errors", {
    description: "model calls that failed after their retries",
    incremental: true,
  }),
  latencyMs: Metric.histogram(
    "lyceum.model.call.duration_ms",
    MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
    "wall time of one model call, retries and rate-limit waits included, in milliseconds",
  ),
}

/**
 * A model call inside its span `lyceum.model.call` (only when a tracer exports, see `isTracing`), and its
 * metrics recorded when it ends. Without telemetry this is one FiberRefs read: no span, no metric update.
 */
export const observeCall = <A, E>(
  model: string,
  provider: string | undefined,
  agent: string,
  call: (span: Tracer.Span | undefined) => Effect.Effect<A, E>,
): Effect.Effect<A, E> =>
  Effect.withFiberRuntime((fiber) =>
    isTracingFiber(fiber)
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
          (span) => Effect.withParentSpan(call(span), span),
        )
      : call(undefined),
  )

/**
 * What metering counted for one call of `model` (started at `startedMs`), on its span and in the metrics.
 * `delta` is what the call added to `model_usage`; `failed` the fault that ended it, if any.
 */
export const recordCall = (
  model: string,
  startedMs: number,
  span: Tracer.Span,
  delta: Usage,
  failed: string | undefined,
): void => {
  const cached = delta.cacheHits > 0
  span.attribute("gen_ai.usage.input_tokens", delta.promptTokens)
  span.attribute("gen_ai.usage.output_tokens", delta.completionTokens)
  span.attribute("lyceum.cached", cached)
  span.attribute("lyceum.retries", delta.retries)
  span.attribute("lyceum.calls", delta.calls)
  span.attribute("lyceum.cost_usd", delta.costUsd)
  if (delta.rateLimitWaits > 0) span.attribute("lyceum.rate_limit_wait_ms", delta.rateLimitWaitMs)
  if (failed !== undefined) span.attribute("error.type", failed)
  const tags = [MetricLabel.make("model", model)]
  ModelMetrics.calls.unsafeUpdate(delta.calls, tags)
  ModelMetrics.promptTokens.unsafeUpdate(delta.promptTokens, tags)
  ModelMetrics.completionTokens.unsafeUpdate(delta.completionTokens, tags)
  ModelMetrics.costUsd.unsafeUpdate(delta.costUsd, tags)
  if (cached) ModelMetrics.cacheHits.unsafeUpdate(1, tags)
  if (delta.errors > 0) ModelMetrics.errors.unsafeUpdate(delta.errors, tags)
  ModelMetrics.latencyMs.unsafeUpdate(Date.now() - startedMs, tags)
}
