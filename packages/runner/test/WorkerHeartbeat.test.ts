import { Actor, ActorSystem, type ActorSystemService, LocalTransport } from "@lyceum/actors"
import { mergeUsageSnapshots } from "@lyceum/models"
import { Effect, Layer, Option } from "effect"
import { describe, expect, it } from "vitest"
import { type PoolRun, workerPool } from "../src/WorkerPool.js"
import { HeartbeatProtocol, heartbeatAddress, WorkerProtocol, workerAddress } from "../src/WorkerProtocol.js"

const run: PoolRun = {
  runId: "beat-run",
  scenarioFile: "beat.yaml",
  scenarioText: "name: beat\n",
  seed: 1,
  readyWaitMs: 5_000,
  spent: { tokens: 0, costUsd: 0 },
}

/**
 * A fake worker whose heartbeat actor answers `Ping` and `ReportUsage` after `delay()` (0 while idle): while
 * it is busy, every question waits behind the first, as on a worker whose event loop is held.
 */
const fakeWorker = (system: ActorSystemService, name: string, delay: () => number) =>
  Effect.gen(function* () {
    const alive = { worker: name, host: "here", pid: 1 }
    const late = <A>(answer: A) => Effect.suspend(() => Effect.as(Effect.sleep(delay()), answer))
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
          Ping: () => late(alive),
          ReportUsage: () => late(Option.none()),
        }),
      ),
    )
  })

const poolOver = (names: ReadonlyArray<string>, delays: Record<string, () => number>, options = {}) =>
  Effect.gen(function* () {
    const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
    const system = yield* ActorSystem.make().pipe(Effect.provide(transport))
    for (const name of names) yield* fakeWorker(system, name, delays[name]!)
    const control = yield* ActorSystem.make().pipe(Effect.provide(transport))
    return yield* workerPool(names, { ...run, ...options }).pipe(Effect.provideService(ActorSystem, control))
  })

describe("the worker heartbeat", () => {
  it("does not lose a worker that is busy for longer than a heartbeat's timeout but less than the loss time", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        let busyUntil = 0
        const pool = yield* poolOver(["busy", "idle"], {
          busy: () => Math.max(0, busyUntil - Date.now()),
          idle: () => 0,
        })
        // Its loop held for 8 s: every beat in that window waits (the first for longer than the 5 s a beat
        // waits for its answer). Before: one unanswered beat was a WorkerLost, and the run failed.
        busyUntil = Date.now() + 8_000
        const usage = yield* pool.guard(
          Effect.zipRight(Effect.sleep("1 second"), pool.usage(mergeUsageSnapshots([]))),
        )
        yield* pool.guard(Effect.sleep("4 seconds"))
        // With another worker alive a loss no longer fails the guard: the pool says whom it still counts on.
        return { usage, live: pool.live() }
      }).pipe(Effect.scoped),
    )
    // And asked for its usage while busy, it answers late instead of being taken for lost.
    expect(outcome.usage.total.calls).toBe(0)
    expect(outcome.live).toEqual(["busy", "idle"])
  }, 60_000)

  it("loses a worker silent for the loss time, not before, naming how long it was silent", async () => {
    const started = Date.now()
    const lost = await Effect.runPromise(
      Effect.gen(function* () {
        let silent = false
        const pool = yield* poolOver(
          ["mute"],
          { mute: () => (silent ? 3_600_000 : 0) },
          { lossAfterMs: 6_000 },
        )
        silent = true
        return yield* Effect.flip(pool.guard(Effect.never))
      }).pipe(Effect.scoped),
    )
    const waited = Date.now() - started
    expect(lost).toMatchObject({ _tag: "WorkerLost", worker: "mute" })
    expect(lost.message).toMatch(/worker mute stopped answering \(no answer to its heartbeat for \d+ s/)
    expect(waited).toBeGreaterThanOrEqual(6_000)
    expect(waited).toBeLessThan(20_000)
  }, 60_000)
})
