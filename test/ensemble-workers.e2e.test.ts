import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { ActorSystem } from "@lyceum/actors"
import { NatsTransport } from "@lyceum/nats"
import { HostAgents, Ping, WorkerProtocol, workerAddress } from "@lyceum/runner"
import Database from "better-sqlite3"
import { Duration, Effect, Schema } from "effect"
import { connect } from "nats"
import { describe, expect, it } from "vitest"
import { processesOnNats } from "./support/WorkerProcesses.js"

/**
 * The ensemble kind over a real nats-server with `lyceum worker` processes: the same rows as one process, a
 * worker killed mid-run named with the ensemble agents it hosted and the run resumed to the same rows, and
 * forged requests on the bus refused without harming the worker.
 */
const nats = processesOnNats("lyceum-ensemble-workers-e2e-")
const { dir, startWorker, run } = nats

/** Three proposers (two models), a judge, a two-layer moa with an aggregator and a margin cascade (2 taus). */
const scenario = (repeats: number) => `
name: ensemble-workers
kind: ensemble
seed: 7
repeats: ${repeats}
models:
  cheap: { provider: sim, prices: { promptPerMTok: 1, completionPerMTok: 2 } }
  dear: { provider: sim, seed: 9, prices: { promptPerMTok: 5, completionPerMTok: 10 } }
  referee: { provider: sim, seed: 2 }
tasks: [{ kind: spam, testSize: 20 }]
proposers:
  - { name: small, model: cheap, shots: 2 }
  - { name: large, model: dear, shots: 6 }
  - { name: mid, model: cheap, shots: 4 }
holdout: 12
aggregators:
  - { kind: judge, model: referee }
  - { kind: moa, layers: 2, model: referee }
  - { kind: cascade, confidence: margin, thresholds: [0.5, 0.9] }
privacy: { verbatim: drop }
`
const write = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

/** Every row the ensemble stores, in a fixed order, without run ids and the messages' wall-clock time. */
const rowsOf = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const all = (sql: string) => sqlite.prepare(sql).all()
  const rows = {
    runs: all("SELECT kind, status FROM runs"),
    evaluations: all(
      "SELECT repeat, task, method, round, student, n, item_id, answer, score FROM evaluations ORDER BY repeat, method, student, item_id",
    ),
    items: all("SELECT * FROM ensemble_items ORDER BY repeat, method, item_id"),
    stages: all("SELECT * FROM ensemble_stages ORDER BY repeat, method, item_id, stage"),
    messages: all(
      "SELECT id, repeat, task, method, round, sender, recipient, kind, text, filter_action, filter_detector, filter_reason, sent FROM messages ORDER BY id",
    ),
    usage: all(
      "SELECT repeat, task, method, round, agent_id, model, calls, prompt_tokens, completion_tokens, cost_usd FROM model_usage ORDER BY repeat, method, agent_id, model",
    ),
    steps: all("SELECT repeat, task, method, step FROM cohort_steps ORDER BY repeat, method"),
  }
  const ids = (all("SELECT id FROM runs") as Array<{ id: string }>).map((r) => r.id)
  sqlite.close()
  let text = JSON.stringify(rows)
  for (const id of ids) text = text.replaceAll(id, "<run>")
  return JSON.parse(text) as typeof rows
}

/** A request tagged HostAgents whose payload has the wrong shape. */
class BentHostAgents extends Schema.TaggedRequest<BentHostAgents>()("HostAgents", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { cohort: Schema.String, hosted: Schema.Number },
}) {}

const cohortSteps = (db: string) => {
  try {
    const sqlite = new Database(db, { readonly: true })
    const { n } = sqlite.prepare("SELECT COUNT(*) AS n FROM cohort_steps").get() as { n: number }
    sqlite.close()
    return n
  } catch {
    return 0 // not created yet
  }
}

describe("an ensemble run on lyceum workers over NATS", () => {
  it("stores exactly the rows of one process: items, stages, answers shown, evaluations, usage", async () => {
    const [w1, w2] = await Promise.all([startWorker("w1"), startWorker("w2")])
    const file = write("short.yaml", scenario(2))
    const alone = join(dir, "alone.db")
    const placed = join(dir, "placed.db")
    expect((await run(file, alone)).status).toBe(0)
    const result = await run(file, placed, "--nats", nats.url, "--workers", "w1,w2")
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    const a = rowsOf(alone)
    const b = rowsOf(placed)
    // 2 repeats × 4 variants (judge, moa, cascade@0.5, cascade@0.9) × 20 items; answers shown to judge and moa.
    expect(b.runs).toEqual([{ kind: "ensemble", status: "completed" }])
    expect(b.steps).toHaveLength(8)
    expect(b.items).toHaveLength(8 * 20)
    expect(b.evaluations).toHaveLength(8 * 20 * 4)
    expect(b.stages.length).toBeGreaterThan(8 * 20)
    expect(new Set(b.messages.map((m) => (m as { recipient: string }).recipient))).toEqual(
      new Set(["judge-1", "aggregator-2", "small", "large", "mid"]),
    )
    expect(b).toEqual(a)
    // The proposers and the aggregating agents were dealt out over both workers.
    const hosted = [...w1.log, ...w2.log].filter((line) => / hosting /.test(line))
    expect(w1.log.some((line) => / hosting /.test(line))).toBe(true)
    expect(w2.log.some((line) => / hosting /.test(line))).toBe(true)
    for (const agent of ["small", "large", "mid", "judge-1", "aggregator-2"])
      expect(hosted.some((line) => new RegExp(`hosting (.*, )?${agent}(,| of)`).test(line))).toBe(true)
  })

  it("fails naming the killed worker (the only one) and the ensemble agents it hosted; --resume ends with the rows of an uninterrupted run", async () => {
    const [, doomed] = await Promise.all([startWorker("w3"), startWorker("w4")])
    const file = write("long.yaml", scenario(12))
    const reference = join(dir, "reference.db")
    expect((await run(file, reference)).status).toBe(0)

    const db = join(dir, "killed.db")
    // Only w4 hosts: with another worker alive, the run would play w4's cohorts again there and complete.
    const running = run(file, db, "--nats", nats.url, "--workers", "w4")
    for (let i = 0; i < 300 && cohortSteps(db) < 3; i++) await new Promise((r) => setTimeout(r, 50))
    // Killed right after it took a new cohort's agents (before, it may be between cohorts, hosting nothing).
    const seen = doomed.log.length
    for (let i = 0; i < 600 && !doomed.log.slice(seen).some((l) => / hosting /.test(l)); i++)
      await new Promise((r) => setTimeout(r, 5))
    doomed.child.kill("SIGKILL")
    const killedAt = Date.now()
    const failed = await running
    expect(failed.status).toBe(1)
    // The heartbeat notices within ~7 s (it took the 2-minute HostAgents timeout when w4 died mid-placement).
    expect(Date.now() - killedAt).toBeLessThan(40_000)
    // Its share of a cohort: proposers by name, the aggregating agent as role-variant (judge-1, aggregator-2).
    expect(failed.stderr).toMatch(
      /worker w4 stopped answering .* while hosting ((small|large|mid|judge-1|aggregator-2)(, )?)+ of sms-spam\.(judge|moa|cascade@0\.[59]) repeat \d+/,
    )
    expect(failed.stderr).toContain("lyceum worker --nats URL --name w4")
    const before = rowsOf(db)
    expect(before.runs).toEqual([{ kind: "ensemble", status: "failed" }])
    expect(before.steps.length).toBeGreaterThanOrEqual(3)
    expect(before.steps.length).toBeLessThan(12 * 4)

    await startWorker("w4")
    const sqlite = new Database(db, { readonly: true })
    const { id } = sqlite.prepare("SELECT id FROM runs").get() as { id: string }
    sqlite.close()
    const resumed = await run(file, db, "--resume", id, "--nats", nats.url, "--workers", "w3,w4")
    expect(resumed.stderr).toContain("completed")
    expect(resumed.status).toBe(0)
    expect(rowsOf(db)).toEqual(rowsOf(reference))
  })

  it("refuses forged HostAgents for an ensemble run and drops malformed ones; the worker keeps serving", async () => {
    const [w5] = await Promise.all([startWorker("w5")])
    const file = write("forged.yaml", scenario(1))
    const text = scenario(1)
    const cohort = {
      runId: "forged-run",
      scenarioFile: file,
      scenarioText: text,
      seed: 7,
      repeat: 0,
      task: 0,
      variant: 0,
      spent: { tokens: 0, costUsd: 0 },
    }
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const system = yield* ActorSystem.make()
        const worker = system.refFor(workerAddress("w5"), WorkerProtocol)
        const ask = (request: HostAgents) =>
          worker.ask(request, { timeout: Duration.seconds(20) }).pipe(
            Effect.flip,
            Effect.map((e) => (e._tag === "WorkerFailed" ? e.message : `${e._tag}: ${String(e)}`)),
          )
        // A payload that is not a HostAgents the worker can decode: the transport refuses it.
        const bent = yield* system
          .refFor(workerAddress("w5"), BentHostAgents)
          .ask(new BentHostAgents({ cohort: "x", hosted: 3 }), { timeout: Duration.seconds(20) })
          .pipe(Effect.flip)
        return {
          // Variant 0 is the judge (aggregator 1): it has proposers 0..2 and judge 0, nothing else.
          role: yield* ask(new HostAgents({ cohort, hosted: { teacher: [0] } })),
          otherAggregator: yield* ask(new HostAgents({ cohort, hosted: { aggregator: [1] } })),
          proposer: yield* ask(new HostAgents({ cohort, hosted: { proposer: [0, 3] } })),
          twice: yield* ask(new HostAgents({ cohort, hosted: { proposer: [1, 1] } })),
          variant: yield* ask(
            new HostAgents({ cohort: { ...cohort, variant: 4 }, hosted: { proposer: [0] } }),
          ),
          task: yield* ask(new HostAgents({ cohort: { ...cohort, task: 1 }, hosted: { proposer: [0] } })),
          scenario: yield* ask(
            new HostAgents({
              cohort: { ...cohort, runId: "forged-2", scenarioText: "kind: ensemble\n" },
              hosted: {},
            }),
          ),
          bent: bent._tag,
          still: yield* worker.ask(new Ping({}), { timeout: Duration.seconds(10) }),
        }
      }).pipe(
        Effect.scoped,
        Effect.provide(NatsTransport.layer({ nats: { servers: [nats.url], name: "forger" } })),
      ),
    )
    // Garbage on the worker's subject, as a request and as a plain publish.
    const raw = await connect({ servers: nats.url })
    const garbage = await raw
      .request("lyceum.lyceum-workers.worker.w5", new TextEncoder().encode("{not json"), { timeout: 5000 })
      .then((m) => new TextDecoder().decode(m.data))
    raw.publish("lyceum.lyceum-workers.worker.w5", new TextEncoder().encode('{"op":"ask","envelope":7}'))
    await raw.drain()

    expect(outcome.role).toBe("sms-spam.judge repeat 1 (ensemble) has no teacher 1 to host")
    expect(outcome.otherAggregator).toBe("sms-spam.judge repeat 1 (ensemble) has no aggregator 2 to host")
    expect(outcome.proposer).toBe("sms-spam.judge repeat 1 (ensemble) has no proposer 4 to host")
    // Twice the same proposer: refused before anything is spawned (it failed at the second spawn before).
    expect(outcome.twice).toBe("sms-spam.judge repeat 1 (ensemble): the request names proposer 2 twice")
    expect(outcome.variant).toContain("has no ensemble variant number 5")
    expect(outcome.task).toContain("no task number 2")
    expect(outcome.scenario).toMatch(/proposers/)
    expect(outcome.bent).toBe("MalformedMessage")
    expect(outcome.still.worker).toBe("w5")
    expect(garbage).toMatch(/not an envelope/)
    expect(w5.child.exitCode).toBeNull()

    // A real run on the worker afterwards: the judge's cohorts, hosted on w5, as in one process.
    const judged = write("judged.yaml", scenario(1).replace(/ {2}- \{ kind: (moa|cascade).*\n/g, ""))
    const alone = join(dir, "judged-alone.db")
    const placed = join(dir, "judged-placed.db")
    expect((await run(judged, alone)).status).toBe(0)
    const result = await run(judged, placed, "--nats", nats.url, "--workers", "w5")
    expect(result.status).toBe(0)
    expect(rowsOf(placed)).toEqual(rowsOf(alone))
    expect(
      w5.log.some((line) => /hosting small, large, mid, judge-1 of sms-spam\.judge repeat 1/.test(line)),
    ).toBe(true)
  })
})
