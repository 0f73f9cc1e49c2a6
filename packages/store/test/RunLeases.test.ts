import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Option, TestClock } from "effect"
import { type LeaseOwner, makeStore, type RunLeaseRow, StoreError } from "../src/index.js"
import { newRun, tempDir } from "./fixtures.js"

const alice: LeaseOwner = { pid: 101, host: "lab-1", token: "token-alice" }
const bob: LeaseOwner = { pid: 202, host: "lab-2", token: "token-bob" }
const never = () => false
const always = () => true

describe("run leases", () => {
  it.scoped("a new run is leased to its creator, who refreshes and releases it; then it is free", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* TestClock.adjust("1 hour")
      yield* store.createRun(newRun("r1", { lease: alice }))
      const taken = Option.getOrThrow(yield* store.getLease("r1"))
      expect(taken).toEqual({
        runId: "r1",
        ...alice,
        acquiredAt: "1970-01-01T01:00:00.000Z",
        heartbeatAt: "1970-01-01T01:00:00.000Z",
      })

      yield* TestClock.adjust("5 seconds")
      expect(yield* store.refreshLease("r1", alice.token)).toBe(true)
      expect(Option.getOrThrow(yield* store.getLease("r1"))).toMatchObject({
        acquiredAt: "1970-01-01T01:00:00.000Z",
        heartbeatAt: "1970-01-01T01:00:05.000Z",
      })
      // Another process can neither refresh nor release what it does not hold.
      expect(yield* store.refreshLease("r1", bob.token)).toBe(false)
      expect(yield* store.releaseLease("r1", bob.token)).toBe(false)
      expect(yield* store.acquireLease("r1", bob, never)).toEqual({
        _tag: "Held",
        holder: { ...taken, heartbeatAt: "1970-01-01T01:00:05.000Z" },
      })

      expect(yield* store.releaseLease("r1", alice.token)).toBe(true)
      expect(yield* store.getLease("r1")).toEqual(Option.none())
      // Free: taken without asking anyone.
      expect(yield* store.acquireLease("r1", bob, never)).toEqual({ _tag: "Acquired", previous: undefined })
      expect(Option.getOrThrow(yield* store.getLease("r1"))).toMatchObject(bob)
    }),
  )

  it.scoped("a run created without a lease has none", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1"))
      expect(yield* store.getLease("r1")).toEqual(Option.none())
    }),
  )

  it.scoped("a holder is taken over only when the caller says so; the old holder then finds it lost", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1", { lease: alice }))
      const seen: Array<RunLeaseRow> = []
      const outcome = yield* store.acquireLease("r1", bob, (holder) => {
        seen.push(holder)
        return true
      })
      expect(seen.map((h) => h.token)).toEqual([alice.token])
      expect(outcome).toEqual({ _tag: "Acquired", previous: seen[0] })
      expect(Option.getOrThrow(yield* store.getLease("r1"))).toMatchObject(bob)
      // Alice's heartbeat and release no longer touch Bob's lease.
      expect(yield* store.refreshLease("r1", alice.token)).toBe(false)
      expect(yield* store.releaseLease("r1", alice.token)).toBe(false)
      expect(Option.getOrThrow(yield* store.getLease("r1"))).toMatchObject(bob)
    }),
  )

  it.scoped("taking a lease one already holds keeps it, from when it was first taken", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1", { lease: alice }))
      yield* TestClock.adjust("10 seconds")
      expect(yield* store.acquireLease("r1", alice, never)).toEqual({ _tag: "Acquired", previous: undefined })
      expect(Option.getOrThrow(yield* store.getLease("r1"))).toMatchObject({
        acquiredAt: "1970-01-01T00:00:00.000Z",
        heartbeatAt: "1970-01-01T00:00:10.000Z",
      })
    }),
  )

  it.scoped("there is no lease on a run that does not exist; deleting a run deletes its lease", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const store = yield* makeStore({ filename })
      const error = yield* Effect.flip(store.acquireLease("nope", alice, never))
      expect(error).toBeInstanceOf(StoreError)
      expect(error.message).toContain("there is no run nope")
      yield* store.createRun(newRun("r1", { lease: alice }))
      const raw = new Database(filename)
      raw.pragma("foreign_keys = ON")
      raw.prepare("DELETE FROM runs WHERE id = 'r1'").run()
      raw.close()
      expect(yield* store.getLease("r1")).toEqual(Option.none())
    }),
  )
})

describe("run leases across connections to one file", () => {
  it.scoped("of two connections, exactly one gets the lease; the other sees who holds it", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const first = yield* makeStore({ filename })
      const second = yield* makeStore({ filename })
      yield* first.createRun(newRun("r1"))
      const outcomes = [
        yield* first.acquireLease("r1", alice, never),
        yield* second.acquireLease("r1", bob, never),
      ]
      expect(outcomes.map((o) => o._tag)).toEqual(["Acquired", "Held"])
      expect(outcomes[1]).toMatchObject({ holder: alice })
    }),
  )

  it.scoped("no other connection can write between reading the holder and taking over", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const first = yield* makeStore({ filename, busyTimeoutMs: 0 })
      const second = yield* makeStore({ filename, busyTimeoutMs: 0 })
      yield* first.createRun(newRun("r1", { lease: { pid: 303, host: "gone", token: "token-dead" } }))
      // While the second connection decides about the dead holder, the first tries to take the lease too.
      const meanwhile: Array<string> = []
      const outcome = yield* second.acquireLease("r1", bob, () => {
        const attempt = Effect.runSync(Effect.either(first.acquireLease("r1", alice, always)))
        meanwhile.push(attempt._tag === "Left" ? (attempt.left.code ?? attempt.left.message) : "acquired")
        return true
      })
      expect(meanwhile).toEqual(["SQLITE_BUSY"])
      expect(outcome).toMatchObject({ _tag: "Acquired", previous: { token: "token-dead" } })
      expect(yield* first.acquireLease("r1", alice, never)).toMatchObject({ _tag: "Held", holder: bob })
    }),
  )
})
