import { modelMetricsLayer } from "@lyceum/models"
import { Effect, Layer } from "effect"

/** What the standard OpenTelemetry environment variables ask of this process. */
export interface TelemetrySettings {
  readonly traces: boolean
  readonly metrics: boolean
  /** OTEL_SERVICE_NAME, default "lyceum". */
  readonly serviceName: string
  /** OTEL_METRIC_EXPORT_INTERVAL (ms), default 60000; the last values are exported at exit whatever it is. */
  readonly metricIntervalMs: number
  /** Said once at start when the environment asks for something this build cannot do. */
  readonly warnings: ReadonlyArray<string>
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== ""

/**
 * Telemetry is on when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, or the traces or metrics one) and
 * OTEL_SDK_DISABLED is not `true`; OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER `none` turn off either half.
 * The exporters themselves read the endpoints, OTEL_EXPORTER_OTLP_HEADERS and the timeouts.
 */
export const telemetrySettings = (
  env: Readonly<Record<string, string | undefined>>,
): TelemetrySettings | undefined => {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined
  const any = set(env.OTEL_EXPORTER_OTLP_ENDPOINT)
  const traces =
    (any || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) && env.OTEL_TRACES_EXPORTER?.trim() !== "none"
  const metrics =
    (any || set(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)) && env.OTEL_METRICS_EXPORTER?.trim() !== "none"
  if (!traces && !metrics) return undefined
  const warnings: Array<string> = []
  const protocol = env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim()
  if (set(protocol) && protocol !== "http/json")
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: lyceum exports OTLP over HTTP with JSON bodies only (http/json); ` +
        "point it at a receiver that accepts them (the OpenTelemetry Collector's otlp receiver does, on port 4318)",
    )
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL)
  return {
    traces,
    metrics,
    serviceName: set(env.OTEL_SERVICE_NAME) ? env.OTEL_SERVICE_NAME.trim() : "lyceum",
    metricIntervalMs: Number.isFinite(interval) && interval > 0 ? interval : 60_000,
    warnings,
  }
}

/**
 * OpenTelemetry for the whole command when the environment asks for it (see `telemetrySettings`): spans through
 * a batch processor and metrics through a periodic reader, both to OTLP/HTTP, flushed when the command ends
 * (also after Ctrl-C: the layer's release runs before the process exits). Otherwise nothing: the SDK is not
 * even evaluated (it is loaded on demand), and the spans in the code stay Effect's in-memory ones.
 */
export const telemetryLayer = (
  env: Readonly<Record<string, string | undefined>>,
  version: string,
): Layer.Layer<never> => {
  const settings = telemetrySettings(env)
  if (settings === undefined) return Layer.empty
  return Layer.unwrapEffect(
    Effect.gen(function* () {
      for (const warning of settings.warnings) yield* Effect.logWarning(warning)
      const sdk = yield* Effect.promise(() => import("./TelemetrySdk.js"))
      // The model metrics are updated only where a reader exports them, with spans or without.
      return settings.metrics
        ? Layer.merge(sdk.sdkLayer(settings, version), modelMetricsLayer)
        : sdk.sdkLayer(settings, version)
    }),
  )
}
