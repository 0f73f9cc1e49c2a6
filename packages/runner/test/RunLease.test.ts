import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { parseScenario } from "@lyceum/kinds"
import { type LeaseOwner, makeStore, Store } from "@lyceum/store"
import { Effect, Either, Exit, Layer, Option, Scope, TestClock } from "effect"
import { afterAll } from "vitest"
import { Progress } from "../src/Progress.js"
import { holdLease, RunLeaseHeld, RunLeaseLost, takeLease } from "../src/RunLease.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-lease-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const newRun = (id: string, lease?: LeaseOwner) => ({
  id,
  kind: "social-learning",
  scenarioName: "s",
  scenarioPath: "s.yaml",
  scenarioText: "name: s\n",
  seed: 1,
  versions: { lyceum: "test", node: process.version },
  config: {},
  ...(lease !== undefined && { lease }),
})

/** A pid that no process has any more: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!

const memoryStore = Layer.scoped(Store, makeStore({ filename: ":memory:" }))
const other = (host: string, pid: number): LeaseOwner => ({ pid, host, token: `token-${host}-${pid}` })

describe("takeLease", () => {
  it.scoped("refuses a live holder on this host, even forced, naming its pid, host and heartbeat", () =>
    Effect.gen(function* () {
      const store = yield* Store
      const holder = other(hostname(), process.ppid)
      yield* store.createRun(newRun("r1", holder))
      const owner = other("me", 1)
      const error = yield* Effect.flip(takeLease("r1", owner, true))
      expect(error).toBeInstanceOf(RunLeaseHeld)
      expect(error.message).toContain(`is being played by pid ${process.ppid} on host ${hostname()}`)
      expect(error.message).toContain("last heartbeat at 1970-01-01T00:00:00.000Z, 0 s ago")
      expect(error.message).toContain("--force does not take a run from a live process")
      expect(Option.getOrThrow(yield* store.getLease("r1")).token).toBe(holder.token)
    }).pipe(Effect.provide(memoryStore)),
  )

  it.scoped("takes over a holder whose pid is gone from this host only with force", () =>
    Effect.gen(function* () {
      const store = yield* Store
      const pid = deadPid()
      yield* store.createRun(newRun("r1", other(hostname(), pid)))
      const owner = other("me", 1)
      const refused = yield* Effect.flip(takeLease("r1", owner, false))
      expect(refused.message).toContain(`pid ${pid} no longer exists on this host`)
      expect(refused.message).toContain("add --force")
      const previous = yield* takeLease("r1", owner, true)
      expect(previous).toMatchObject({ pid, host: hostname() })
      expect(Option.getOrThrow(yield* store.getLease("r1")).token).toBe(owner.token)
    }).pipe(Effect.provide(memoryStore)),
  )

  it.scoped("on another host, the heartbeat decides: fresh is alive, older than 30 s is dead", () =>
    Effect.gen(function* () {
      const store = yield* Store
      yield* store.createRun(newRun("r1", other("elsewhere", 42)))
      const owner = other("me", 1)
      yield* TestClock.adjust("29 seconds")
      const alive = yield* Effect.flip(takeLease("r1", owner, true))
      expect(alive.message).toContain("is being played by pid 42 on host elsewhere")
      expect(alive.message).toContain("29 s ago")
      yield* TestClock.adjust("2 seconds")
      const dead = yield* Effect.flip(takeLease("r1", owner, false))
      expect(dead.message).toContain("which is dead (its heartbeat stopped")
      expect(yield* takeLease("r1", owner, true)).toMatchObject({ host: "elsewhere", pid: 42 })
    }).pipe(Effect.provide(memoryStore)),
  )
})

describe("holdLease", () => {
  it.scoped("refreshes the heartbeat while held and releases the lease when its scope closes", () =>
    Effect.gen(function* () {
      const store = yield* Store
      yield* store.createRun(newRun("r1"))
      const scope = yield* Scope.make()
      const lease = yield* holdLease("r1", (owner) => takeLease("r1", owner, false)).pipe(Scope.extend(scope))
      expect(lease.owner).toMatchObject({ pid: process.pid, host: hostname() })
      const heartbeat = () => Effect.map(store.getLease("r1"), (l) => Option.getOrThrow(l).heartbeatAt)
      expect(yield* heartbeat()).toBe("1970-01-01T00:00:00.000Z")
      yield* TestClock.adjust("5 seconds")
      expect(yield* heartbeat()).toBe("1970-01-01T00:00:05.000Z")
      yield* TestClock.adjust("5 seconds")
      expect(yield* heartbeat()).toBe("1970-01-01T00:00:10.000Z")
      expect(yield* lease.lost).toBe(false)
      yield* Scope.close(scope, Exit.void)
      expect(yield* store.getLease("r1")).toEqual(Option.none())
    }).pipe(Effect.provide(memoryStore)),
  )

  it.scoped(
    "notices within a heartbeat that another process took the lease over, and stops what it guards",
    () =>
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.createRun(newRun("r1"))
        const lease = yield* holdLease("r1", (owner) => takeLease("r1", owner, false))
        const guarded = yield* Effect.fork(lease.guard(Effect.never))
        const thief = other("elsewhere", 7)
        yield* store.acquireLease("r1", thief, () => true)
        yield* TestClock.adjust("5 seconds")
        expect(yield* lease.lost).toBe(true)
        const exit = yield* guarded.await
        expect(exit).toEqual(Exit.fail(new RunLeaseLost({ runId: "r1", db: ":memory:" })))
        expect((yield* Effect.flip(exit)).message).toContain("was taken over by another process")
        // The thief's lease stays when the old holder's scope closes.
      }).pipe(Effect.provide(memoryStore)),
  )

  it.scoped("a failed take holds nothing", () =>
    Effect.gen(function* () {
      const store = yield* Store
      yield* store.createRun(newRun("r1", other("elsewhere", 42)))
      const error = yield* Effect.flip(holdLease("r1", (owner) => takeLease("r1", owner, false)))
      expect(error).toBeInstanceOf(RunLeaseHeld)
      expect(Option.getOrThrow(yield* store.getLease("r1")).host).toBe("elsewhere")
    }).pipe(Effect.provide(memoryStore)),
  )
})

describe("runScenario holds the run's lease", () => {
  const text = `
name: leased
seed: 4
repeats: 2
rounds: [2]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`
  const loaded = Either.getOrThrow(parseScenario(join(dir, "leased.yaml"), text))
  const versions = { lyceum: "test", node: process.version }
  const leases = (db: string) =>
    Effect.flatMap(Store, (store) => store.query("SELECT run_id, pid, host FROM run_leases")).pipe(
      Effect.provide(Store.layer({ filename: db })),
    )

  it.live("while it plays, and releases it when it stops or completes", () =>
    Effect.gen(function* () {
      const db = join(dir, "held.db")
      const seen: Array<unknown> = []
      // Stopped (as Ctrl-C would) after its second round: the lease was there during the rounds.
      const progress = Layer.succeed(Progress, {
        report: (event) =>
          event._tag !== "RoundFinished"
            ? Effect.void
            : Effect.flatMap(Effect.orDie(leases(db)), (rows) => {
                seen.push(...rows)
                return seen.length === 2 ? Effect.interrupt : Effect.void
              }),
      })
      const stopped = yield* Effect.flip(
        runScenario({ loaded, versions }).pipe(Effect.provide([Store.layer({ filename: db }), progress])),
      )
      expect(stopped).toMatchObject({ _tag: "RunFailed", status: "stopped" })
      const runId = (stopped as { runId: string }).runId
      expect(seen).toEqual([
        { run_id: runId, pid: process.pid, host: hostname() },
        { run_id: runId, pid: process.pid, host: hostname() },
      ])
      expect(yield* leases(db)).toEqual([])
      yield* runScenario({ loaded, versions, resume: runId }).pipe(
        Effect.provide([Store.layer({ filename: db }), Progress.silent]),
      )
      expect(yield* leases(db)).toEqual([])
    }),
  )

  it.live("refuses to resume a run another live process holds, before changing anything", () =>
    Effect.gen(function* () {
      const db = join(dir, "refused.db")
      const layers = [Store.layer({ filename: db }), Progress.silent] as const
      const stopAtOnce = Layer.succeed(Progress, {
        report: (event) => (event._tag === "RoundFinished" ? Effect.interrupt : Effect.void),
      })
      const stopped = yield* Effect.flip(
        runScenario({ loaded, versions }).pipe(Effect.provide([Store.layer({ filename: db }), stopAtOnce])),
      )
      const runId = (stopped as { runId: string }).runId
      const rows = (store: Store["Type"]) =>
        Effect.all([
          store.query("SELECT status, finished_at FROM runs"),
          store.query("SELECT COUNT(*) AS n FROM evaluations"),
          store.query("SELECT COUNT(*) AS n FROM lessons"),
        ])
      const before = yield* Effect.flatMap(Store, rows).pipe(Effect.provide(layers))
      // Another process on this host (our parent, which is alive) plays it.
      yield* Effect.flatMap(Store, (store) =>
        store.acquireLease(runId, other(hostname(), process.ppid), () => false),
      ).pipe(Effect.provide(layers))
      for (const force of [false, true]) {
        const error = yield* Effect.flip(
          runScenario({ loaded, versions, resume: runId, force }).pipe(Effect.provide(layers)),
        )
        expect(error).toBeInstanceOf(RunLeaseHeld)
        expect(error.message).toContain(`being played by pid ${process.ppid} on host ${hostname()}`)
      }
      expect(yield* Effect.flatMap(Store, rows).pipe(Effect.provide(layers))).toEqual(before)
    }),
  )
})
