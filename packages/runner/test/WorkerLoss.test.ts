import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Actor, ActorSystem, LocalTransport } from "@lyceum/actors"
import { agentAddress } from "@lyceum/coalition"
import { parseScenario } from "@lyceum/kinds"
import { mergeUsageSnapshots } from "@lyceum/models"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer, Option } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
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

  it("still counts the live workers' usage once one is lost (what the failed run spent and discarded)", async () => {
    const nothing = mergeUsageSnapshots([])
    const spentThere = { ...nothing, total: { ...nothing.total, calls: 3, promptTokens: 30 } }
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        const system = yield* ActorSystem.make().pipe(Effect.provide(transport))
        let dead = false
        const fake = (name: string, usage: typeof nothing | undefined) =>
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
                  // The doomed one goes silent when told; the live one has spent something.
                  Ping: () => (usage === undefined && dead ? Effect.never : Effect.succeed(alive)),
                  ReportUsage: () => Effect.succeed(Option.fromNullable(usage)),
                }),
              ),
            )
          })
        yield* fake("live", spentThere)
        yield* fake("doomed", undefined)
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
        dead = true
        const lost = yield* Effect.flip(pool.guard(Effect.never))
        return { lost, usage: yield* pool.usage(nothing) }
      }).pipe(Effect.scoped),
    )
    expect(outcome.lost).toMatchObject({ _tag: "WorkerLost", worker: "doomed" })
    // Before: asking the lost worker again failed the whole question, and the run counted only its own calls.
    expect(outcome.usage.total).toMatchObject({ calls: 3, promptTokens: 30 })
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
