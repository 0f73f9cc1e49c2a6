// Loaded only when telemetry is on (Telemetry.ts): the OpenTelemetry SDK and its OTLP/HTTP (JSON) exporters.
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { Layer } from "effect"
import type { TelemetrySettings } from "./Telemetry.js"

/**
 * A run with the sim model makes thousands of model calls a second, each a span: the SDK's default queue (2048
 * spans) would drop most of them. OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BSP_MAX_EXPORT_BATCH_SIZE still decide.
 */
const queueDefaults = (env: Readonly<Record<string, string | undefined>>) => ({
  ...(env.OTEL_BSP_MAX_QUEUE_SIZE === undefined && { maxQueueSize: 65_536 }),
  ...(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE === undefined && { maxExportBatchSize: 2_048 }),
})

export const sdkLayer = (settings: TelemetrySettings, version: string): Layer.Layer<never> =>
  NodeSdk.layer(() => ({
    resource: { serviceName: settings.serviceName, serviceVersion: version },
    ...(settings.traces && {
      spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter(), queueDefaults(process.env)),
    }),
    ...(settings.metrics && {
      metricReader: new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: settings.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, settings.metricIntervalMs),
      }),
    }),
    shutdownTimeout: "10 seconds",
  })).pipe((layer) => layer as unknown as Layer.Layer<never>)
