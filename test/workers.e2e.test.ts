import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { processesOnNats, root } from "./support/WorkerProcesses.js"

// With the monitoring endpoint: what the server delivered to each connection is the measure of who received what.
const nats = processesOnNats("lyceum-workers-e2e-", { extraConfig: 'http: "127.0.0.1:-1"' })
const { dir, startWorker, run } = nats

/** Messages published by (`in`) and delivered to (`out`) each connection so far, closed ones included. */
const messageCounts = async () => {
  const { server } = nats
  const ports = JSON.parse(
    readFileSync(join(dirname(server.storeDir), `nats-server_${server.pid}.ports`), "utf8"),
  ) as { monitoring: ReadonlyArray<string> }
  const response = await fetch(`${ports.monitoring[0]}/connz?state=all&limit=10000`)
  const { connections } = (await response.json()) as {
    connections: ReadonlyArray<{ cid: number; name?: string; in_msgs: number; out_msgs: number }>
  }
  return new Map(connections.map((c) => [c.cid, { name: c.name ?? "", in: c.in_msgs, out: c.out_msgs }]))
}

/** Per connection name: what it published and was delivered between two `messageCounts`. */
const countsBetween = (
  before: Awaited<ReturnType<typeof messageCounts>>,
  after: Awaited<ReturnType<typeof messageCounts>>,
) => {
  const byName = new Map<string, { in: number; out: number }>()
  for (const [cid, now] of after) {
    const then = before.get(cid) ?? { in: 0, out: 0 }
    const sum = byName.get(now.name) ?? { in: 0, out: 0 }
    byName.set(now.name, { in: sum.in + now.in - then.in, out: sum.out + now.out - then.out })
  }
  return byName
}

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

/** Waits until `db` holds at least `n` learning-curve rows (up to 20 s); how many it holds then. */
const roundsOnceAtLeast = async (db: string, n: number) => {
  let rows = 0
  for (let i = 0; i < 200 && rows < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    try {
      const sqlite = new Database(db, { readonly: true })
      rows = (sqlite.prepare("SELECT COUNT(*) AS n FROM learning_curve").get() as { n: number }).n
      sqlite.close()
    } catch {
      // Not created yet.
    }
  }
  return rows
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
    const before = await messageCounts()
    const result = await run(small, placed, "--nats", nats.url, "--workers", "w1,w2")
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    // The actor traffic: what the three transports (coordinator, w1, w2) published, and what each was sent.
    const counts = countsBetween(before, await messageCounts())
    const [coordinator, first, second] = ["lyceum-run", "lyceum-worker-w1", "lyceum-worker-w2"].map(
      (name) => counts.get(name) ?? { in: 0, out: 0 },
    )
    const total = coordinator!.in + first!.in + second!.in
    const delivered = coordinator!.out + first!.out + second!.out
    console.log(
      `messages of the placed run: ${total} published; received: w1 ${first!.out}, w2 ${second!.out}, ` +
        `coordinator ${coordinator!.out} (sum ${delivered})`,
    )
    // Each worker receives its own agents' messages (and the answers to its own requests), not the run's: before,
    // every process held the run's wildcard and was sent every request of the run, so the sum was about twice
    // the total. Now each message goes to one process (no-responders notices are the few extra).
    expect(first!.out).toBeGreaterThan(0)
    expect(second!.out).toBeGreaterThan(0)
    expect(first!.out).toBeLessThan(total * 0.75)
    expect(second!.out).toBeLessThan(total * 0.75)
    expect(delivered).toBeGreaterThanOrEqual(total * 0.95)
    expect(delivered).toBeLessThanOrEqual(total * 1.05 + 20)
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

  it("plays a killed worker's cohorts again on the live one, with the results of one process", async () => {
    const [, doomed] = await Promise.all([startWorker("w3"), startWorker("w4")])
    const alone = join(dir, "survived-alone.db")
    const db = join(dir, "survived.db")
    const scenario = join(dir, "survived.yaml")
    const repeats = 12
    writeFileSync(
      scenario,
      `name: survived\nrepeats: ${repeats}\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n` +
        "tasks: [{ kind: spam, testSize: 100 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
        "methods: [{ strategy: synthetic-examples }]\n",
    )
    expect((await run(scenario, alone)).status).toBe(0)
    const started = Date.now()
    const running = run(scenario, db, "--nats", nats.url, "--workers", "w3,w4")
    // Kill w4 once some rounds are in the database, right after it took a new cohort's agents (between cohorts it
    // may host nothing, and then no cohort is played again).
    const rows = await roundsOnceAtLeast(db, 4)
    const seen = doomed.log.length
    for (let i = 0; i < 600 && !doomed.log.slice(seen).some((l) => / hosting /.test(l)); i++)
      await new Promise((r) => setTimeout(r, 5))
    doomed.child.kill("SIGKILL")
    const killedAt = Date.now()
    const result = await running
    console.log(
      `placed run with w4 killed after ${rows} rows (${killedAt - started} ms): finished ` +
        `${Date.now() - killedAt} ms after the kill; ${result.stderr.match(/played again/g)?.length ?? 0} replay(s)`,
    )
    if (result.status !== 0) console.log(result.stderr)
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    // Each cohort that had agents on w4 is said, and played again from its first step on w3.
    expect(result.stderr).toMatch(
      /worker w4 lost \(.*\): sms-spam\.synthetic-examples repeat \d+ is played again from its first step on w3 \(replay 1 of at most 3\)/,
    )
    const a = results(alone)
    const b = results(db)
    expect(b.curve.length).toBe(repeats * 4 * 2)
    expect(b.curve).toEqual(a.curve)
    expect(b.lessons).toEqual(a.lessons)
    expect(b.usage).toEqual(a.usage)
    const sqlite = new Database(db, { readonly: true })
    const run_ = sqlite.prepare("SELECT status FROM runs").get() as { status: string }
    sqlite.close()
    expect(run_.status).toBe("completed")
  }, 180_000)

  it("fails the run naming the worker that died when none is left, and keeps every round finished before", async () => {
    const doomed = await startWorker("w7")
    const db = join(dir, "lost.db")
    const scenario = join(dir, "long.yaml")
    writeFileSync(
      scenario,
      "name: long\nrepeats: 50\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n" +
        "tasks: [{ kind: spam, testSize: 100 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
        "methods: [{ strategy: synthetic-examples }]\n",
    )
    const running = run(scenario, db, "--nats", nats.url, "--workers", "w7")
    // Kill w7 once some rounds are in the database.
    await roundsOnceAtLeast(db, 4)
    doomed.child.kill("SIGKILL")
    const killedAt = Date.now()
    const result = await running
    // Its subscriptions went with its connection: NATS answers "no responders" and the next beat says lost,
    // well before the 30 s a silent (busy) worker is given.
    expect(Date.now() - killedAt).toBeLessThan(20_000)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/worker w7 stopped answering .* while hosting (teacher|student)-\d/)
    expect(result.stderr).toContain("lyceum worker --nats URL --name w7")
    expect(result.stderr).not.toContain("played again")
    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.prepare("SELECT status FROM runs").get()).toEqual({ status: "failed" })
    const rounds = sqlite.prepare("SELECT COUNT(*) AS n FROM learning_curve").get() as { n: number }
    sqlite.close()
    expect(rounds.n).toBeGreaterThanOrEqual(4)
    expect(rounds.n).toBeLessThan(50 * 4 * 2)
  })
  it("does not lose a worker whose process is frozen for longer than a heartbeat's timeout", async () => {
    const [, frozen] = await Promise.all([startWorker("w5"), startWorker("w6")])
    const db = join(dir, "frozen.db")
    const scenario = join(dir, "frozen.yaml")
    const repeats = 12
    writeFileSync(
      scenario,
      `name: frozen\nrepeats: ${repeats}\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n` +
        "tasks: [{ kind: spam, testSize: 100 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
        "methods: [{ strategy: synthetic-examples }]\n",
    )
    const rows = () => {
      try {
        const sqlite = new Database(db, { readonly: true })
        const { n } = sqlite.prepare("SELECT COUNT(*) AS n FROM learning_curve").get() as { n: number }
        sqlite.close()
        return n
      } catch {
        return 0 // not created yet
      }
    }
    const running = run(scenario, db, "--nats", nats.url, "--workers", "w5,w6")
    for (let i = 0; i < 300 && rows() < 4; i++) await new Promise((resolve) => setTimeout(resolve, 100))
    // Frozen (as a worker whose event loop is held, or starved of CPU) for 8 s: every heartbeat in that window
    // goes unanswered past the 5 s a beat waits. Before, the first such beat was a WorkerLost and the run failed.
    frozen.child.kill("SIGSTOP")
    await new Promise((resolve) => setTimeout(resolve, 8_000))
    const whileFrozen = rows()
    frozen.child.kill("SIGCONT")
    const result = await running
    expect(result.stderr).not.toContain("stopped answering")
    expect(result.status).toBe(0)
    expect(whileFrozen).toBeLessThan(repeats * 4 * 2)
    expect(rows()).toBe(repeats * 4 * 2)
  }, 120_000)
})
