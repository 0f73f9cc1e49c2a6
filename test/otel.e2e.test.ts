// OpenTelemetry end to end: the built CLI runs quickstart with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real
// OTLP/HTTP (JSON) receiver started here, and what arrives is checked against the run's database.
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-otel-"))

type AnyValue = {
  stringValue?: string
  intValue?: number | string
  doubleValue?: number
  boolValue?: boolean
}
type KeyValue = { key: string; value: AnyValue }
interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes?: Array<KeyValue>
}
interface DataPoint {
  attributes?: Array<KeyValue>
  asInt?: number | string
  asDouble?: number
}
interface OtlpMetric {
  name: string
  sum?: { dataPoints: Array<DataPoint> }
  histogram?: { dataPoints: Array<DataPoint & { count: number | string }> }
}

const plainValue = (value: AnyValue): unknown =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue
const attribute = (attributes: Array<KeyValue> | undefined, key: string): unknown => {
  const found = attributes?.find((a) => a.key === key)
  return found === undefined ? undefined : plainValue(found.value)
}

/** A minimal OTLP/HTTP receiver (JSON bodies): keeps every span and every metric export. */
const receiver = () => {
  const spans: Array<OtlpSpan> = []
  const metricExports: Array<Array<OtlpMetric>> = []
  const contentTypes = new Set<string>()
  const server: Server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      contentTypes.add(String(request.headers["content-type"]))
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")
      if (request.url === "/v1/traces")
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []))
      else if (request.url === "/v1/metrics")
        metricExports.push(
          (body.resourceMetrics ?? []).flatMap(
            (resource: { scopeMetrics?: Array<{ metrics?: Array<OtlpMetric> }> }) =>
              (resource.scopeMetrics ?? []).flatMap((scope) => scope.metrics ?? []),
          ),
        )
      response.writeHead(request.url === "/v1/traces" || request.url === "/v1/metrics" ? 200 : 404, {
        "content-type": "application/json",
      })
      response.end("{}")
    })
  })
  return { server, spans, metricExports, contentTypes }
}

/** Every stderr line parsed as one JSON log entry, each with a level, a message and a timestamp. */
const jsonLines = (stderr: string) => {
  const lines = stderr.split("\n").filter((line) => line.trim() !== "")
  expect(lines.length).toBeGreaterThan(0)
  return lines.map((line) => {
    const entry = JSON.parse(line)
    expect(typeof entry.level).toBe("string")
    expect(entry.message).toBeDefined()
    expect(Number.isNaN(Date.parse(entry.timestamp))).toBe(false)
    return entry as {
      level: string
      message: unknown
      annotations?: Record<string, unknown>
      traceId?: string
    }
  })
}

const runCli = (args: ReadonlyArray<string>, env: Record<string, string | undefined>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env } })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("exit", (code) => resolve({ code, stdout, stderr }))
  })

const otlp = receiver()
let endpoint = ""
beforeAll(async () => {
  await new Promise<void>((resolve) => otlp.server.listen(0, "127.0.0.1", resolve))
  endpoint = `http://127.0.0.1:${(otlp.server.address() as AddressInfo).port}`
})
afterAll(() => {
  otlp.server.close()
  rmSync(dir, { recursive: true, force: true })
})

// Unset in the child unless a test sets them: the machine's own OTEL_* must not leak in.
const noOtel = Object.fromEntries(
  Object.keys(process.env)
    .filter((key) => key.startsWith("OTEL_"))
    .map((key) => [key, undefined]),
)

describe("OpenTelemetry export", () => {
  it("sends the run's spans (run > cohort > step > agent turn > model call) and token metrics that match the database", async () => {
    const db = join(dir, "traced.db")
    // With JSON logs too (one run for both): every log line carries the trace it was logged in.
    const result = await runCli(
      [
        "--log-level",
        "debug",
        "--log-format",
        "json",
        "run",
        "scenarios/quickstart.yaml",
        "--db",
        db,
        "--progress",
        "none",
      ],
      { ...noOtel, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "lyceum-e2e" },
    )
    expect(result.code, result.stderr).toBe(0)
    const logs = jsonLines(result.stderr)
    expect([...otlp.contentTypes].every((type) => type.startsWith("application/json"))).toBe(true)

    const byId = new Map(otlp.spans.map((span) => [span.spanId, span]))
    const parentOf = (span: OtlpSpan) =>
      span.parentSpanId === undefined || span.parentSpanId === "" ? undefined : byId.get(span.parentSpanId)
    const named = (name: string) => otlp.spans.filter((span) => span.name === name)
    const [run] = named("lyceum.run")
    expect(run).toBeDefined()
    const runId = attribute(run!.attributes, "lyceum.run_id") as string
    expect(attribute(run!.attributes, "lyceum.scenario")).toBe("quickstart")
    const stepLog = logs.find((entry) => entry.message === "step 1 written")
    expect(stepLog?.annotations).toMatchObject({ runId, cohort: "sms-spam.synthetic-examples repeat 1" })
    expect(stepLog?.traceId).toBe(run!.traceId)
    expect(named("lyceum.cohort").length).toBeGreaterThan(0)
    expect(named("lyceum.step").length).toBeGreaterThan(0)
    expect(named("lyceum.agent.turn").length).toBeGreaterThan(0)
    const calls = named("lyceum.model.call")
    expect(calls.length).toBeGreaterThan(0)

    // Every model call is under an agent turn, under a step, under a cohort, under the run: one trace.
    for (const call of calls) {
      expect(call.traceId).toBe(run!.traceId)
      const chain: Array<string> = []
      for (let span = parentOf(call); span !== undefined; span = parentOf(span)) chain.push(span.name)
      expect(chain[0]).toBe("lyceum.agent.turn")
      expect(chain).toContain("lyceum.step")
      expect(chain.indexOf("lyceum.step")).toBeLessThan(chain.indexOf("lyceum.cohort"))
      expect(chain.at(-1)).toBe("lyceum.run")
    }

    const sql = new Database(db, { readonly: true })
    const stored = sql
      .prepare(
        "SELECT SUM(calls) AS calls, SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion FROM model_usage WHERE run_id = ?",
      )
      .get(runId) as { calls: number; prompt: number; completion: number }
    sql.close()
    expect(stored.prompt).toBeGreaterThan(0)
    const sum = (key: string) =>
      calls.reduce((total, call) => total + Number(attribute(call.attributes, key) ?? 0), 0)
    expect(sum("gen_ai.usage.input_tokens")).toBe(stored.prompt)
    expect(sum("gen_ai.usage.output_tokens")).toBe(stored.completion)
    expect(sum("lyceum.calls")).toBe(stored.calls)
    expect(attribute(calls[0]!.attributes, "gen_ai.system")).toBe("sim")

    // Cumulative counters: the last export holds the run's totals.
    const last = otlp.metricExports.at(-1) ?? []
    const total = (name: string) =>
      (last.find((metric) => metric.name === name)?.sum?.dataPoints ?? []).reduce(
        (sum, point) => sum + Number(point.asInt ?? point.asDouble ?? 0),
        0,
      )
    expect(total("lyceum.model.tokens.prompt")).toBe(stored.prompt)
    expect(total("lyceum.model.tokens.completion")).toBe(stored.completion)
    expect(total("lyceum.model.calls")).toBe(stored.calls)
    const latency = last.find((metric) => metric.name === "lyceum.model.call.duration_ms")
    expect(latency?.histogram?.dataPoints.reduce((n, point) => n + Number(point.count), 0)).toBe(stored.calls)
  })

  it("sends the token metrics without spans when only metrics are exported (OTEL_TRACES_EXPORTER=none)", async () => {
    const db = join(dir, "metrics-only.db")
    const spansBefore = otlp.spans.length
    const exportsBefore = otlp.metricExports.length
    const result = await runCli(["run", "scenarios/quickstart.yaml", "--db", db, "--quiet"], {
      ...noOtel,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_TRACES_EXPORTER: "none",
    })
    expect(result.code, result.stderr).toBe(0)
    expect(otlp.spans.length).toBe(spansBefore)
    const sql = new Database(db, { readonly: true })
    const stored = sql.prepare("SELECT SUM(prompt_tokens) AS prompt FROM model_usage").get() as {
      prompt: number
    }
    sql.close()
    expect(stored.prompt).toBeGreaterThan(0)
    const last = otlp.metricExports.slice(exportsBefore).at(-1) ?? []
    const points = last.find((metric) => metric.name === "lyceum.model.tokens.prompt")?.sum?.dataPoints ?? []
    expect(points.reduce((sum, point) => sum + Number(point.asInt ?? point.asDouble ?? 0), 0)).toBe(
      stored.prompt,
    )
  })

  it("flushes what it has after Ctrl-C: the stopped run's span and the metrics arrive before the process exits", async () => {
    const db = join(dir, "stopped.db")
    const metricsBefore = otlp.metricExports.length
    const child = spawn(
      process.execPath,
      [cli, "--log-level", "debug", "run", "scenarios/quickstart.yaml", "--db", db, "--progress", "none"],
      {
        cwd: root,
        env: { ...process.env, ...noOtel, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      },
    )
    let stderr = ""
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await new Promise<void>((resolve) =>
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
        if (stderr.includes("step 1 written")) resolve()
      }),
    )
    child.kill("SIGINT")
    expect(await exited, stderr).toBe(130)
    const sql = new Database(db, { readonly: true })
    const { id, status } = sql.prepare("SELECT id, status FROM runs").get() as { id: string; status: string }
    sql.close()
    expect(status).toBe("stopped")
    const run = otlp.spans.find(
      (span) => span.name === "lyceum.run" && attribute(span.attributes, "lyceum.run_id") === id,
    )
    expect(run).toBeDefined()
    expect(
      otlp.spans.some((span) => span.traceId === run!.traceId && span.name === "lyceum.model.call"),
    ).toBe(true)
    expect(otlp.metricExports.length).toBeGreaterThan(metricsBefore)
  })

  it("exports nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset, or the SDK is disabled", async () => {
    // Where an SDK with no endpoint configured would send (the OTLP/HTTP default), when that port is free here.
    const fallback = receiver()
    const listening = await new Promise<boolean>((resolve) => {
      fallback.server.once("error", () => resolve(false))
      fallback.server.listen(4318, "127.0.0.1", () => resolve(true))
    })
    const before = { spans: otlp.spans.length, metrics: otlp.metricExports.length }
    const quiet = (name: string, env: Record<string, string | undefined>) =>
      runCli(["run", "scenarios/quickstart.yaml", "--db", join(dir, `${name}.db`), "--progress", "none"], {
        ...noOtel,
        ...env,
      })
    const results = await Promise.all([
      quiet("unset", {}),
      // (An empty endpoint counts as unset: LogFormat.test.ts, telemetrySettings.)
      quiet("disabled", { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: "true" }),
    ])
    if (listening) await new Promise((resolve) => fallback.server.close(resolve))
    for (const result of results) expect(result.code, result.stderr).toBe(0)
    expect({ spans: otlp.spans.length, metrics: otlp.metricExports.length }).toEqual(before)
    expect(fallback.spans.length + fallback.metricExports.length).toBe(0)
  })
})

describe("--log-format json", () => {
  // Every stderr line as JSON with level and message: checked on the traced run above (jsonLines).
  it("refuses a format it does not know, naming the choices", async () => {
    const result = await runCli(["--log-format", "xml", "runs", "--db", join(dir, "none.db")], noOtel)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("--log-format xml: expected text or json")
  })
})
