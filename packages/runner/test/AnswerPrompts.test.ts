import { rmSync } from "node:fs"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
// The ensemble's wire helpers: the runner over the project's OpenAI-wire test server, into SQLite.
import { modelEntry, promptOf, type Row, runWire, tempDir } from "../../ensemble/test/wire.js"
import { type FakeOpenAi, makeFakeOpenAi } from "../../models/test/support/FakeOpenAi.js"

/**
 * Every kind stores each graded answer with the prompt its model was asked (migration 0013): the prompts a
 * recording server received are exactly the stored ones, deduplicated per run. An agent holding private data
 * (an ensemble proposer, a population agent) has its own examples replaced by a note unless the scenario keeps
 * withheld text.
 */
const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const STORED = `SELECT e.student, e.item_id, e.prompt_hash, p.text FROM evaluations e
  LEFT JOIN prompt_texts p ON p.run_id = e.run_id AND p.hash = e.prompt_hash WHERE e.run_id = ?`

/** The generation prompts the server received (chat requests: the whole prompt is the last message). */
const asked = (server: FakeOpenAi) =>
  new Set(
    server
      .requests()
      .filter((r) => r.endpoint === "chat")
      .map((r) => promptOf(r.body) as string),
  )

const play = (name: string, yaml: (server: FakeOpenAi) => string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* makeFakeOpenAi()
        const run = yield* runWire(dir, name, yaml(server))
        expect(run.failure).toBeUndefined()
        expect(run.status).toBe("completed")
        const rows = yield* Effect.promise(() => run.query(STORED, [run.runId]))
        const prompts = yield* Effect.promise(() =>
          run.query("SELECT COUNT(*) AS n FROM prompts WHERE run_id = ?", [run.runId]),
        )
        const contexts = yield* Effect.promise(() =>
          run.query("SELECT COUNT(*) AS n FROM prompt_contexts WHERE run_id = ?", [run.runId]),
        )
        return {
          rows,
          asked: asked(server),
          stored: prompts[0]!.n as number,
          contexts: contexts[0]!.n as number,
        }
      }),
    ),
  )

const texts = (rows: ReadonlyArray<Row>) => new Set(rows.map((r) => r.text as string))

describe("graded answers keep their prompts", () => {
  it("social learning: every student's answer with the prompt it was asked", async () => {
    const { rows, asked, stored, contexts } = await play(
      "sl",
      (server) => `
name: sl
seed: 3
rounds: [2]
models: { m: ${modelEntry(server, "m-1b")} }
tasks: [{ kind: spam, testSize: 4 }]
teachers: { count: 2, model: m }
students: { count: 2, model: m }
methods: [{ strategy: original-examples, privacy: { verbatim: flag } }]
`,
    )
    // 2 students × 4 items × rounds 0 and 1.
    expect(rows).toHaveLength(16)
    expect(rows.every((r) => typeof r.text === "string" && (r.text as string).length > 0)).toBe(true)
    // Only students generate here: what they were asked is exactly what is stored.
    expect(texts(rows)).toEqual(asked)
    // Round 0's prompts are the same for both students (no lessons yet): stored once.
    expect(stored).toBe(texts(rows).size)
    expect(stored).toBeLessThan(rows.length)
    // Round 1's lessons are stored once per student (or once for both), not once per item; round 0 has none.
    expect(contexts).toBeGreaterThanOrEqual(1)
    expect(contexts).toBeLessThanOrEqual(2)
  })

  it("ensemble: a proposer's prompt as asked when withheld text is kept, its examples noted by default", async () => {
    const yaml = (keep: boolean) => (server: FakeOpenAi) =>
      `
name: ens
kind: ensemble
seed: 5
models: { m: ${modelEntry(server, "m-1b")} }
tasks: [{ kind: spam, testSize: 3 }]
proposers:
  - { name: a, model: m, shots: 2 }
  - { name: b, model: m, shots: 0, instruction: "Say spam or not spam." }
aggregators: [{ kind: vote }]
privacy: { keepDroppedText: ${keep} }
`
    const kept = await play("ens-kept", yaml(true))
    const proposers = kept.rows.filter((r) => r.student !== "coalition")
    expect(proposers).toHaveLength(6)
    expect(texts(proposers)).toEqual(kept.asked)
    // The coalition's answer is aggregated from several prompts: it has none.
    expect(kept.rows.filter((r) => r.student === "coalition").map((r) => r.prompt_hash)).toEqual([
      null,
      null,
      null,
    ])

    const masked = await play("ens-masked", yaml(false))
    const byAgent = (agent: string) =>
      masked.rows.filter((r) => r.student === agent).map((r) => r.text as string)
    // Proposer a's two private examples are a note; b holds none, so its prompt is stored as asked.
    for (const prompt of byAgent("a")) {
      expect(prompt).toContain("[2 private in-context examples withheld]")
      expect(masked.asked.has(prompt)).toBe(false)
    }
    for (const prompt of byAgent("b")) expect(masked.asked.has(prompt)).toBe(true)
    // Apart from the note, a's stored prompt is what it was asked: the same item after its examples.
    const asked = [...masked.asked]
    for (const prompt of byAgent("a")) {
      const item = prompt.slice(prompt.indexOf("withheld]") + "withheld]".length)
      expect(asked.some((p) => p.endsWith(item) && p !== prompt)).toBe(true)
    }
  })

  it("population: each panel agent's answers with the prompt it was asked; its own examples noted by default", async () => {
    const yaml = (keep: boolean) => (server: FakeOpenAi) =>
      `
name: pop
kind: population
seed: 15
models: { m: ${modelEntry(server, "m-1b")} }
tasks: [{ kind: spam, testSize: 6 }]
agents: 12
model: m
topology: { kind: ring, degree: 2 }
seeds: { count: 2 }
memory: { capacity: 4, eviction: oldest }
rounds: 2
learning: { neighbours: 1 }
evaluate: { agents: 5, items: 3 }
methods: [{ name: relay, strategy: original-examples, privacy: { verbatim: flag } }]
private: { examples: 1 }
privacy: { keepDroppedText: ${keep} }
`
    const { rows, asked, stored } = await play("pop-kept", yaml(true))
    // 5 panel agents × 3 items × rounds 0..2.
    expect(rows).toHaveLength(45)
    expect(texts(rows)).toEqual(asked)
    expect(stored).toBe(texts(rows).size)

    // By default every agent's own example (each holds one, seeds many) is a note, never the example itself.
    const masked = await play("pop-masked", yaml(false))
    expect(masked.rows).toHaveLength(45)
    for (const row of masked.rows) {
      expect(row.text).toMatch(/^\[\d+ private examples withheld\]/)
      expect(masked.asked.has(row.text as string)).toBe(false)
    }
  })
})
