import { Worker } from "node:worker_threads"
import { Metering, makeOpenAiClient, makeOpenAiModel } from "@lyceum/models"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * models.openai.throughput: calls per second through an `openai` model (the real SDK over real HTTP, the
 * endpoint limiter, the retry policy, metering) to a wire server that answers every chat completion after a
 * fixed LATENCY_MS, with the limiter at CONCURRENCY and CALLERS > CONCURRENCY calls waiting on it, as when
 * many agents share one endpoint. No client can beat CONCURRENCY / LATENCY_MS calls per second (each slot holds
 * a request for at least the latency), so that computed bound is the baseline, and the ratio is the share of it
 * we reach: what the limiter and the client's own work per call cost.
 *
 * The server runs on a worker thread: in the benchmark's own thread its CPU time (parsing, JSON, timers)
 * would be charged to the client, which a real endpoint on another machine never is. It is a plain-JS
 * latency server rather than test/support/FakeOpenAi.ts, which a worker cannot load as TypeScript; it speaks
 * just the chat-completions answer the client reads. Median of TRIALS after a warm-up trial that opens the
 * keep-alive connections.
 *
 * models.openai.sdk: the plain SDK client (same settings, CONCURRENCY loops of sequential calls) against the
 * same bound, in the same process run, alternating with ours: what the SDK itself reaches on this machine;
 * models.openai.overhead is ours / sdk. Also measured at a second latency (suffix @50ms): at 20 ms the client's
 * ~1 ms of CPU per call is 5 % of the latency, which the plain SDK alone already loses on a 2-core box.
 *
 * models.openai.throttled: the server serves ALLOWED at once and answers 429 + retry-after-ms beyond; the
 * model's ceiling is THROTTLED_CEILING > ALLOWED, so the adaptive limiter has to find the server's limit. The
 * bound is ALLOWED / THROTTLED_LATENCY_MS, at the latency where the plain SDK itself reaches ~0.95 of its bound
 * here (at 20 ms it reaches ~0.85, so no client could show the limiter's cost there).
 */

const LATENCY_MS = 20
/** Latencies measured for the unthrottled point (the first is the headline `models.openai.throughput`). */
const LATENCIES_MS = [LATENCY_MS, 50]
const CONCURRENCY = 8
const CALLERS = 64
const CALLS = 400
const TRIALS = 5
/** The throttled point: the server serves ALLOWED at once; the model's ceiling is above it. */
const ALLOWED = 8
const THROTTLED_CEILING = 32
const THROTTLED_LATENCY_MS = 50

const server = `
const { createServer } = require("node:http")
const { parentPort, workerData } = require("node:worker_threads")
let inFlight = 0
let maxInFlight = 0
let refused = 0
const http = createServer((request, response) => {
  const chunks = []
  request.on("data", (chunk) => chunks.push(chunk))
  request.on("end", () => {
    if (workerData.allowed !== undefined && inFlight >= workerData.allowed) {
      refused++
      const text = JSON.stringify({ error: { message: "Too many requests", type: "requests", param: null, code: null } })
      response.writeHead(429, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), "retry-after-ms": String(workerData.latencyMs) })
      response.end(text)
      return
    }
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    setTimeout(() => {
      const text = JSON.stringify({
        id: "chatcmpl-bench", object: "chat.completion", created: 0, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: "ok", refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      })
      response.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) })
      response.end(text)
      inFlight--
    }, workerData.latencyMs)
  })
})
parentPort.on("message", () => parentPort.postMessage({ maxInFlight, refused }))
http.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: http.address().port }))
`

/**
 * The latency server on its own thread, stopped with the scope; with `allowed` it serves at most that many at
 * once and answers the others 429 with `retry-after-ms` = its latency. `stats` asks it the most it served at
 * once and how many it refused.
 */
const latencyServer = (options: { readonly latencyMs: number; readonly allowed?: number }) =>
  Effect.gen(function* () {
    const worker = yield* Effect.acquireRelease(
      Effect.sync(() => new Worker(server, { eval: true, workerData: options })),
      (worker) => Effect.promise(() => worker.terminate()),
    )
    const reply = Effect.async<{ port?: number; maxInFlight?: number; refused?: number }>((resume) => {
      worker.once("message", (message) => resume(Effect.succeed(message)))
    })
    const { port } = yield* reply
    return {
      baseURL: `http://127.0.0.1:${port}/v1`,
      stats: Effect.zipRight(
        Effect.sync(() => worker.postMessage("stats")),
        Effect.map(reply, (message) => ({
          maxInFlight: message.maxInFlight ?? 0,
          refused: message.refused ?? 0,
        })),
      ),
    }
  })

/** Seconds to make CALLS calls through `call`, CALLERS at a time. */
const timed = (call: (i: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    const start = performance.now()
    yield* Effect.forEach(
      Array.from({ length: CALLS }, (_, i) => i),
      call,
      { concurrency: CALLERS, discard: true },
    )
    return (performance.now() - start) / 1000
  })

/** Our side: an `openai` model with the given ceiling, metered. */
const ourModel = (baseURL: string, maxConcurrency: number) =>
  Effect.gen(function* () {
    const metering = yield* Metering.make()
    const raw = yield* makeOpenAiModel(
      "bench",
      { provider: "openai", baseURL, model: "m", maxConcurrency, timeoutMs: 10_000 },
      {},
    )
    return { model: metering.metered(raw, "bench"), metering }
  })

for (const latencyMs of LATENCIES_MS) {
  test(`openai model and the plain SDK: ${CALLS} calls, concurrency ${CONCURRENCY}, ${latencyMs} ms latency`, async () => {
    const { ours, sdk } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const endpoint = yield* latencyServer({ latencyMs })
          const { model, metering } = yield* ourModel(endpoint.baseURL, CONCURRENCY)
          const oursTrial = timed((i) => model.generate({ prompt: `question ${i}`, maxTokens: 8 }))
          // The raw baseline: the same SDK with the same settings, CONCURRENCY loops of sequential calls.
          const client = makeOpenAiClient({ baseURL: endpoint.baseURL, apiKey: undefined, timeoutMs: 10_000 })
          const sdkTrial = Effect.promise(async () => {
            const start = performance.now()
            let next = 0
            await Promise.all(
              Array.from({ length: CONCURRENCY }, async () => {
                while (next < CALLS) {
                  const i = next++
                  await client.chat.completions.create({
                    model: "m",
                    messages: [{ role: "user", content: `question ${i}` }],
                    max_tokens: 8,
                  })
                }
              }),
            )
            return (performance.now() - start) / 1000
          })
          yield* oursTrial
          yield* sdkTrial
          const oursTimes: Array<number> = []
          const sdkTimes: Array<number> = []
          for (let i = 0; i < TRIALS; i++) {
            // Alternate which goes first.
            if (i % 2 === 0) {
              oursTimes.push(yield* oursTrial)
              sdkTimes.push(yield* sdkTrial)
            } else {
              sdkTimes.push(yield* sdkTrial)
              oursTimes.push(yield* oursTrial)
            }
          }
          expect((yield* endpoint.stats).maxInFlight).toBe(CONCURRENCY)
          expect((yield* metering.snapshot).total).toMatchObject({ calls: CALLS * (TRIALS + 1), errors: 0 })
          return { ours: CALLS / median(oursTimes), sdk: CALLS / median(sdkTimes) }
        }),
      ),
    )
    const bound = CONCURRENCY / (latencyMs / 1000)
    const suffix = latencyMs === LATENCY_MS ? "" : `@${latencyMs}ms`
    recordBenchmark({
      name: `models.openai.throughput${suffix}`,
      unit: "calls/s",
      ours,
      baseline: bound,
      goal: 0.95,
    })
    recordBenchmark({ name: `models.openai.sdk${suffix}`, unit: "calls/s", ours: sdk, baseline: bound })
    recordBenchmark({ name: `models.openai.overhead${suffix}`, unit: "calls/s", ours, baseline: sdk })
  })
}

test(`openai model against a server allowing ${ALLOWED} at once (429 beyond), ceiling ${THROTTLED_CEILING}, ${THROTTLED_LATENCY_MS} ms latency`, async () => {
  const { calls, refused, maxInFlight } = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const endpoint = yield* latencyServer({ latencyMs: THROTTLED_LATENCY_MS, allowed: ALLOWED })
        const { model, metering } = yield* ourModel(endpoint.baseURL, THROTTLED_CEILING)
        const trial = timed((i) => model.generate({ prompt: `question ${i}`, maxTokens: 8 }))
        // The warm-up trial also takes the limit down from the ceiling; the measured ones run adapted.
        yield* trial
        const times: Array<number> = []
        for (let i = 0; i < TRIALS; i++) times.push(yield* trial)
        expect((yield* metering.snapshot).total).toMatchObject({ errors: 0 })
        const stats = yield* endpoint.stats
        return { calls: CALLS / median(times), ...stats }
      }),
    ),
  )
  process.stdout.write(`throttled: ${refused} refused (all trials), at most ${maxInFlight} served at once\n`)
  recordBenchmark({
    name: "models.openai.throttled",
    unit: "calls/s",
    ours: calls,
    baseline: ALLOWED / (THROTTLED_LATENCY_MS / 1000),
    goal: 0.9,
  })
})
