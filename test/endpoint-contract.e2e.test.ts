import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { OpenAiModelConfig, probeOpenAiModel } from "@lyceum/models"
import Database from "better-sqlite3"
import { Effect, Exit, Schema, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeServer, RecordedRequest } from "../packages/models/test/support/FakeOpenAi.js"
import { makeSimOpenAi, type SimOpenAi } from "./support/SimOpenAiServer.js"

/**
 * Issue 13's contract: the shipped scenario per server (scenarios/servers/*.yaml) run through the built CLI as a
 * user runs it, against a local server answering from the sim model with that server's documented shapes and
 * limits (test/support/SimOpenAiServer.ts). Each must give correct results where the server can, a clear refusal
 * where it cannot, and never a chance-level measurement taken silently.
 */

const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-contract-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the built CLI as a user would; asynchronous, since the server answering it lives in this process. */
const lyceum = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      // The OpenAI defaults of the machine running the tests must not reach a scenario.
      env: { ...process.env, OPENAI_BASE_URL: "", OPENAI_API_KEY: "", ...env },
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

interface Mode {
  readonly server: FakeServer
  /** The scenario's base URL, replaced by the local server's (openai: none, OPENAI_BASE_URL is the convention). */
  readonly baseURL: string | undefined
  /** `lyceum models check`'s cells for the model: completions, echo-scoring, chat logprobs, n>1, seed. */
  readonly table: RegExp
  readonly rankedBy: "prompt-score" | "generation-logprobs"
  readonly capabilities: {
    echo: string
    chat_logprobs: string
    n: string
    seed: string
    effective_score: string
  }
}

const modes: ReadonlyArray<Mode> = [
  {
    server: "vllm",
    baseURL: "http://localhost:8000/v1",
    table:
      /answers\s+real \(-?[\d.]+ vs -?[\d.]+ scrambled\)\s+yes \(top 2\)\s+honoured \(2\/2\)\s+honoured\s+completions → completions/,
    rankedBy: "prompt-score",
    capabilities: {
      echo: "real",
      chat_logprobs: "yes",
      n: "honoured",
      seed: "honoured",
      effective_score: "completions",
    },
  },
  {
    server: "ollama",
    baseURL: "http://localhost:11434/v1",
    table: /answers\s+unavailable\s+yes \(top 2\)\s+ignored \(1\/2\)\s+honoured\s+chat → chat/,
    rankedBy: "generation-logprobs",
    capabilities: {
      echo: "unavailable",
      chat_logprobs: "yes",
      n: "ignored",
      seed: "honoured",
      effective_score: "chat",
    },
  },
  {
    server: "llamacpp",
    baseURL: "http://localhost:8080/v1",
    table: /answers\s+ignored\s+yes \(top 2\)\s+honoured \(2\/2\)\s+honoured\s+chat → chat/,
    rankedBy: "generation-logprobs",
    capabilities: {
      echo: "ignored",
      chat_logprobs: "yes",
      n: "honoured",
      seed: "honoured",
      effective_score: "chat",
    },
  },
  {
    server: "openai",
    baseURL: undefined,
    table: /no\s+unavailable\s+yes \(top 2\)\s+honoured \(2\/2\)\s+honoured\s+chat → chat/,
    rankedBy: "generation-logprobs",
    capabilities: {
      echo: "unavailable",
      chat_logprobs: "yes",
      n: "honoured",
      seed: "honoured",
      effective_score: "chat",
    },
  },
]

const canaryBlock = "\ncanary:\n  template: spam-code\n  candidates: 100\n"

/** What identifies a request's content: the route and its prompt or messages. */
const signature = (request: RecordedRequest) =>
  `${request.endpoint}:${JSON.stringify(request.body.prompt ?? request.body.messages)}`

/** The choices a request got: what it asked for, as far as the server gives (Ollama 1, llama.cpp its 2 slots). */
const choicesOf = (mode: FakeServer, request: RecordedRequest): number =>
  Math.min(request.body.n ?? 1, mode === "ollama" ? 1 : mode === "llamacpp" ? 2 : Number.POSITIVE_INFINITY)

describe.each(modes)("a $server-shaped server and its shipped scenario", (mode) => {
  const scope = Effect.runSync(Scope.make())
  let server: SimOpenAi
  let text: string
  /** The requests the capability probe sends (`lyceum models check` and `lyceum run` alike), by content. */
  let probeRequests: ReadonlySet<string>
  /** The requests the server got beyond the capability probe's since `from`. */
  const beyondProbe = (from: number) =>
    server
      .requests()
      .slice(from)
      .filter((request) => !probeRequests.has(signature(request)))
  const env = (): Record<string, string> =>
    mode.server === "openai" ? { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-contract-test" } : {}
  /** Writes the shipped scenario, edited by `edit`, and returns its path. */
  const scenario = (name: string, edit: (yaml: string) => string = (yaml) => yaml) => {
    const path = join(dir, `${mode.server}-${name}.yaml`)
    writeFileSync(path, edit(text))
    return path
  }

  beforeAll(async () => {
    server = await Effect.runPromise(Scope.extend(makeSimOpenAi({ server: mode.server }), scope))
    const shipped = readFileSync(join(root, "scenarios/servers", `${mode.server}.yaml`), "utf8")
    if (mode.baseURL !== undefined) expect(shipped).toContain(`baseURL: ${mode.baseURL}`)
    text = mode.baseURL === undefined ? shipped : shipped.replace(mode.baseURL, server.baseURL)
    const config = Schema.decodeUnknownSync(OpenAiModelConfig)({
      provider: "openai",
      baseURL: server.baseURL,
      model: "probe",
    })
    await Effect.runPromise(probeOpenAiModel("probe", config, {}))
    probeRequests = new Set(server.requests().map(signature))
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("lyceum models check prints what the server really does", async () => {
    const check = await lyceum(["models", "check", scenario("check")], env())
    expect(check.code, check.stderr).toBe(0)
    const row = check.stdout.split("\n").find((line) => line.startsWith("llm "))
    expect(row, check.stdout).toMatch(mode.table)
  })

  it("validates and runs end to end, ranking as the server allows, with the probe's verdicts recorded", async () => {
    const file = scenario("run")
    const validate = await lyceum(["validate", file], env())
    expect(validate.code, validate.stderr).toBe(0)
    const from = server.requests().length
    const db = join(dir, `${mode.server}.db`)
    const run = await lyceum(["run", file, "--db", db], env())
    expect(run.code, run.stderr).toBe(0)

    const sqlite = new Database(db, { readonly: true })
    const runs = sqlite.prepare("SELECT status FROM runs").all()
    expect(runs).toEqual([{ status: "completed" }])
    const capabilities = sqlite
      .prepare(
        "SELECT model, base_url, declared_score, effective_score, echo, chat_logprobs, n, seed FROM model_capabilities",
      )
      .all()
    expect(capabilities).toEqual([
      {
        model: "llm",
        base_url: server.baseURL,
        declared_score: mode.server === "vllm" ? "completions" : "chat",
        ...mode.capabilities,
      },
    ])
    const ranked = sqlite
      .prepare(
        "SELECT ranked_by, COUNT(*) AS n FROM lessons WHERE method = 'synthetic-examples' GROUP BY ranked_by",
      )
      .all()
    // 2 teachers x 4 samples, every one ranked the one way the server allows.
    expect(ranked).toEqual([{ ranked_by: mode.rankedBy, n: 8 }])
    const curve = sqlite
      .prepare("SELECT method, round, n_items FROM learning_curve ORDER BY method, round")
      .all() as Array<{ method: string; round: number; n_items: number }>
    expect(curve.map((row) => `${row.method} ${row.round} ${row.n_items}`)).toEqual([
      "instruction 0 20",
      "instruction 1 20",
      "synthetic-examples 0 20",
      "synthetic-examples 1 20",
    ])

    const requests = beyondProbe(from)
    const echoScoring = requests.filter((r) => r.endpoint === "completions" && r.body.echo === true)
    const generationLogprobs = requests.filter((r) => r.endpoint === "chat" && r.body.logprobs === true)
    if (mode.server === "vllm") {
      // Teacher-forcing through echo ranks the samples and measures the canary (2 methods x 100 candidates).
      expect(echoScoring.length).toBeGreaterThanOrEqual(200)
      expect(generationLogprobs).toEqual([])
      const ranks = sqlite
        .prepare("SELECT method, value FROM leakage_measures WHERE metric = 'canary_rank' ORDER BY method")
        .all() as Array<{ method: string; value: number }>
      expect(ranks.map((r) => r.method)).toEqual(["instruction", "synthetic-examples"])
      for (const { value } of ranks) expect(value).toBeGreaterThanOrEqual(0)
      for (const { value } of ranks) expect(value).toBeLessThan(100)
    } else {
      // Nothing is teacher-forced where the server cannot: the samples come with their generation log-probs,
      // all 8 of them, however many requests the server's n makes that.
      expect(requests.filter((r) => r.endpoint === "completions")).toEqual([])
      expect(generationLogprobs.reduce((sum, r) => sum + choicesOf(mode.server, r), 0)).toBe(8)
      expect(sqlite.prepare("SELECT COUNT(*) AS n FROM leakage_measures").get()).toEqual({ n: 0 })
    }
    sqlite.close()
  })

  it.runIf(mode.server !== "vllm")(
    "refuses a canary at validation, naming the model, its server and the alternatives",
    async () => {
      const from = server.requests().length
      const file = scenario("canary", (yaml) => yaml + canaryBlock)
      const validate = await lyceum(["validate", file], env())
      expect(validate.code).not.toBe(0)
      expect(validate.stderr).toContain(`line ${text.split("\n").length + 1}, canary:`)
      expect(validate.stderr).toContain('model "llm"')
      expect(validate.stderr).toContain(`preset ${mode.server}`)
      expect(validate.stderr).toMatch(/teacher-force/)
      // The alternatives the issue names: a server that teacher-forces (vLLM), or the sim model as scorer.
      expect(validate.stderr).toMatch(/\bsim\b/)
      expect(validate.stderr).toMatch(/vLLM|preset vllm/)
      // run refuses the same before anything is asked of the server or written.
      const db = join(dir, `${mode.server}-canary.db`)
      const run = await lyceum(["run", file, "--db", db], env())
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('model "llm"')
      expect(existsSync(db)).toBe(false)
      expect(server.requests().length).toBe(from)
    },
  )

  it.runIf(mode.server === "llamacpp")(
    "catches the ignored echo of a model declared score: completions before anything is spent",
    async () => {
      const file = scenario(
        "trap",
        (yaml) =>
          yaml.replace("    preset: llamacpp", "    score: completions\n    preset: llamacpp") + canaryBlock,
      )
      // As declared, echo-scoring would serve the canary: validation cannot know the server ignores echo.
      const validate = await lyceum(["validate", file], env())
      expect(validate.code, validate.stderr).toBe(0)
      // lyceum models check says what run will do with it.
      const check = await lyceum(["models", "check", file], env())
      expect(check.stdout.split("\n").find((line) => line.startsWith("llm "))).toMatch(
        /answers\s+ignored\s+.*completions → chat/,
      )
      const from = server.requests().length
      const db = join(dir, "llamacpp-trap.db")
      const run = await lyceum(["run", file, "--db", db], env())
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('model "llm"')
      expect(run.stderr).toContain(`the probe of ${server.baseURL} found echo-scoring ignored`)
      expect(run.stderr).toMatch(/canary/)
      // The probe asked its questions; nothing else reached the server, and no run was recorded.
      expect(server.requests().length).toBeGreaterThan(from)
      expect(beyondProbe(from)).toEqual([])
      expect(existsSync(db)).toBe(false)
    },
  )
})

describe("the sim-backed server's wire shapes", () => {
  const completion = (baseURL: string, body: Record<string, unknown>) =>
    fetch(`${baseURL}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", ...body }),
    })
  const prompt = "one two three four five six seven"
  const shapes = (server: FakeServer) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const sim = yield* makeSimOpenAi({ server })
          return yield* Effect.promise(async () => {
            const response = await completion(sim.baseURL, {
              prompt,
              echo: true,
              logprobs: 1,
              max_tokens: 2,
              n: 3,
              temperature: 0,
            })
            // biome-ignore lint/suspicious/noExplicitAny: a response body as JSON, inspected by the tests
            return { status: response.status, body: (await response.json()) as any }
          })
        }),
      ),
    )

  it("vLLM echoes the prompt's log-probabilities, the first null, then the generated tokens'", async () => {
    const { status, body } = await shapes("vllm")
    expect(status).toBe(200)
    expect(body.choices).toHaveLength(3)
    const { text, logprobs } = body.choices[0]
    expect(text.startsWith(prompt)).toBe(true)
    expect(logprobs.tokens.join("")).toBe(text)
    expect(logprobs.token_logprobs[0]).toBeNull()
    expect(logprobs.token_logprobs.slice(1).every((v: unknown) => typeof v === "number")).toBe(true)
    expect(logprobs.tokens).toHaveLength(7 + 2)
    expect(logprobs.text_offset.slice(0, 3)).toEqual([0, 3, 7])
    // "seven" after "one .. six" is near certain to a model that counts.
    expect(logprobs.token_logprobs[6]).toBeGreaterThan(-1)
  })

  it("Ollama ignores echo and n and returns no logprobs; llama.cpp gives the generated tokens' only", async () => {
    const ollama = await shapes("ollama")
    expect(ollama.body.choices).toHaveLength(1)
    expect(ollama.body.choices[0].text.startsWith(prompt)).toBe(false)
    expect(ollama.body.choices[0].logprobs).toBeNull()
    const llama = await shapes("llamacpp")
    expect(llama.body.choices).toHaveLength(2) // its two slots
    const { text, logprobs } = llama.body.choices[0]
    expect(text.startsWith(prompt)).toBe(false)
    expect(logprobs.tokens.join("")).toBe(text)
    expect(logprobs.tokens).toHaveLength(2)
    expect(logprobs.text_offset[0]).toBe(0)
  })

  it("OpenAI has no completions route", async () => {
    expect((await shapes("openai")).status).toBe(404)
  })
})
