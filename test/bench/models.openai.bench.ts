import { Worker } from "node:worker_threads"
import { Metering, makeOpenAiModel } from "@lyceum/models"
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
 */

const LATENCY_MS = 20
const CONCURRENCY = 8
const CALLERS = 64
const CALLS = 400
const TRIALS = 3

const server = `
const { createServer } = require("node:http")
const { parentPort, workerData } = require("node:worker_threads")
let inFlight = 0
let maxInFlight = 0
const http = createServer((request, response) => {
  inFlight++
  maxInFlight = Math.max(maxInFlight, inFlight)
  const chunks = []
  request.on("data", (chunk) => chunks.push(chunk))
  request.on("end", () => {
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
parentPort.on("message", () => parentPort.postMessage({ maxInFlight }))
http.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: http.address().port }))
`

/** The latency server on its own thread, stopped with the scope; `maxInFlight` asks it the most it held at once. */
const latencyServer = Effect.gen(function* () {
  const worker = yield* Effect.acquireRelease(
    Effect.sync(() => new Worker(server, { eval: true, workerData: { latencyMs: LATENCY_MS } })),
    (worker) => Effect.promise(() => worker.terminate()),
  )
  const reply = Effect.async<{ port?: number; maxInFlight?: number }>((resume) => {
    worker.once("message", (message) => resume(Effect.succeed(message)))
  })
  const { port } = yield* reply
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    maxInFlight: Effect.zipRight(
      Effect.sync(() => worker.postMessage("maxInFlight")),
      Effect.map(reply, (message) => message.maxInFlight ?? 0),
    ),
  }
})

test(`openai model: ${CALLS} calls from ${CALLERS} callers, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency`, async () => {
  const seconds = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const endpoint = yield* latencyServer
        const metering = yield* Metering.make()
        const raw = yield* makeOpenAiModel(
          "bench",
          {
            provider: "openai",
            baseURL: endpoint.baseURL,
            model: "m",
            maxConcurrency: CONCURRENCY,
            timeoutMs: 10_000,
          },
          {},
        )
        const model = metering.metered(raw, "bench")
        const trial = Effect.gen(function* () {
          const start = performance.now()
          yield* Effect.forEach(
            Array.from({ length: CALLS }, (_, i) => i),
            (i) => model.generate({ prompt: `question ${i}`, maxTokens: 8 }),
            { concurrency: CALLERS, discard: true },
          )
          return (performance.now() - start) / 1000
        })
        yield* trial
        const times: Array<number> = []
        for (let i = 0; i < TRIALS; i++) times.push(yield* trial)
        expect(yield* endpoint.maxInFlight).toBe(CONCURRENCY)
        expect((yield* metering.snapshot).total).toMatchObject({ calls: CALLS * (TRIALS + 1), errors: 0 })
        return median(times)
      }),
    ),
  )
  recordBenchmark({
    name: "models.openai.throughput",
    unit: "calls/s",
    ours: CALLS / seconds,
    baseline: CONCURRENCY / (LATENCY_MS / 1000),
    goal: 0.95,
  })
})
