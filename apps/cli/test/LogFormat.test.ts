import { Effect, Either, Logger } from "effect"
import { describe, expect, it } from "vitest"
import { jsonLogger, takeLogFormat } from "../src/LogFormat.js"
import { telemetrySettings } from "../src/Telemetry.js"

describe("takeLogFormat", () => {
  it("takes --log-format VALUE or --log-format=VALUE anywhere, leaving the rest for @effect/cli", () => {
    expect(takeLogFormat(["node", "lyceum", "run", "--log-format", "json", "a.yaml"])).toEqual(
      Either.right({ format: "json", argv: ["node", "lyceum", "run", "a.yaml"] }),
    )
    expect(takeLogFormat(["node", "lyceum", "--log-format=text", "runs"])).toEqual(
      Either.right({ format: "text", argv: ["node", "lyceum", "runs"] }),
    )
    expect(takeLogFormat(["node", "lyceum", "runs"])).toEqual(
      Either.right({ format: "text", argv: ["node", "lyceum", "runs"] }),
    )
    // After `--` nothing is an option.
    expect(takeLogFormat(["node", "lyceum", "--", "--log-format", "json"])).toEqual(
      Either.right({ format: "text", argv: ["node", "lyceum", "--", "--log-format", "json"] }),
    )
  })

  it("refuses an unknown or missing value, naming the choices", () => {
    expect(takeLogFormat(["node", "lyceum", "--log-format", "xml"])).toEqual(
      Either.left("--log-format xml: expected text or json"),
    )
    expect(Either.isLeft(takeLogFormat(["node", "lyceum", "--log-format"]))).toBe(true)
  })
})

describe("jsonLogger", () => {
  it("writes one JSON object per line: timestamp, level, message, annotations, log spans and cause", () => {
    const lines: Array<string> = []
    const logger = jsonLogger((line) => lines.push(line))
    Effect.runSync(
      Effect.gen(function* () {
        yield* Effect.logInfo("hello").pipe(Effect.annotateLogs({ runId: "r1", cohort: "c" }))
        yield* Effect.logWarning("two", { parts: 2 }).pipe(Effect.withLogSpan("step"))
        yield* Effect.logError("failed", new Error("boom"))
        yield* Effect.logDebug("hidden at the default level")
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger))),
    )
    expect(lines).toHaveLength(3)
    expect(lines.every((line) => line.endsWith("\n") && line.indexOf("\n") === line.length - 1)).toBe(true)
    const [info, warning, error] = lines.map((line) => JSON.parse(line))
    expect(info).toMatchObject({ level: "info", message: "hello", annotations: { runId: "r1", cohort: "c" } })
    expect(Number.isNaN(Date.parse(info.timestamp))).toBe(false)
    expect(warning).toMatchObject({ level: "warning", message: ["two", { parts: 2 }] })
    expect(typeof warning.spans.step).toBe("number")
    expect(error.level).toBe("error")
    expect(JSON.stringify(error.message)).toContain("boom")
  })

  it("says a value JSON cannot hold as text instead of failing", () => {
    const lines: Array<string> = []
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    Effect.runSync(
      Effect.logInfo(cyclic, 1n).pipe(
        Effect.provide(
          Logger.replace(
            Logger.defaultLogger,
            jsonLogger((line) => lines.push(line)),
          ),
        ),
      ),
    )
    expect(JSON.parse(lines[0]!).level).toBe("info")
  })
})

describe("telemetrySettings", () => {
  it("is off unless an OTLP endpoint is set, and off when the SDK is disabled", () => {
    expect(telemetrySettings({})).toBeUndefined()
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "" })).toBeUndefined()
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBeUndefined()
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toMatchObject({
      traces: true,
      metrics: true,
      serviceName: "lyceum",
      warnings: [],
    })
  })

  it("follows the per-signal endpoints and exporters, the service name, and warns of a protocol it cannot speak", () => {
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" }),
    ).toMatchObject({
      traces: true,
      metrics: false,
    })
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_METRICS_EXPORTER: "none" }),
    ).toMatchObject({ traces: true, metrics: false })
    const settings = telemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_SERVICE_NAME: "lab",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_METRIC_EXPORT_INTERVAL: "5000",
    })
    expect(settings).toMatchObject({ serviceName: "lab", metricIntervalMs: 5000 })
    expect(settings?.warnings[0]).toContain("OTEL_EXPORTER_OTLP_PROTOCOL=grpc")
  })
})
