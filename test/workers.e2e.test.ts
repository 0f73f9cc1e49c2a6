import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { processesOnNats, root } from "./support/WorkerProcesses.js"

const nats = processesOnNats("lyceum-workers-e2e-")
const { dir, startWorker, run } = nats

const results = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const out = {
    curve: sqlite
      .prepare("SELECT repeat, round, student, method, value FROM learning_curve ORDER BY 1, 2, 3, 4")
      .all(),
    lessons: sqlite.prepare("SELECT id, text, filter_action, sent, chosen FROM lessons ORDER BY id").all(),
    usage: sqlite
      .prepare(
        "SELECT repeat, round, method, agent_id, calls, prompt_tokens FROM model_usage ORDER BY 1, 2, 3, 4",
      )
      .all(),
  }
  sqlite.close()
  return out
}

describe("lyceum worker", () => {
  it("hosts a run's agents in other processes, with the same results as one process", async () => {
    const [w1, w2] = await Promise.all([startWorker("w1"), startWorker("w2")])
    const alone = join(dir, "alone.db")
    const placed = join(dir, "placed.db")
    // The shipped canary scenario, with fewer trials: three methods, a canary, four teachers.
    const small = join(dir, "canary.yaml")
    writeFileSync(
      small,
      readFileSync(join(root, "scenarios/privacy-canary.yaml"), "utf8")
        .replace(/^repeats: \d+$/m, "repeats: 2")
        .replace("candidates: 1000", "candidates: 50"),
    )
    expect((await run(small, alone)).status).toBe(0)
    const result = await run(small, placed, "--nats", nats.url, "--workers", "w1,w2")
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    const a = results(alone)
    const b = results(placed)
    expect(b.curve.length).toBeGreaterThan(0)
    expect(b.curve).toEqual(a.curve)
    expect(b.lessons).toEqual(a.lessons)
    expect(b.usage).toEqual(a.usage)
    // Four teachers and a student dealt out in turn, each cohort starting one worker further: both host.
    expect(w1.log.some((line) => /hosting teacher-\d/.test(line))).toBe(true)
    expect(w2.log.some((line) => /hosting teacher-\d/.test(line))).toBe(true)
    expect([...w1.log, ...w2.log].some((line) => /hosting .*student-1/.test(line))).toBe(true)
  })

  it("refuses --workers without --nats, saying what to add", async () => {
    const result = await run("scenarios/quickstart.yaml", join(dir, "nonats.db"), "--workers", "w1")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("--workers needs --nats")
  })

  it("fails the run naming the worker that died, and keeps every round finished before", async () => {
    const [, doomed] = await Promise.all([startWorker("w3"), startWorker("w4")])
    const db = join(dir, "lost.db")
    const scenario = join(dir, "long.yaml")
    writeFileSync(
      scenario,
      "name: long\nrepeats: 50\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n" +
        "tasks: [{ kind: spam, testSize: 100 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
        "methods: [{ strategy: synthetic-examples }]\n",
    )
    const running = run(scenario, db, "--nats", nats.url, "--workers", "w3,w4")
    // Kill w4 once some rounds are in the database.
    for (let i = 0; i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      try {
        const sqlite = new Database(db, { readonly: true })
        const { n } = sqlite.prepare("SELECT COUNT(*) AS n FROM learning_curve").get() as { n: number }
        sqlite.close()
        if (n >= 4) break
      } catch {
        // Not created yet.
      }
    }
    doomed.child.kill("SIGKILL")
    const result = await running
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/worker w4 stopped answering .* while hosting (teacher|student)-\d/)
    expect(result.stderr).toContain("lyceum worker --nats URL --name w4")
    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.prepare("SELECT status FROM runs").get()).toEqual({ status: "failed" })
    const rounds = sqlite.prepare("SELECT COUNT(*) AS n FROM learning_curve").get() as { n: number }
    sqlite.close()
    expect(rounds.n).toBeGreaterThanOrEqual(4)
    expect(rounds.n).toBeLessThan(50 * 4 * 2)
  })
})
