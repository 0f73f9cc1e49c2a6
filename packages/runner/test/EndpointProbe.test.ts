import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import type { ModelCapabilities } from "@lyceum/models"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { type FakeServer, makeFakeOpenAi } from "../../models/test/support/FakeOpenAi.js"
import { effectiveScore } from "../src/EndpointProbe.js"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-probe-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * A teacher on the endpoint writes instructions; the students answer with sim, or (`studentsRemote`) on the
 * endpoint too, where the canary has them score it.
 */
const scenario = (
  baseURL: string,
  score: string,
  options: { studentsRemote?: boolean; canary?: boolean },
) => `
name: probe
seed: 5
rounds: [1]
models:
  remote: { provider: openai, baseURL: '${baseURL}', model: m, score: ${score}, maxRetries: 0 }
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 4 }]
teachers: { count: 1, model: remote, dataSize: 8 }
students: { count: 1, model: ${options.studentsRemote === true ? "remote" : "sim"} }
methods: [{ strategy: instruction }]
${options.canary === true ? "canary: { template: spam-code, candidates: 20 }" : ""}
`

const run = (
  server: FakeServer,
  score: string,
  options: { studentsRemote?: boolean; canary?: boolean; noUsage?: boolean },
) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeOpenAi({ server, ...(options.noUsage === true && { noUsage: true }) })
    const db = join(dir, `${server}-${score}-${Date.now()}.db`)
    const loaded = Either.getOrThrow(
      parseScenario(join(dir, "probe.yaml"), scenario(fake.baseURL, score, options)),
    )
    const outcome = yield* runScenario({
      loaded,
      versions: { lyceum: "test", node: process.version },
      env: {},
    }).pipe(
      Effect.provide([Store.layer({ filename: db }), Layer.succeed(Progress, { report: () => Effect.void })]),
      Effect.either,
    )
    const stored = yield* Effect.flatMap(Store, (store) =>
      Effect.all({
        runs: store.query("SELECT id, status FROM runs", []),
        usage: store.query(
          "SELECT agent_id, SUM(calls) AS calls, SUM(estimated_calls) AS estimated, SUM(prompt_tokens) AS prompt FROM model_usage GROUP BY agent_id ORDER BY agent_id",
          [],
        ),
        capabilities: store.query(
          "SELECT model, declared_score, effective_score, echo, chat_logprobs, n, seed, findings FROM model_capabilities",
          [],
        ),
      }),
    ).pipe(Effect.provide(Store.layer({ filename: db })))
    return { outcome, stored, fake }
  }).pipe(Effect.scoped)

describe("the run's capability probe", () => {
  it("refuses the llama.cpp echo trap before spending: a canary scored by a server that ignores echo", async () => {
    const { outcome, stored, fake } = await Effect.runPromise(
      run("llamacpp", "completions", { studentsRemote: true, canary: true }),
    )
    expect(Either.isLeft(outcome)).toBe(true)
    const message = Either.isLeft(outcome) ? String(outcome.left.message) : ""
    expect(message).toMatch(/canary/)
    expect(message).toMatch(
      /"remote" has score: chat \(the probe of http:\/\/127\.0\.0\.1:\d+\/v1 found echo-scoring ignored/,
    )
    // Nothing but the probe reached the server, and no run was started.
    expect(stored.runs).toEqual([])
    const probeRequests = fake.requests().length
    expect(probeRequests).toBeGreaterThan(0)
    expect(probeRequests).toBeLessThanOrEqual(10)
    // The probe's own small requests only: no teacher asked for an instruction, no student scored anything.
    expect(fake.requests().every((r) => r.body.max_tokens !== undefined && r.body.max_tokens <= 12)).toBe(
      true,
    )
  })

  it("runs on vLLM with echo-scoring, recording the probe (declared and effective mode, verdicts, evidence)", async () => {
    const { outcome, stored } = await Effect.runPromise(
      run("vllm", "auto", { studentsRemote: true, canary: true }),
    )
    expect(Either.isRight(outcome)).toBe(true)
    expect(stored.runs).toEqual([expect.objectContaining({ status: "completed" })])
    expect(stored.capabilities).toEqual([
      expect.objectContaining({
        model: "remote",
        declared_score: "auto",
        effective_score: "completions",
        echo: "real",
        chat_logprobs: "yes",
        n: "honoured",
        seed: "honoured",
      }),
    ])
    const findings = JSON.parse(String((stored.capabilities[0] as { findings: string }).findings))
    expect(findings.echo.predictableMean).toBeGreaterThan(findings.echo.scrambledMean + 1)
  })

  it("uses a server without echo in chat mode where nothing needs teacher-forcing, and says so in the record", async () => {
    const { outcome, stored } = await Effect.runPromise(run("ollama", "completions", {}))
    expect(Either.isRight(outcome)).toBe(true)
    expect(stored.capabilities).toEqual([
      expect.objectContaining({
        declared_score: "completions",
        effective_score: "chat",
        echo: "unavailable",
        n: "ignored",
      }),
    ])
  })
})

describe("the kind's data checks on the probed modes", () => {
  it("refuses a margin cascade on a task without fixed labels once the probe finds the proposer cannot teacher-force", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const fake = yield* makeFakeOpenAi({ server: "ollama" })
        const loaded = Either.getOrThrow(
          parseScenario(
            join(dir, "margin.yaml"),
            `
name: margin
kind: ensemble
seed: 3
models:
  cheap: { provider: openai, baseURL: '${fake.baseURL}', model: m, score: auto }
  dear: { provider: sim }
tasks:
  - { kind: cloze, testSize: 4 }
proposers:
  - { name: cheap, model: cheap, shots: 2 }
  - { name: dear, model: dear, shots: 2 }
aggregators:
  - { kind: cascade, confidence: margin, thresholds: [0.5] }
`,
          ),
        )
        const db = join(dir, `margin-${Date.now()}.db`)
        const result = yield* runScenario({
          loaded,
          versions: { lyceum: "test", node: process.version },
          env: {},
        }).pipe(
          Effect.provide([
            Store.layer({ filename: db }),
            Layer.succeed(Progress, { report: () => Effect.void }),
          ]),
          Effect.either,
        )
        return { result, chats: fake.requests().filter((r) => r.endpoint === "chat").length }
      }).pipe(Effect.scoped),
    )
    expect(Either.isLeft(outcome.result)).toBe(true)
    const message = Either.isLeft(outcome.result) ? String(outcome.result.left.message) : ""
    expect(message).toMatch(
      /proposers\[0\]\.model: confidence: margin .* which has no fixed label set, .* "cheap" has score: chat \(the probe of/,
    )
    // Only the probe's requests: no proposer answered anything.
    expect(outcome.chats).toBeLessThanOrEqual(6)
  })
})

describe("token accounting where the server reports none", () => {
  it("counts the endpoint's calls with a tokenizer, marked as estimated, and the sim's as reported", async () => {
    const { outcome, stored } = await Effect.runPromise(run("ollama", "chat", { noUsage: true }))
    expect(Either.isRight(outcome)).toBe(true)
    const usage = stored.usage as ReadonlyArray<{
      agent_id: string
      calls: number
      estimated: number
      prompt: number
    }>
    const teacher = usage.find((row) => row.agent_id === "teacher-1")!
    expect(teacher.calls).toBeGreaterThan(0)
    expect(teacher.estimated).toBe(teacher.calls)
    expect(teacher.prompt).toBeGreaterThan(0)
    const student = usage.find((row) => row.agent_id === "student-1")!
    expect(student.estimated).toBe(0)
  })
})

describe("effectiveScore", () => {
  const found = (echo: "real" | "ignored" | "unavailable", chat: "yes" | "no" | "unknown") =>
    ({ echo: { verdict: echo }, chatLogprobs: { verdict: chat } }) as unknown as ModelCapabilities
  it("takes echo only where it is real, chat logprobs next, and never upgrades none or chat", () => {
    expect(effectiveScore("completions", found("real", "yes"))).toBe("completions")
    expect(effectiveScore("completions", found("ignored", "yes"))).toBe("chat")
    expect(effectiveScore("auto", found("unavailable", "no"))).toBe("none")
    expect(effectiveScore("chat", found("real", "yes"))).toBe("chat")
    expect(effectiveScore("chat", found("real", "no"))).toBe("none")
    expect(effectiveScore("none", found("real", "yes"))).toBe("none")
  })

  it("keeps the declared mode when the echo requests got no answer that says anything (busy, down, 5xx)", () => {
    const busy = {
      echo: { verdict: "unavailable", inconclusive: true },
      chatLogprobs: { verdict: "yes" },
    } as unknown as ModelCapabilities
    expect(effectiveScore("completions", busy)).toBe("completions")
    expect(effectiveScore("auto", busy)).toBe("auto")
    expect(effectiveScore("chat", busy)).toBe("chat")
  })
})
