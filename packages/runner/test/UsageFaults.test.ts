import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LocalTransport } from "@lyceum/actors"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { makeFakeOpenAi } from "../../models/test/support/FakeOpenAi.js"
import { formatProgress, Progress, type ProgressEvent } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
import { runWorker } from "../src/Worker.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-faults-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * One teacher writes an instruction each round (one chat call) on an OpenAI-compatible endpoint, falling back
 * to `sim`; the student answers with `sim`. Two retries per call, 300 ms per attempt.
 */
const scenario = (baseURL: string) => `
name: faults
seed: 4
rounds: [1, 2]
models:
  remote: { provider: openai, baseURL: '${baseURL}', model: m, maxRetries: 2, timeoutMs: 300, score: none }
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 1, model: [remote, sim] }
students: { count: 1, model: sim }
methods: [{ strategy: instruction }]
`

/**
 * Plays the scenario against a fresh fake endpoint that, in round 1, answers 429, then hangs (a timeout), then
 * answers; and in round 2 answers 500 three times, so the call fails and `sim` answers instead.
 */
const faultyRun = (db: string, workers: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const server = yield* makeFakeOpenAi()
    server.script(
      "chat",
      { kind: "rateLimited" },
      { kind: "hang" },
      { kind: "ok" },
      { kind: "serverError" },
      { kind: "serverError", status: 503 },
      { kind: "serverError" },
    )
    // Every message is encoded and decoded as it would be on NATS, usage reports included.
    const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
    for (const name of workers) yield* Effect.forkScoped(runWorker({ name }).pipe(Effect.provide(transport)))
    const events: Array<ProgressEvent> = []
    const result = yield* runScenario({
      loaded: Either.getOrThrow(parseScenario(join(dir, "faults.yaml"), scenario(server.baseURL))),
      versions: { lyceum: "test", node: process.version },
      transport: Layer.succeedContext(transport),
      workers,
    }).pipe(
      Effect.provide([
        Store.layer({ filename: db }),
        Layer.succeed(Progress, { report: (event) => Effect.sync(() => events.push(event)) }),
      ]),
    )
    expect(server.count("chat")).toBe(6)
    const rows = yield* Effect.flatMap(Store, (store) =>
      Effect.all({
        usage: store.query(
          `SELECT round, agent_id, model, calls, retries, timeouts, errors, rate_limit_waits FROM model_usage
           WHERE run_id = ? AND agent_id = 'teacher-1' ORDER BY round, model`,
          [result.runId],
        ),
        faults: store.query(
          `SELECT round, agent_id, model, kind, attempts, errors FROM model_faults WHERE run_id = ?
           ORDER BY round, kind`,
          [result.runId],
        ),
      }),
    ).pipe(Effect.provide(Store.layer({ filename: db })))
    const lines = events.filter((event) => event._tag === "RoundFinished").map(formatProgress)
    return { ...rows, lines }
  }).pipe(Effect.scoped)

const expectedUsage = [
  {
    round: 1,
    agent_id: "teacher-1",
    model: "remote",
    calls: 1,
    retries: 2,
    timeouts: 1,
    errors: 0,
    rate_limit_waits: 1,
  },
  {
    round: 2,
    agent_id: "teacher-1",
    model: "remote",
    calls: 1,
    retries: 2,
    timeouts: 0,
    errors: 1,
    rate_limit_waits: 0,
  },
  {
    round: 2,
    agent_id: "teacher-1",
    model: "sim",
    calls: 1,
    retries: 0,
    timeouts: 0,
    errors: 0,
    rate_limit_waits: 0,
  },
]
const expectedFaults = [
  { round: 1, agent_id: "teacher-1", model: "remote", kind: "rate_limited", attempts: 1, errors: 0 },
  { round: 1, agent_id: "teacher-1", model: "remote", kind: "timeout", attempts: 1, errors: 0 },
  { round: 2, agent_id: "teacher-1", model: "remote", kind: "unavailable", attempts: 3, errors: 1 },
]

describe("model faults of a run", () => {
  it("are stored per agent and round, and shown on the round's progress line", async () => {
    const { usage, faults, lines } = await Effect.runPromise(faultyRun(join(dir, "alone.db"), []))
    expect(usage).toEqual(expectedUsage)
    expect(faults).toEqual(expectedFaults)
    expect(lines).toHaveLength(3)
    expect(lines[0]).not.toMatch(/retr|timeout|error/)
    expect(lines[1]).toContain(" · 2 retries, 1 timeout · ")
    expect(lines[2]).toContain(" · 2 retries, 1 error · ")
  }, 30_000)

  it("are the same when the teacher lives on a worker (usage crosses the wire)", async () => {
    const { usage, faults } = await Effect.runPromise(faultyRun(join(dir, "placed.db"), ["w1"]))
    expect(usage).toEqual(expectedUsage)
    expect(faults).toEqual(expectedFaults)
  }, 30_000)
})
