import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { loadScenario } from "@lyceum/kinds"
import { Effect } from "effect"
import { makeFakeOpenAi } from "../../../packages/models/test/support/FakeOpenAi.js"
import { modelsTable } from "../src/ModelsCommand.js"

/** A local port nothing listens on (connection refused). */
const closedPort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number }
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** `lyceum models check` on a scenario whose models sit on fake servers of each kind, and one that is down. */
describe("lyceum models check", () => {
  it.scopedLive("prints one row per declared model with the truth of its endpoint, never failing", () =>
    Effect.gen(function* () {
      const vllm = yield* makeFakeOpenAi({ server: "vllm" })
      const llama = yield* makeFakeOpenAi({ server: "llamacpp", maxChoices: 1 })
      const ollama = yield* makeFakeOpenAi({ server: "ollama" })
      const gpt = yield* makeFakeOpenAi({ server: "openai" })
      const port = yield* closedPort
      const dir = mkdtempSync(join(tmpdir(), "lyceum-models-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const file = join(dir, "check.yaml")
      writeFileSync(
        file,
        `name: check
seed: 1
rounds: [1]
models:
  sim: { provider: sim }
  big: { provider: openai, preset: vllm, model: qwen, baseURL: "${vllm.baseURL}" }
  llama: { provider: openai, preset: llamacpp, model: llama, baseURL: "${llama.baseURL}" }
  trap: { provider: openai, model: llama, baseURL: "${llama.baseURL}", score: completions }
  local: { provider: openai, preset: ollama, model: llama3.2, baseURL: "${ollama.baseURL}" }
  gpt: { provider: openai, model: gpt-4o-mini, baseURL: "${gpt.baseURL}" }
  nokey: { provider: openai, preset: openai, model: gpt-4o }
  down: { provider: openai, model: x, baseURL: "http://127.0.0.1:${port}/v1" }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 1, model: sim }
students: { count: 1, model: sim }
methods:
  - { strategy: zero-shot }
`,
      )
      const loaded = yield* loadScenario(file)
      const table = yield* modelsTable(loaded.scenario.models, {}, { timeoutMs: 2000 })
      const row = (name: string) => table.split("\n").find((line) => line.startsWith(`${name} `)) ?? ""
      expect(table.split("\n")[0]).toMatch(
        /^model\s+endpoint\s+completions\s+echo-scoring\s+chat logprobs\s+n>1\s+seed\s+score: declared → run$/,
      )
      expect(row("sim")).toMatch(/built in\s+-\s+exact\s+exact\s+honoured\s+honoured/)
      expect(table).toContain("sim: sim scores exactly, n and seed honoured (built in)")
      expect(row("big")).toMatch(
        /answers\s+real \(-0\.05 vs -2\.\d+ scrambled\)\s+yes \(top 2\)\s+honoured \(2\/2\)\s+honoured/,
      )
      expect(row("llama")).toMatch(
        /answers\s+ignored\s+yes \(top 2\)\s+ignored \(1\/2\)\s+honoured\s+chat → chat$/,
      )
      // The llama.cpp trap: a model declaring echo-scoring on a server that ignores echo is used in chat mode.
      expect(row("trap")).toMatch(
        /answers\s+ignored\s+yes \(top 2\)\s+ignored \(1\/2\)\s+honoured\s+completions → chat$/,
      )
      expect(row("big")).toMatch(/completions → completions$/)
      expect(row("gpt")).toMatch(/completions → chat$/)
      expect(row("local")).toMatch(/answers\s+unavailable\s+yes \(top 2\)\s+ignored \(1\/2\)\s+honoured/)
      expect(row("gpt")).toMatch(/no\s+unavailable\s+yes \(top 2\)\s+honoured \(2\/2\)\s+honoured/)
      expect(row("nokey")).toContain("not probed: see below")
      expect(table).toContain(
        'nokey: Model "nokey" reads its API key from the environment variable OPENAI_API_KEY',
      )
      expect(row("down")).toContain("endpoint does not answer: see below")
      expect(table).toContain(`down: Could not reach http://127.0.0.1:${port}/v1`)
      expect(table).toMatch(/llama: echo-scoring ignored: .*did not echo the prompt/)
    }),
  )
})
