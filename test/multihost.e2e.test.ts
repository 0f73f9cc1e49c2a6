import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { natsServerOn, useNetns } from "./support/Netns.js"
import { cli, root } from "./support/WorkerProcesses.js"

const hosts = useNetns()
const dir = mkdtempSync(join(tmpdir(), "lyceum-multihost-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const natsJs = createRequire(import.meta.url).resolve("nats")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const until = async (done: () => boolean, timeoutMs: number, what: string) => {
  for (const start = Date.now(); !done(); await sleep(50)) {
    if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`)
  }
}

// A nats.js client that prints what it receives on probe.> ...
const subscriber = `
const { connect } = require(process.env.NATS_JS)
connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 200, waitOnFirstConnect: true }).then((nc) => {
  const sub = nc.subscribe("probe.>")
  nc.flush().then(() => console.log("ready"))
  ;(async () => { for await (const m of sub) console.log("got " + m.subject + " " + m.string()) })()
})`
// ... and one that publishes a numbered message every 100 ms, printing every status change. It pings every
// 500 ms, so it notices a dead link after ~1.5 s and starts reconnecting, as a worker would.
const publisher = `
const { connect } = require(process.env.NATS_JS)
connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 200, waitOnFirstConnect: true, pingInterval: 500, maxPingOut: 2 }).then((nc) => {
  ;(async () => { for await (const s of nc.status()) console.log("status " + s.type) })()
  console.log("ready")
  let n = 0
  setInterval(() => { n++; nc.publish(process.env.SUBJECT, String(n)); console.log("sent " + n) }, 100)
})`

describe.skipIf(hosts.skip !== undefined)("hosts in network namespaces", () => {
  it("cutting one host's link stops its messages without killing it; restored, it reconnects", async () => {
    // Hosts on one test network: the NATS server, and the machines that talk through it.
    const net = hosts.make(["nats", "b", "c", "d"])
    const server = await natsServerOn(net, "nats", dir)
    const env = (subject: string) => ({
      env: { ...process.env, NATS_JS: natsJs, NATS_URL: server.url, SUBJECT: subject },
    })
    const b = net.exec("b", process.execPath, ["-e", subscriber], env(""))
    await b.waitFor(/^ready$/)
    const c = net.exec("c", process.execPath, ["-e", publisher], env("probe.c"))
    const d = net.exec("d", process.execPath, ["-e", publisher], env("probe.d"))
    await Promise.all([c.waitFor(/^ready$/), d.waitFor(/^ready$/)])
    await Promise.all([b.waitFor(/^got probe\.c /), b.waitFor(/^got probe\.d /)])
    const received = (host: string) =>
      b.lines
        .filter((line) => line.startsWith(`got probe.${host} `))
        .map((line) => Number(line.split(" ")[2]))

    net.cut("c")
    const cutAt = Date.now()
    // Whatever was already on the wire lands within a moment; after that nothing from c gets through.
    await sleep(300)
    const cBefore = received("c").length
    const dBefore = received("d").length
    const cSentBefore = c.lines.filter((line) => line.startsWith("sent ")).length
    await c.waitFor(/^status disconnect$/, 5_000)
    await sleep(Math.max(0, 3_500 - (Date.now() - cutAt)))
    expect(received("c").length).toBe(cBefore)
    // c is alive and still trying: it kept publishing into its dead link ...
    expect(c.child.exitCode).toBeNull()
    expect(c.lines.filter((line) => line.startsWith("sent ")).length).toBeGreaterThan(cSentBefore + 10)
    // ... while d, on the same server, was never cut off.
    expect(received("d").length).toBeGreaterThan(dBefore + 10)
    const lastBeforeCut = Math.max(...received("c"))

    net.restore("c")
    await c.waitFor(/^status reconnect$/, 10_000)
    // Messages published after the reconnect arrive again.
    const sentSince = Number(
      c.lines
        .filter((line) => line.startsWith("sent "))
        .at(-1)!
        .split(" ")[1],
    )
    await until(() => received("c").some((n) => n > sentSince), 10_000, "a message c sent after reconnecting")
    expect(Math.max(...received("c"))).toBeGreaterThan(lastBeforeCut)
    expect(c.child.exitCode).toBeNull()
  })

  /**
   * Coordinator, w1, w2 and nats-server on four hosts; w1's link is cut while it has stored part of a cohort
   * (and, with `heal`, restored once w2 has the cohort). Returns once the run has finished and matched a
   * single-process run of the same scenario.
   */
  const queueRunWithCut = async (heal: boolean) => {
    const net = hosts.make(["nats", "coordinator", "w1", "w2"])
    const server = await natsServerOn(net, "nats", dir)
    // Eight cohorts of four steps (as in queue.e2e): long enough to catch one mid-cohort.
    const name = heal ? "healed" : "cut"
    const scenario = join(dir, `${name}.yaml`)
    writeFileSync(
      scenario,
      "name: queue\nrepeats: 4\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n" +
        "tasks: [{ kind: spam, testSize: 80 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
        "methods: [{ strategy: synthetic-examples }, { strategy: instruction }]\n",
    )
    const lyceum = (host: string, ...args: Array<string>) =>
      net.exec(host, process.execPath, [cli, ...args], { cwd: root })
    const worker = (name: string) =>
      lyceum(name, "worker", "--nats", server.url, "--name", name, "--slots", "1")
    const [w1, w2] = [worker("w1"), worker("w2")]
    await Promise.all([w1.waitFor(/ready/), w2.waitFor(/ready/)])
    const alone = join(dir, `${name}-alone.db`)
    const queued = join(dir, `${name}-queued.db`)
    const single = lyceum("coordinator", "run", scenario, "--db", alone)
    expect(await single.exited, single.lines.join("\n")).toBe(0)

    const coordinator = lyceum(
      "coordinator",
      "run",
      scenario,
      "--db",
      queued,
      "--nats",
      server.url,
      "--queue",
      "--ack-wait",
      "3",
    )
    // Cut w1 while it has stored part of a cohort, not all: it is playing a cohort it cannot finish.
    const halfPlayed = () =>
      rows(
        queued,
        "SELECT COUNT(*) AS n FROM cohort_steps WHERE worker = 'w1' GROUP BY repeat, task, method HAVING n < 4",
      ).length > 0
    await until(
      () => halfPlayed() || coordinator.child.exitCode !== null,
      90_000,
      `w1 half way through a cohort`,
    )
    expect(coordinator.child.exitCode, coordinator.lines.join("\n")).toBeNull()
    net.cut("w1")
    const cutAt = Date.now()
    if (heal) {
      // The partition heals while the run goes on: w1 comes back with its stale unit and late results.
      await w2.waitFor(/\(attempt 2\): playing/, 60_000)
      net.restore("w1")
    }
    expect(await coordinator.exited, coordinator.lines.join("\n")).toBe(0)
    const finishedIn = Date.now() - cutAt
    // w1 was never killed, only cut off.
    expect(w1.child.exitCode).toBeNull()
    const a = results(alone)
    const b = results(queued)
    expect(b.curve.length).toBeGreaterThan(0)
    expect(b.curve).toEqual(a.curve)
    expect(b.lessons).toEqual(a.lessons)
    expect(b.usage).toEqual(a.usage)
    return { queued, w1, w2, finishedIn }
  }

  it("a worker whose link is cut mid-cohort loses the cohort to another worker; the results are those of one process", async () => {
    const { queued, w2, finishedIn } = await queueRunWithCut(false)
    // The cohort w1 held went to w2 as the unit's second delivery, and w2 stored its remaining steps.
    expect(rows(queued, "SELECT DISTINCT worker, attempt FROM cohort_steps WHERE attempt > 1")).toEqual([
      { worker: "w2", attempt: 2 },
    ])
    expect(w2.lines.some((line) => line.includes("(attempt 2): playing"))).toBe(true)
    console.log(`multihost: the run finished ${finishedIn} ms after w1 was cut (ack wait 3 s)`)
  })

  // The healed worker's late copy of a step must be taken for the replay it is (findings' keyed hashes differ
  // between processes and are left out of the comparison), not for a forgery.
  it("a cut worker that comes back after its cohort went elsewhere changes nothing", async () => {
    const { queued, w1 } = await queueRunWithCut(true)
    expect(rows(queued, "SELECT status FROM runs")).toEqual([{ status: "completed" }])
    expect(w1.child.exitCode).toBeNull()
  })
})

/** The rows `sql` selects, or none while the database or its tables do not exist yet. */
const rows = (db: string, sql: string) => {
  try {
    const sqlite = new Database(db, { readonly: true, fileMustExist: true })
    try {
      return sqlite.prepare(sql).all()
    } finally {
      sqlite.close()
    }
  } catch {
    return []
  }
}

/** What a run must reproduce exactly: the golden test's curve and lesson queries, and every model_usage row. */
const results = (db: string) => {
  const sqlite = new Database(db, { readonly: true, fileMustExist: true })
  const runId = (sqlite.prepare("SELECT id FROM runs").get() as { id: string }).id
  const out = {
    curve: sqlite
      .prepare(
        "SELECT repeat, round, student, task, method, metric, value, n_items, n, prompt_lessons FROM learning_curve WHERE run_id = ? ORDER BY task, method, repeat, round, student, metric",
      )
      .all(runId),
    lessons: sqlite
      .prepare(
        "SELECT repeat, round, task, method, teacher, student, filter_action, sent, chosen, COUNT(*) AS lessons FROM lessons WHERE run_id = ? GROUP BY repeat, round, task, method, teacher, student, filter_action, sent, chosen ORDER BY task, method, repeat, round, teacher, student, filter_action, sent, chosen",
      )
      .all(runId),
    usage: sqlite
      .prepare(
        "SELECT repeat, round, method, agent_id, calls, prompt_tokens FROM model_usage ORDER BY 1, 2, 3, 4",
      )
      .all(),
  }
  sqlite.close()
  return out
}
