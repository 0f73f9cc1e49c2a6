import { writeFileSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { processesOnNats } from "./support/WorkerProcesses.js"

/**
 * The population kind's shards are only a way to split the work: a population played in one process, with its
 * shards dealt over two `lyceum worker` processes on a real nats-server, or cut into other shard sizes, stores
 * the same rows. Random eviction from a small memory and two lessons a round make every agent's random stream
 * matter. Sixty seeds share the spam examples, so the first seed's canary is one of few lessons it can teach: with
 * this seed it is taught within three rounds under both methods, and travels with the filter off (flag) and is
 * dropped with it on.
 */
const nats = processesOnNats("lyceum-population-workers-e2e-")
const { dir, startWorker, run } = nats

const scenario = (shardSize: number) => `
name: population-workers
kind: population
seed: 2
repeats: 1
models:
  sim: { provider: sim }
tasks:
  - { kind: spam, testSize: 20 }
agents: 300
shardSize: ${shardSize}
model: sim
topology: { kind: small-world, degree: 4, rewire: 0.2 }
seeds: { count: 60 }
private: { examples: 1 }
memory: { capacity: 2, eviction: random }
rounds: 3
learning: { neighbours: 2, fraction: 0.8 }
evaluate: { agents: 12, items: 4 }
canary: { kind: code, candidates: 10 }
methods:
  - { name: filter-off, strategy: original-examples, privacy: { verbatim: flag, secrets: flag } }
  - { name: filter-on, strategy: original-examples, privacy: { verbatim: flag, secrets: drop } }
`

const write = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

/** Every row a population run stores, ordered, without run ids and wall-clock times. */
const rowsOf = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const all = (sql: string) => sqlite.prepare(sql).all() as Array<Record<string, unknown>>
  const rows = {
    runs: all("SELECT kind, status FROM runs"),
    steps: all("SELECT repeat, task, method, step FROM cohort_steps ORDER BY repeat, task, method, step"),
    rounds: all("SELECT * FROM population_rounds ORDER BY repeat, task, method, round, hop"),
    agents: all("SELECT * FROM population_agents ORDER BY repeat, task, method, round, agent"),
    evaluations: all("SELECT * FROM evaluations ORDER BY repeat, task, method, round, student, item_id"),
    lessons: all("SELECT * FROM lessons ORDER BY id").map(({ created_at: _, ...row }) => row),
    // Without the HMAC of the matched text: each filter keys it with random bytes (no hash is comparable across
    // filters, so none can be looked up against a guessed secret).
    findings: all("SELECT * FROM filter_findings ORDER BY lesson_id, detector, start").map(
      ({ matched_hash: _, ...row }) => row,
    ),
    leakage: all("SELECT * FROM leakage ORDER BY repeat, task, method, round, student, metric"),
    usage: all("SELECT * FROM model_usage ORDER BY repeat, task, method, round, agent_id, model"),
  }
  const ids = all("SELECT id FROM runs").map((r) => r.id as string)
  sqlite.close()
  let text = JSON.stringify(rows)
  for (const id of ids) text = text.replaceAll(id, "<run>")
  return JSON.parse(text) as typeof rows
}

/** Model usage summed over the shards (its rows are per shard, so they differ with the shard size). */
const usageTotals = (usage: ReadonlyArray<Record<string, unknown>>) => {
  const totals = new Map<string, { calls: number; prompt: number; completion: number }>()
  for (const u of usage) {
    const key = `${u.repeat}/${u.task}/${u.method}/${u.round}/${u.model}`
    const t = totals.get(key) ?? { calls: 0, prompt: 0, completion: 0 }
    t.calls += u.calls as number
    t.prompt += u.prompt_tokens as number
    t.completion += u.completion_tokens as number
    totals.set(key, t)
  }
  return Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)))
}

describe("a population over lyceum workers and shard sizes", () => {
  it("stores the rows of one process when its shards are dealt over two workers on NATS", async () => {
    const [w1, w2] = await Promise.all([startWorker("w1"), startWorker("w2")])
    const file = write("fifty.yaml", scenario(50))
    const alone = join(dir, "alone.db")
    const placed = join(dir, "placed.db")
    const one = await run(file, alone)
    expect(one.stderr).toContain("completed")
    expect(one.status).toBe(0)
    const result = await run(file, placed, "--nats", nats.url, "--workers", "w1,w2")
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    const a = rowsOf(alone)
    const b = rowsOf(placed)
    // 2 methods × rounds 0..3; the canary travels with the filter off and is dropped with it on.
    expect(b.runs).toEqual([{ kind: "population", status: "completed" }])
    expect(b.steps).toHaveLength(2 * 4)
    expect(b.agents).toHaveLength(2 * 4 * 12)
    expect(b.evaluations).toHaveLength(2 * 4 * 12 * 4)
    expect(b.lessons.length).toBeGreaterThan(0)
    expect(b.leakage.length).toBeGreaterThan(0)
    const total = (method: string, column: string) =>
      b.rounds.filter((r) => r.method === method).reduce((s, r) => s + (r[column] as number), 0)
    expect(total("filter-off", "canary_holders")).toBeGreaterThan(0)
    expect(total("filter-off", "lessons_dropped")).toBe(0)
    expect(total("filter-on", "canary_holders")).toBe(0)
    expect(total("filter-on", "lessons_dropped")).toBeGreaterThan(0)
    // Usage is metered per shard (only the panel's shards call the model: lessons are verbatim examples).
    expect(new Set(b.usage.map((u) => u.agent_id)).size).toBeGreaterThan(1)
    expect(b).toEqual(a)
    // The shards were dealt over both workers.
    for (const w of [w1, w2]) expect(w.log.some((line) => / hosting .*shard-\d+/.test(line))).toBe(true)
    const hosted = [...w1.log, ...w2.log].filter((line) => / hosting /.test(line)).join("\n")
    for (let s = 0; s < 6; s++) expect(hosted).toMatch(new RegExp(`shard-${s}\\b`))
  })

  it("stores the same rows whatever the shard size (one shard of 300, or 43 shards of at most 7)", async () => {
    const whole = join(dir, "whole.db")
    const sevens = join(dir, "sevens.db")
    expect((await run(write("whole.yaml", scenario(300)), whole)).status).toBe(0)
    expect((await run(write("sevens.yaml", scenario(7)), sevens)).status).toBe(0)
    const { usage: wholeUsage, ...a } = rowsOf(whole)
    const { usage: sevensUsage, ...b } = rowsOf(sevens)
    expect(a.steps).toHaveLength(2 * 4)
    expect(b).toEqual(a)
    expect(new Set(wholeUsage.map((u) => u.agent_id)).size).toBe(1)
    expect(new Set(sevensUsage.map((u) => u.agent_id)).size).toBeGreaterThan(1)
    expect(usageTotals(sevensUsage)).toEqual(usageTotals(wholeUsage))
  })
})
