import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Actor, ActorSystem, LocalTransport } from "@lyceum/actors"
import { agentAddress } from "@lyceum/coalition"
import { parseScenario } from "@lyceum/kinds"
import { mergeUsageSnapshots } from "@lyceum/models"
import { Store } from "@lyceum/store"
import { Effect, Either, Fiber, Layer, Logger, Option } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
import { runWorker } from "../src/Worker.js"
import { workerPool } from "../src/WorkerPool.js"
import {
  HeartbeatProtocol,
  HostAgents,
  heartbeatAddress,
  Ping,
  WorkerProtocol,
  workerAddress,
} from "../src/WorkerProtocol.js"
import { inProcessWorker } from "./support/InProcessWorker.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-worker-loss-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = `
name: lossy
kind: ensemble
seed: 2
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 10 }]
proposers:
  - { name: small, model: sim, shots: 2 }
  - { name: large, model: sim, shots: 6 }
holdout: 8
aggregators:
  - { kind: judge, model: sim }
`

/**
 * A worker that dies while it is asked to host a cohort's agents (killed, its host gone): it answers until the
 * HostAgents request arrives, then its addresses are nobody's (as NATS says once a process's connection is gone)
 * and the request is never answered. The run must fail at the next heartbeat, naming the agents that were being
 * placed there, not after the HostAgents request's own 2-minute timeout nor the 30 s loss time for silence.
 */
describe("a worker lost while it is given a cohort's agents", () => {
  it("fails the run within a heartbeat, naming the worker and the agents being placed on it", async () => {
    const started = Date.now()
    const error = await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        const system = yield* ActorSystem.make().pipe(Effect.provide(transport))
        const alive = { worker: "doomed", host: "here", pid: 1 }
        yield* system.spawn(
          workerAddress("doomed"),
          Actor.make(
            WorkerProtocol,
            Effect.succeed({
              HostAgents: () => Effect.zipRight(system.stop(heartbeatAddress("doomed")), Effect.never),
              ReleaseAgents: () => Effect.void,
              FinishRun: () => Effect.void,
              Ping: () => Effect.succeed(alive),
            }),
          ),
        )
        yield* system.spawn(
          heartbeatAddress("doomed"),
          Actor.make(
            HeartbeatProtocol,
            Effect.succeed({
              Ping: () => Effect.succeed(alive),
              ReportUsage: () => Effect.succeed(Option.none()),
            }),
          ),
        )
        return yield* Effect.flip(
          runScenario({
            loaded: Either.getOrThrow(parseScenario(join(dir, "lossy.yaml"), text)),
            versions: { lyceum: "test", node: process.version },
            transport: Layer.succeedContext(transport),
            workers: ["doomed"],
          }).pipe(Effect.provide([Store.layer({ filename: join(dir, "lossy.db") }), Progress.silent])),
        )
      }).pipe(Effect.scoped),
    )
    // Heartbeat every 2 s: lost within about 2 s (before the heartbeat: the 2-minute HostAgents timeout).
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(error._tag).toBe("RunFailed")
    expect(error.message).toMatch(
      /worker doomed stopped answering \(.*\) while hosting small, large, judge-1 of sms-spam\.judge repeat 1; restart it/,
    )
  }, 60_000)

  it("tells the cohorts it hosted, and still counts every worker's usage, the lost one's as last reported", async () => {
    const nothing = mergeUsageSnapshots([])
    const spentThere = { ...nothing, total: { ...nothing.total, calls: 3, promptTokens: 30 } }
    const spentBefore = { ...nothing, total: { ...nothing.total, calls: 2, promptTokens: 20 } }
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        const system = yield* ActorSystem.make().pipe(Effect.provide(transport))
        let dead = false
        const fake = (name: string, usage: typeof nothing, silencing: boolean) =>
          Effect.gen(function* () {
            const alive = { worker: name, host: "here", pid: 1 }
            yield* system.spawn(
              workerAddress(name),
              Actor.make(
                WorkerProtocol,
                Effect.succeed({
                  HostAgents: () => Effect.void,
                  ReleaseAgents: () => Effect.void,
                  FinishRun: () => Effect.void,
                  Ping: () => Effect.succeed(alive),
                }),
              ),
            )
            yield* system.spawn(
              heartbeatAddress(name),
              Actor.make(
                HeartbeatProtocol,
                Effect.succeed({
                  // The doomed one goes silent when told; both have spent something.
                  Ping: () => (silencing && dead ? Effect.never : Effect.succeed(alive)),
                  ReportUsage: () => (silencing && dead ? Effect.never : Effect.succeed(Option.some(usage))),
                }),
              ),
            )
          })
        yield* fake("live", spentThere, false)
        yield* fake("doomed", spentBefore, true)
        const control = yield* ActorSystem.make().pipe(Effect.provide(transport))
        const pool = yield* workerPool(["live", "doomed"], {
          runId: "lossy-run",
          scenarioFile: "lossy.yaml",
          scenarioText: text,
          seed: 1,
          readyWaitMs: 5_000,
          spent: { tokens: 0, costUsd: 0 },
          // Silent (not gone): lost once it has not answered for the loss time.
          lossAfterMs: 3_000,
        }).pipe(Effect.provideService(ActorSystem, control))
        // Reported before it goes silent: spent, so it still counts once the worker is lost.
        yield* pool.usage(nothing)
        dead = true
        // Two agents dealt in turn, one on each worker: the cohort is told of the loss (its play interrupted).
        const lost = yield* Effect.flip(
          pool.host(
            { repeat: 0, task: 0, variant: 0 },
            { repeat: 0, task: "sms-spam", method: "judge" },
            { proposer: [0, 1] },
            (role, i) => `${role}-${i}`,
            Effect.never,
          ),
        )
        const live = pool.live()
        // One worker left: the run goes on (the global guard fails only when none is).
        const guarded = yield* pool.guard(Effect.succeed("still running"))
        return { lost, live, guarded, usage: yield* pool.usage(nothing) }
      }).pipe(Effect.scoped),
    )
    expect(outcome.lost).toMatchObject({ _tag: "WorkerLost", worker: "doomed" })
    expect(outcome.lost.message).toContain("while hosting proposer-1 of sms-spam.judge repeat 1")
    expect(outcome.live).toEqual(["live"])
    expect(outcome.guarded).toBe("still running")
    // Before: asking the lost worker again failed the whole question, and the run counted only its own calls.
    expect(outcome.usage.total).toMatchObject({ calls: 5, promptTokens: 50 })
  }, 60_000)
})

describe("a refused HostAgents for a cohort a worker already hosts", () => {
  it("leaves that cohort's agents alone (a forged or mistaken request cannot tear a live cohort down)", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const { system, worker } = yield* inProcessWorker({ name: "steady" })
        const cohort = {
          runId: "live-run",
          scenarioFile: join(dir, "lossy.yaml"),
          scenarioText: text,
          seed: 2,
          repeat: 0,
          task: 0,
          variant: 0,
          spent: { tokens: 0, costUsd: 0 },
        }
        yield* worker.ask(new HostAgents({ cohort, hosted: { proposer: [0, 1], judge: [0] } }))
        const refused = yield* Effect.flip(worker.ask(new HostAgents({ cohort, hosted: { proposer: [5] } })))
        // Asked something it does not understand, a live agent says so; a released one is not there at all.
        const small = system.refFor(
          agentAddress("live-run", { repeat: 0, task: "sms-spam", method: "judge" }, "proposer", "small"),
          WorkerProtocol,
        )
        const probe = yield* Effect.flip(small.ask(new Ping({}), { timeout: "5 seconds" }))
        return { refused: refused.message, probe: probe._tag }
      }).pipe(Effect.scoped),
    )
    expect(outcome.refused).toBe("sms-spam.judge repeat 1 (ensemble) has no proposer 6 to host")
    // Before: the worker released the cohort first, then refused: UnknownRecipient.
    expect(outcome.probe).toBe("MalformedMessage")
  }, 60_000)
})

/**
 * Two real workers in this process (over a transport that encodes every message as NATS would); one of them
 * stops for good once a few steps are stored (its fiber interrupted: its addresses are nobody's, as after a
 * kill). The cohorts that had agents on it are played again on the other from their first step, the others go
 * on, and the run stores exactly what one process stores.
 */
describe("a worker lost mid-run while another is alive", () => {
  const placed = `
name: replayed
seed: 6
repeats: 6
rounds: [2, 4, 8]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 30 }]
teachers: { count: 2, model: sim }
students: { count: 2, model: sim }
methods: [{ strategy: synthetic-examples, nGen: 6, topK: 2 }]
`
  const play = (db: string, workers: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
      const fibers = new Map<string, Fiber.RuntimeFiber<never, unknown>>()
      // In a scope of its own: interrupted, it closes, and the worker's addresses are nobody's.
      for (const name of workers)
        fibers.set(
          name,
          yield* Effect.forkScoped(Effect.scoped(runWorker({ name })).pipe(Effect.provide(transport))),
        )
      const warnings: Array<string> = []
      const started = Date.now()
      let rounds = 0
      // The last worker named stops once three steps are stored.
      const progress = Layer.succeed(Progress, {
        report: (event) =>
          event._tag === "RoundFinished" && ++rounds === 3 && workers.length > 1
            ? Effect.asVoid(
                Effect.forkDaemon(
                  Fiber.interrupt(fibers.get(workers.at(-1)!)!).pipe(
                    Effect.zipRight(
                      Effect.sync(() => console.log(`worker stopped at ${Date.now() - started} ms`)),
                    ),
                  ),
                ),
              )
            : Effect.void,
      })
      const result = yield* runScenario({
        loaded: Either.getOrThrow(parseScenario(join(dir, "replayed.yaml"), placed)),
        versions: { lyceum: "test", node: process.version },
        transport: Layer.succeedContext(transport),
        workers,
      }).pipe(
        Effect.provide([Store.layer({ filename: db }), progress]),
        Effect.provide(
          Logger.replace(
            Logger.defaultLogger,
            Logger.make(({ logLevel, message }) => {
              if (logLevel._tag === "Warning") warnings.push(String(message))
            }),
          ),
        ),
      )
      const rows = yield* Effect.flatMap(Store, (store) =>
        Effect.all({
          curve: store.query(
            "SELECT repeat, round, student, method, value FROM learning_curve WHERE run_id = ? ORDER BY 1, 2, 3, 4",
            [result.runId],
          ),
          lessons: store.query(
            "SELECT id, text, filter_action, sent, chosen FROM lessons WHERE run_id = ? ORDER BY id",
            [result.runId],
          ),
          usage: store.query(
            "SELECT repeat, round, method, agent_id, calls, prompt_tokens FROM model_usage WHERE run_id = ? ORDER BY 1, 2, 3, 4",
            [result.runId],
          ),
          run: store.query("SELECT status, discarded_tokens FROM runs WHERE id = ?", [result.runId]),
        }),
      ).pipe(Effect.provide(Store.layer({ filename: db })))
      return { ...rows, warnings, lost: workers.length > 1 }
    }).pipe(Effect.scoped)

  it("plays its cohorts again on the live worker from their first step, with the results of one process", async () => {
    const alone = await Effect.runPromise(play(join(dir, "replay-alone.db"), []))
    const started = Date.now()
    const replayed = await Effect.runPromise(play(join(dir, "replayed.db"), ["steady", "doomed"]))
    console.log(
      `run with a worker lost after 3 steps: ${Date.now() - started} ms; ${replayed.warnings.join(" | ")}`,
    )
    // Before: the run failed with WorkerLost (runScenario's RunFailed rejected the promise).
    expect(replayed.run).toEqual([{ status: "completed", discarded_tokens: expect.any(Number) }])
    expect(replayed.warnings.length).toBeGreaterThan(0)
    for (const line of replayed.warnings)
      expect(line).toMatch(
        /^worker doomed lost \(.*\): sms-spam\.synthetic-examples repeat \d is played again from its first step on steady \(replay 1 of at most 3\)$/,
      )
    // What the lost attempts stored was deleted and counted as discarded.
    expect((replayed.run[0] as { discarded_tokens: number }).discarded_tokens).toBeGreaterThan(0)
    expect(replayed.curve.length).toBe(6 * 4 * 2)
    expect(replayed.curve).toEqual(alone.curve)
    expect(replayed.lessons).toEqual(alone.lessons)
    expect(replayed.usage).toEqual(alone.usage)
  }, 120_000)
})
