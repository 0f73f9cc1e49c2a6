import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { connect, headers as natsHeaders } from "nats"
import { describe, expect, it } from "vitest"
import { cli, processesOnNats, root } from "./support/WorkerProcesses.js"

/**
 * `lyceum run --queue`: cohorts played whole by whichever `lyceum worker` pulls them from the JetStream work
 * queue. Each fault below is played on real nats-server and worker processes and must leave exactly the results
 * of an uninterrupted single-process run of the same scenario.
 */
const nats = processesOnNats("lyceum-queue-e2e-", { jetstream: true })
const { dir, startWorker, run } = nats

/** Four cohorts of four steps, about a second each: long enough to hit mid-cohort, short enough to test. */
const scenario = join(dir, "failover.yaml")
writeFileSync(
  scenario,
  [
    "name: failover",
    "repeats: 2",
    "rounds: [2, 4, 8]",
    "models:",
    "  sim: { provider: sim }",
    "tasks: [{ kind: spam, testSize: 80 }]",
    "teachers: { count: 2, model: sim }",
    "students: { count: 2, model: sim }",
    "methods: [{ strategy: synthetic-examples }, { strategy: instruction }]",
    "",
  ].join("\n"),
)

/** What a run stores, as the golden pins compare it (row ids and wall-clock columns aside). */
const outputs = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const all = (sql: string) => sqlite.prepare(sql).all()
  const out = {
    curve: all(
      "SELECT repeat, round, student, task, method, metric, value, n_items, n, prompt_lessons FROM learning_curve ORDER BY task, method, repeat, round, student, metric",
    ),
    lessons: all(
      "SELECT id, repeat, round, teacher, student, method, text, filter_action, sent, chosen FROM lessons ORDER BY id",
    ),
    evaluations: all(
      "SELECT repeat, round, student, method, item_id, answer, score FROM evaluations ORDER BY repeat, round, student, method, item_id",
    ),
    usage: all(
      "SELECT repeat, round, method, agent_id, model, calls, prompt_tokens, completion_tokens FROM model_usage ORDER BY repeat, round, method, agent_id, model",
    ),
    steps: all("SELECT repeat, task, method, step FROM cohort_steps ORDER BY repeat, task, method, step"),
  }
  sqlite.close()
  return out
}

const query = <T>(db: string, sql: string): Array<T> => {
  try {
    const sqlite = new Database(db, { readonly: true })
    try {
      return sqlite.prepare(sql).all() as Array<T>
    } finally {
      sqlite.close()
    }
  } catch {
    return [] // not created yet
  }
}

/** Stops a worker and waits until its process is gone (so it pulls nothing of the next test's run). */
const stop = (worker: { child: import("node:child_process").ChildProcess }) =>
  new Promise<void>((resolve) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve()
    worker.child.once("exit", () => resolve())
    worker.child.kill("SIGTERM")
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `ready` holds (every 20 ms, up to `ms`); false if it never did. */
const until = async (ready: () => boolean, ms = 60_000) => {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(20)) if (ready()) return true
  return false
}

let reference: ReturnType<typeof outputs> | undefined
/** The uninterrupted single-process run every fault is compared with (played once per file). */
const alone = async () => {
  if (reference !== undefined) return reference
  const db = join(dir, "alone.db")
  const result = await run(scenario, db)
  expect(result.status, result.stderr).toBe(0)
  reference = outputs(db)
  expect(reference.steps).toHaveLength(4 * 4)
  return reference
}

/** Units some worker has written part of but not all: a kill now catches it mid-cohort. */
const halfPlayedBy = (db: string, worker: string) =>
  query<{ n: number }>(
    db,
    `SELECT COUNT(*) AS n FROM cohort_steps WHERE worker = '${worker}' GROUP BY repeat, task, method HAVING n < 4`,
  ).length > 0

describe("lyceum run --queue", () => {
  it("plays every cohort on the workers that pull them, with the results of one process", async () => {
    const expected = await alone()
    const [w1, w2] = await Promise.all([startWorker("q1"), startWorker("q2")])
    const db = join(dir, "queued.db")
    const result = await run(scenario, db, "--nats", nats.url, "--queue")
    expect(result.status, result.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    // Both played, each unit whole and once; nobody's step came from a second delivery.
    const byWorker = query<{ worker: string; attempt: number; n: number }>(
      db,
      "SELECT worker, attempt, COUNT(*) AS n FROM cohort_steps GROUP BY worker, attempt ORDER BY worker",
    )
    expect(byWorker.map((r) => r.worker).sort()).toEqual(["q1", "q2"])
    expect(byWorker.every((r) => r.attempt === 1 && r.n % 4 === 0)).toBe(true)
    expect(w1.log.some((line) => line.includes(": done"))).toBe(true)
    expect(w2.log.some((line) => line.includes(": done"))).toBe(true)
    // Nothing of the finished run is left on the server: no queued unit, no results consumer.
    const client = await connect({ servers: nats.url })
    const jsm = await client.jetstreamManager()
    const token = query<{ id: string }>(db, "SELECT id FROM runs")[0]!.id.replace(/[^A-Za-z0-9_-]/g, "_")
    const consumers: Array<string> = []
    for await (const info of jsm.consumers.list("LYCEUM_RESULTS")) consumers.push(info.name)
    expect(consumers).not.toContain(`results-${token}`)
    expect((await jsm.streams.info("LYCEUM_WORK")).state.messages).toBe(0)
    await client.close()
    await Promise.all([stop(w1), stop(w2)])
  })

  it("gives a killed worker's cohort to another, played again from its start: identical results", async () => {
    const expected = await alone()
    const [survivor, doomed] = await Promise.all([startWorker("k1"), startWorker("k2")])
    const db = join(dir, "killed.db")
    const running = run(scenario, db, "--nats", nats.url, "--queue", "--ack-wait", "2")
    expect(await until(() => halfPlayedBy(db, "k2"))).toBe(true)
    const killedAt = Date.now()
    doomed.child.kill("SIGKILL")
    const result = await running
    expect(result.status, result.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    // The cohort it was playing came back to the survivor as a second delivery, within a few ack waits.
    const replayed = query<{ worker: string; attempt: number }>(
      db,
      "SELECT DISTINCT worker, attempt FROM cohort_steps WHERE attempt > 1",
    )
    expect(replayed).toEqual([{ worker: "k1", attempt: 2 }])
    expect(survivor.log.some((line) => line.includes("(attempt 2): playing"))).toBe(true)
    expect(Date.now() - killedAt).toBeLessThan(60_000)
    await stop(survivor)
  })

  it("survives nats-server killed -9 and restarted within the ack wait: identical results", async () => {
    const expected = await alone()
    const workers = await Promise.all([startWorker("s1"), startWorker("s2")])
    const db = join(dir, "server-restart.db")
    const running = run(scenario, db, "--nats", nats.url, "--queue", "--ack-wait", "20")
    expect(await until(() => query(db, "SELECT 1 FROM cohort_steps").length >= 6)).toBe(true)
    await Effect.runPromise(nats.server.kill)
    await sleep(1_500)
    await Effect.runPromise(nats.server.restart)
    const result = await running
    expect(result.status, result.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    await Promise.all(workers.map(stop))
  })

  it("stops within --nats-loss-timeout when the server does not come back, and --resume finishes the run identically", async () => {
    const expected = await alone()
    const workers = await Promise.all([startWorker("l1"), startWorker("l2")])
    const db = join(dir, "server-lost.db")
    const running = run(scenario, db, "--nats", nats.url, "--queue", "--nats-loss-timeout", "3")
    expect(await until(() => query(db, "SELECT 1 FROM cohort_steps").length >= 6)).toBe(true)
    await Effect.runPromise(nats.server.kill)
    const lostAt = Date.now()
    const result = await running
    // Stopped, said why and what to do, within the timeout plus the time to notice and close the run.
    expect(Date.now() - lostAt).toBeLessThan(20_000)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("unreachable for")
    expect(result.stderr).toContain("--resume")
    const runId = query<{ id: string }>(db, "SELECT id FROM runs")[0]!.id
    expect(query<{ status: string }>(db, "SELECT status FROM runs")[0]!.status).toBe("failed")
    await Effect.runPromise(nats.server.restart)
    const resumed = await run(scenario, db, "--nats", nats.url, "--queue", "--resume", runId)
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    await Promise.all(workers.map(stop))
  })

  it("keeps what workers published while the coordinator was dead: --resume --force writes it and finishes identically", async () => {
    const expected = await alone()
    const workers = await Promise.all([startWorker("d1"), startWorker("d2")])
    const db = join(dir, "coordinator-killed.db")
    const coordinator = spawn(
      process.execPath,
      [cli, "run", scenario, "--db", db, "--nats", nats.url, "--queue"],
      {
        cwd: root,
      },
    )
    const gone = new Promise((resolve) => coordinator.on("exit", resolve))
    expect(await until(() => query(db, "SELECT 1 FROM cohort_steps").length >= 4)).toBe(true)
    coordinator.kill("SIGKILL")
    await gone
    const writtenBefore = query(db, "SELECT 1 FROM cohort_steps").length
    // The workers finish the cohorts they hold and publish every step, with nobody writing.
    const finishedUnits = () => workers.flatMap((w) => w.log.filter((line) => line.endsWith(": done"))).length
    const before = finishedUnits()
    expect(await until(() => finishedUnits() >= before + 2, 30_000)).toBe(true)
    const runId = query<{ id: string }>(db, "SELECT id FROM runs")[0]!.id
    const resumed = await run(scenario, db, "--nats", nats.url, "--queue", "--resume", runId, "--force")
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    expect(writtenBefore).toBeLessThan(32)
    await Promise.all(workers.map(stop))
  })

  it("queues again a unit a rogue process pulled and terminated without playing it", async () => {
    const expected = await alone()
    const db = join(dir, "rogue.db")
    const rogue = await connect({ servers: nats.url })
    const running = run(scenario, db, "--nats", nats.url, "--queue", "--ack-wait", "2")
    expect(await until(() => query(db, "SELECT 1 FROM runs").length > 0)).toBe(true)
    const token = query<{ id: string }>(db, "SELECT id FROM runs")[0]!.id.replace(/[^A-Za-z0-9_-]/g, "_")
    // Before any worker: it takes the run's first unit from the shared consumer and terminates it.
    const jsm = await rogue.jetstreamManager()
    for (let i = 0; i < 500; i++) {
      const queued = await jsm.streams.info("LYCEUM_WORK").then(
        (info) => info.state.messages > 0,
        () => false,
      )
      if (queued) break
      await sleep(20)
    }
    const consumer = await rogue.jetstream().consumers.get("LYCEUM_WORK", "lyceum-workers")
    let taken: string | undefined
    for (let i = 0; i < 200 && taken === undefined; i++) {
      const message = await consumer.next({ expires: 1_000 })
      if (message === null) continue
      if (message.subject.startsWith(`lyceum-work.${token}.`)) {
        taken = message.subject
        message.term()
      } else message.nak()
    }
    expect(taken).toBeDefined()
    await rogue.flush()
    const workers = await Promise.all([startWorker("r1"), startWorker("r2")])
    const result = await running
    await rogue.close()
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toContain("left the work queue unfinished")
    expect(outputs(db)).toEqual(expected)
    await Promise.all(workers.map(stop))
  })

  it("never lets a forged or replayed result change a number", async () => {
    const expected = await alone()
    const db = join(dir, "hostile.db")
    // A client on the same server with no part in the run: it reads what it can and publishes what it likes.
    const hostile = await connect({ servers: nats.url })
    const js = hostile.jetstream()
    const captured: Array<{ subject: string; data: Uint8Array; headers: Record<string, string> }> = []
    const listening = hostile.subscribe("lyceum-results.>", {
      callback: (_error, message) => {
        const headers: Record<string, string> = {}
        for (const [key, [value]] of message.headers ?? []) headers[key] = value!
        captured.push({ subject: message.subject, data: message.data, headers })
      },
    })
    const running = run(scenario, db, "--nats", nats.url, "--queue", "--ack-wait", "5")
    expect(await until(() => query(db, "SELECT 1 FROM runs").length > 0)).toBe(true)
    const runId = query<{ id: string }>(db, "SELECT id FROM runs")[0]!.id
    const token = runId.replace(/[^A-Za-z0-9_-]/g, "_")
    // Once the coordinator consumes its results (streams and consumer made, units queued).
    const jsm = await hostile.jetstreamManager()
    for (let i = 0; i < 500; i++) {
      const ready = await jsm.consumers.info("LYCEUM_RESULTS", `results-${token}`).then(
        () => true,
        () => false,
      )
      if (ready) break
      await sleep(20)
    }
    // Forged: a well-formed result for the first cohort's first step, with every student scoring 1.
    const forged = {
      runId,
      unit: { repeat: 0, task: 0, variant: 0 },
      step: 0,
      attempt: 1,
      worker: "mallory",
      outcome: { _tag: "StepPlayed", rows: { evaluations: [], modelUsage: [] }, summary: { accuracy: 1 } },
    }
    const h = natsHeaders()
    h.set("Lyceum-Report", `${token}/r0-t0-v0/0/1`)
    h.set("Lyceum-Signature", "0".repeat(64))
    await js.publish(`lyceum-results.${token}.r0-t0-v0`, new TextEncoder().encode(JSON.stringify(forged)), {
      headers: h,
      msgID: "forged-1",
    })
    // Garbage and a result without headers: dropped, said, nothing else.
    const junk = natsHeaders()
    junk.set("Lyceum-Report", `${token}/r0-t0-v0/1/1`)
    await js.publish(`lyceum-results.${token}.r0-t0-v0`, new TextEncoder().encode("{not json"), {
      headers: junk,
      msgID: "junk",
    })
    await js.publish("lyceum-work.mallory.r0-t0-v0", new TextEncoder().encode("{}"), { msgID: "bad-unit" })
    // Workers start only now: the forgeries are in the streams before any genuine result.
    const workers = await Promise.all([startWorker("h1"), startWorker("h2")])
    // Replayed: each genuine result the hostile client saw, published again as new messages.
    expect(await until(() => captured.length >= 3)).toBe(true)
    for (const [i, message] of captured.slice(0, 3).entries()) {
      const replay = natsHeaders()
      for (const [key, value] of Object.entries(message.headers))
        if (key !== "Nats-Msg-Id") replay.set(key, value)
      await js.publish(message.subject, message.data, { headers: replay, msgID: `replay-${i}` })
    }
    const result = await running
    listening.unsubscribe()
    await hostile.close()
    expect(result.status, result.stderr).toBe(0)
    expect(outputs(db)).toEqual(expected)
    // Said, not silently swallowed.
    expect(result.stderr).toContain("not signed with the unit's key")
    expect(result.stderr).toContain("not a StepReport")
    // The forged unit is queued behind the run's own: a worker pulls it once it has room, and drops it.
    expect(
      await until(() => workers.some((w) => w.log.some((line) => line.includes("dropped a malformed unit")))),
    ).toBe(true)
    await Promise.all(workers.map(stop))
  })

  it("plays a sweep's points on the workers as one process does: each derives the points from the scenario text", async () => {
    // Point 1 has models of its own (another sim seed) and another nGen: a worker must play each unit with its
    // point's scenario and models, from the run-wide variant index the unit carries.
    const swept = join(dir, "swept.yaml")
    writeFileSync(
      swept,
      [
        "name: swept",
        "rounds: [2, 4]",
        "models:",
        "  sim: { provider: sim, seed: 3 }",
        "tasks: [{ kind: spam, testSize: 40 }]",
        "teachers: { count: 2, model: sim }",
        "students: { count: 1, model: sim }",
        "methods: [{ strategy: synthetic-examples, nGen: 4 }]",
        "sweep:",
        "  mode: zip",
        "  fields:",
        "    methods.0.nGen: [2, 6]",
        "    models.sim.seed: [3, 4]",
        "",
      ].join("\n"),
    )
    const here = join(dir, "swept-alone.db")
    const alone = await run(swept, here)
    expect(alone.status, alone.stderr).toBe(0)
    const worker = await startWorker("s1")
    const db = join(dir, "swept-queued.db")
    const result = await run(swept, db, "--nats", nats.url, "--queue")
    expect(result.status, result.stderr).toBe(0)
    const expected = outputs(here)
    expect(expected.steps.map((s) => (s as { method: string }).method)).toContain("synthetic-examples@p1")
    expect(outputs(db)).toEqual(expected)
    await stop(worker)
  })
})
