import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Deferred, Effect, Either, Fiber, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { eventLoopScheduler } from "../src/EventLoopScheduler.js"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-interrupt-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = `
name: interrupted
seed: 2
repeats: 4
rounds: [2, 4, 6]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 40 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

describe("a run interrupted from outside (Ctrl-C interrupts the CLI's main fiber)", () => {
  it("still finishes its row as stopped, keeping the rounds it finished", async () => {
    const db = join(dir, "outside.db")
    const firstRound = Effect.runSync(Deferred.make<void>())
    const progress = Layer.succeed(Progress, {
      report: (event) =>
        event._tag === "RoundFinished" ? Deferred.succeed(firstRound, undefined) : Effect.void,
    })
    const fiber = Effect.runFork(
      runScenario({
        loaded: Either.getOrThrow(parseScenario(join(dir, "interrupted.yaml"), text)),
        versions: { lyceum: "test", node: process.version },
      }).pipe(Effect.provide([Store.layer({ filename: db }), progress])),
    )
    await Effect.runPromise(Deferred.await(firstRound))
    await Effect.runPromise(Fiber.interrupt(fiber))
    const rows = await Effect.runPromise(
      Effect.flatMap(Store, (store) =>
        Effect.all({
          runs: store.query("SELECT status, error FROM runs"),
          rounds: store.query("SELECT COUNT(*) AS n FROM learning_curve"),
        }),
      ).pipe(Effect.provide(Store.layer({ filename: db }))),
    )
    expect(rows.runs).toEqual([{ status: "stopped", error: "interrupted" }])
    const n = Number(rows.rounds[0]!.n)
    expect(n).toBeGreaterThanOrEqual(1)
    expect(n).toBeLessThan(16)
  })
})

describe("eventLoopScheduler", () => {
  // Fibers waking each other through in-memory queues for 1.5 s, as a run's actors do: on Effect's default
  // scheduler that keeps the microtask queue busy, and Node's event loop (timers, signals, I/O) waits.
  const busyFor = (ms: number) =>
    Effect.gen(function* () {
      const until = performance.now() + ms
      while (performance.now() < until) {
        const woken = yield* Deferred.make<void>()
        yield* Effect.fork(Deferred.succeed(woken, undefined))
        yield* Deferred.await(woken)
      }
    })
  /** How long a 5 ms timer waits while the fibers are busy. */
  const timerDelay = (effect: Effect.Effect<void>) =>
    new Promise<number>((resolve) => {
      const started = performance.now()
      let delay = 0
      setTimeout(() => {
        delay = performance.now() - started
      }, 5)
      Effect.runPromise(effect).then(() => setTimeout(() => resolve(delay), 10))
    })

  it("lets timers (and so signals and sockets) run while fibers keep waking each other", async () => {
    expect(await timerDelay(busyFor(1500))).toBeGreaterThan(1000)
    expect(await timerDelay(Effect.withScheduler(busyFor(1500), eventLoopScheduler(10)))).toBeLessThan(300)
  })
})
