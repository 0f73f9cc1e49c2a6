import { createHash } from "node:crypto"
import { copyFileSync, existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect, Either, Option } from "effect"
import { makeStore, Store, StoreError } from "../src/index.js"
import { agents, evaluations, lesson, newRun, tempDir, usage } from "./fixtures.js"

const failure = <A>(effect: Effect.Effect<A, StoreError>) =>
  Effect.flip(effect).pipe(Effect.tap((error) => Effect.sync(() => expect(error).toBeInstanceOf(StoreError))))

describe("opening", () => {
  it.scoped("creates the file in WAL mode with foreign keys on", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      yield* Effect.scoped(
        Effect.gen(function* () {
          const store = yield* makeStore({ filename, busyTimeoutMs: 1234 })
          expect(yield* store.query("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }])
          expect(yield* store.query("PRAGMA busy_timeout")).toEqual([{ timeout: 1234 }])
          expect(existsSync(`${filename}-wal`)).toBe(true)
        }),
      )
      // WAL is a property of the file: a plain connection sees it after the store has closed.
      const raw = new Database(filename, { readonly: true })
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal")
      raw.close()
    }),
  )

  it.scoped("works as a layer", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const id = yield* Effect.gen(function* () {
        const store = yield* Store
        yield* store.createRun(newRun("r1"))
        return yield* store.latestRunId()
      }).pipe(Effect.provide(Store.layer({ filename })))
      expect(id).toEqual(Option.some("r1"))
    }),
  )

  it.scoped("lets a second connection read what the first wrote", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "runs.db")
      const writer = yield* makeStore({ filename })
      const reader = yield* makeStore({ filename })
      yield* writer.createRun(newRun("r1"))
      expect(yield* reader.latestRunId()).toEqual(Option.some("r1"))
    }),
  )

  it.scoped("fails with the path in the message when the file cannot be created", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "not-a-dir")
      writeFileSync(file, "")
      const filename = join(file, "runs.db")
      const error = yield* failure(Effect.scoped(makeStore({ filename })))
      expect(error.message).toContain(`cannot open database ${filename}:`)
      expect(error.cause).toBeInstanceOf(Error)
    }),
  )

  it.scoped("fails clearly on a file that is not a database", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "notes.db")
      writeFileSync(filename, "x".repeat(4096))
      const error = yield* failure(Effect.scoped(makeStore({ filename })))
      expect(error.message).toMatch(new RegExp(`^cannot open database ${filename}: file is not a database`))
      expect(error.code).toBe("SQLITE_NOTADB")
    }),
  )
})

describe("runs", () => {
  it.scoped("round-trips a run with its scenario hash and JSON columns", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      const input = newRun("r1")
      const created = yield* store.createRun(input)
      const stored = yield* store.getRun("r1")
      expect(Option.getOrThrow(stored)).toEqual(created)
      expect(created).toMatchObject({
        status: "running",
        error: null,
        finishedAt: null,
        versions: input.versions,
        config: input.config,
        scenarioHash: createHash("sha256").update(input.scenarioText).digest("hex"),
      })
      expect(yield* store.getRun("nope")).toEqual(Option.none())
    }),
  )

  it.scoped("finishes, fails and reopens runs; unknown ids are errors", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.finishRun("r1", "failed", "model endpoint unreachable")
      const failed = Option.getOrThrow(yield* store.getRun("r1"))
      expect(failed.status).toBe("failed")
      expect(failed.error).toBe("model endpoint unreachable")
      expect(failed.finishedAt).not.toBeNull()

      yield* store.reopenRun("r1")
      expect(Option.getOrThrow(yield* store.getRun("r1"))).toMatchObject({
        status: "running",
        error: null,
        finishedAt: null,
      })
      yield* store.finishRun("r1", "completed")
      expect(Option.getOrThrow(yield* store.getRun("r1"))).toMatchObject({ status: "completed", error: null })

      const error = yield* failure(store.finishRun("r2", "completed"))
      expect(error.message).toContain("there is no run r2")
      expect((yield* failure(store.reopenRun("r2"))).message).toContain("there is no run r2")
    }),
  )

  it.scoped("finds the latest run by start time", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      expect(yield* store.latestRunId()).toEqual(Option.none())
      yield* store.createRun(newRun("b", { startedAt: "2025-03-01T00:00:00.000Z" }))
      yield* store.createRun(newRun("a", { startedAt: "2025-02-01T00:00:00.000Z" }))
      expect(yield* store.latestRunId()).toEqual(Option.some("b"))
    }),
  )

  it.scoped("rejects a duplicate run id", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      const error = yield* failure(store.createRun(newRun("r1")))
      expect(error.message).toMatch(/cannot create run r1 in .*runs\.db: UNIQUE constraint failed: runs\.id/)
    }),
  )
})

describe("rows", () => {
  it.scoped("enforces foreign keys: no lesson for an unknown run or agent", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      const unknownRun = yield* failure(store.insertLessons([lesson("ghost", "l1")]))
      expect(unknownRun.code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
      expect(unknownRun.message).toContain("cannot write lessons row 1 of 1")

      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      const unknownTeacher = yield* failure(
        store.insertLessons([lesson("r1", "l1", { teacher: "teacher-9" })]),
      )
      expect(unknownTeacher.code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
      expect(
        (yield* failure(
          store.insertEvaluations(evaluations("ghost", { repeat: 0, round: 0, student: "s" }, [1])),
        )).code,
      ).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
      yield* store.insertLessons([lesson("r1", "l1")])
      expect(yield* store.query("SELECT id, teacher FROM lessons")).toEqual([
        { id: "l1", teacher: "teacher-1" },
      ])
    }),
  )

  it.scoped("writes a batch all-or-nothing and says which row failed", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      const rows = evaluations("r1", { repeat: 0, round: 1, student: "student-1" }, [1, 0, 1, 1])
      const error = yield* failure(
        store.writeBatch({
          lessons: [lesson("r1", "l1")],
          evaluations: [...rows.slice(0, 3), rows[1]!],
          modelUsage: [usage("r1")],
        }),
      )
      expect(error.message).toContain("cannot write evaluations row 4 of 4")
      expect(error.message).toContain("UNIQUE constraint failed")
      expect(error.code).toBe("SQLITE_CONSTRAINT_PRIMARYKEY")
      const counts = yield* store.query(
        "SELECT (SELECT COUNT(*) FROM lessons) AS lessons, (SELECT COUNT(*) FROM evaluations) AS evaluations",
      )
      expect(counts).toEqual([{ lessons: 0, evaluations: 0 }])
    }),
  )

  it.scoped("rejects values outside the documented domains", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      const bad = lesson("r1", "l1", { filterAction: "maybe" as "allow" })
      expect((yield* failure(store.insertLessons([bad]))).code).toBe("SQLITE_CONSTRAINT_CHECK")
    }),
  )

  it.scoped("computes learning_curve and run_summary from hand-made rows", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.createRun(newRun("other"))
      yield* store.writeBatch({
        agents: [...agents("r1"), ...agents("other")],
        lessons: [
          lesson("r1", "l1"),
          lesson("r1", "l2", { teacher: "teacher-2", filterAction: "drop", filterDetector: "verbatim" }),
          lesson("r1", "l3", { teacher: "teacher-2", filterAction: "redact", filterDetector: "canary" }),
        ],
        evaluations: [
          ...evaluations("r1", { repeat: 0, round: 0, student: "student-1" }, [0, 0, 1, 0]),
          ...evaluations("r1", { repeat: 0, round: 1, student: "student-1" }, [1, 1, 1, 0]),
          ...evaluations("r1", { repeat: 0, round: 1, student: "student-2" }, [1, 0]),
          ...evaluations("r1", { repeat: 1, round: 1, student: "student-1" }, [1, 1, 1, 1, 1]),
          ...evaluations("other", { repeat: 0, round: 0, student: "student-1" }, [1]),
        ],
        modelUsage: [
          usage("r1"),
          usage("r1", { agentId: "student-1", calls: 2, promptTokens: 10, completionTokens: 5 }),
        ],
      })
      const curve = yield* store.learningCurve("r1")
      expect(curve).toEqual([
        {
          runId: "r1",
          repeat: 0,
          round: 0,
          student: "student-1",
          task: "spam",
          method: "synthetic-examples",
          n: 0,
          promptLessons: 0,
          metric: "accuracy",
          value: 0.25,
          nItems: 4,
        },
        {
          runId: "r1",
          repeat: 0,
          round: 1,
          student: "student-1",
          task: "spam",
          method: "synthetic-examples",
          n: 2,
          promptLessons: 2,
          metric: "accuracy",
          value: 0.75,
          nItems: 4,
        },
        {
          runId: "r1",
          repeat: 0,
          round: 1,
          student: "student-2",
          task: "spam",
          method: "synthetic-examples",
          n: 2,
          promptLessons: 2,
          metric: "accuracy",
          value: 0.5,
          nItems: 2,
        },
        {
          runId: "r1",
          repeat: 1,
          round: 1,
          student: "student-1",
          task: "spam",
          method: "synthetic-examples",
          n: 2,
          promptLessons: 2,
          metric: "accuracy",
          value: 1,
          nItems: 5,
        },
      ])
      const summary = yield* store.query("SELECT * FROM run_summary WHERE run_id = ?", ["r1"])
      expect(summary).toEqual([
        {
          run_id: "r1",
          scenario_name: "spam-social",
          seed: 7,
          status: "running",
          started_at: "2025-01-01T00:00:00.000Z",
          finished_at: null,
          teachers: 2,
          students: 2,
          repeats: 2,
          last_round: 1,
          lessons: 3,
          lessons_redacted: 1,
          lessons_dropped: 1,
          evaluations: 15,
          model_calls: 5,
          prompt_tokens: 130,
          completion_tokens: 45,
        },
      ])
    }),
  )

  it.scoped("keeps rows of a run that never finished, across a crash and a reopen", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const filename = join(dir, "runs.db")
      const crashed = join(dir, "crashed.db")
      const round = (n: number) => ({
        lessons: [lesson("r1", `l${n}`, { round: n })],
        evaluations: evaluations("r1", { repeat: 0, round: n, student: "student-1" }, [1, 0]),
        modelUsage: [usage("r1", { round: n })],
      })
      yield* Effect.scoped(
        Effect.gen(function* () {
          const store = yield* makeStore({ filename })
          yield* store.createRun(newRun("r1"))
          yield* store.insertAgents(agents("r1"))
          yield* store.writeBatch(round(1))
          yield* store.writeBatch(round(2))
          // The files as a killed process leaves them: the main file plus an un-checkpointed WAL.
          copyFileSync(filename, crashed)
          copyFileSync(`${filename}-wal`, `${crashed}-wal`)
        }),
      )
      for (const file of [filename, crashed]) {
        const store = yield* makeStore({ filename: file })
        expect(Option.getOrThrow(yield* store.getRun("r1")).status).toBe("running")
        expect((yield* store.learningCurve("r1")).map((p) => [p.round, p.value])).toEqual([
          [1, 0.5],
          [2, 0.5],
        ])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM lessons")).toEqual([{ n: 2 }])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM model_usage")).toEqual([{ n: 2 }])
      }
    }),
  )
})

describe("query", () => {
  it.scoped("binds positional and named parameters", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1", { seed: 1 }))
      yield* store.createRun(newRun("r2", { seed: 2 }))
      expect(yield* store.query("SELECT id FROM runs WHERE seed = ?", [2])).toEqual([{ id: "r2" }])
      expect(yield* store.query("SELECT id FROM runs WHERE seed = :seed", { seed: 1 })).toEqual([
        { id: "r1" },
      ])
    }),
  )

  it.scoped("refuses statements that write", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      const error = yield* failure(store.query("DELETE FROM runs"))
      expect(error.message).toContain("read-only")
      expect(yield* store.latestRunId()).toEqual(Option.some("r1"))
      expect(Either.isLeft(yield* Effect.either(store.query("SELECT nonsense FROM nowhere")))).toBe(true)
    }),
  )
})

describe("probe_accuracy", () => {
  it.scoped("averages scores per culture and topic through the item labels", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "probes.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({
        agents: agents("r1"),
        itemLabels: [0, 1, 2, 3].map((i) => ({
          runId: "r1",
          task: "spam",
          itemId: `item-${i}`,
          culture: i < 2 ? "japan" : "kenya",
          topic: i % 2 === 0 ? "driving" : "meals",
        })),
        evaluations: evaluations("r1", { repeat: 0, round: 1, student: "student-1" }, [1, 1, 0, 1]),
      })
      const rows = yield* store.query(
        "SELECT culture, SUM(accuracy * n_items) / SUM(n_items) AS accuracy, SUM(n_items) AS n FROM probe_accuracy WHERE run_id = 'r1' GROUP BY culture ORDER BY culture",
      )
      expect(rows).toEqual([
        { culture: "japan", accuracy: 1, n: 2 },
        { culture: "kenya", accuracy: 0.5, n: 2 },
      ])
    }),
  )
})

describe("leakage and smuggling", () => {
  it.scoped("average each round's lesson distance and copies, and count a split attempt once", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "leak.db") })
      yield* store.createRun(newRun("r1"))
      const generated = { kind: "synthetic-example" as const, method: "adversarial" }
      yield* store.writeBatch({
        agents: agents("r1"),
        lessons: [
          lesson("r1", "a", { ...generated, distance: 0.2, verbatimCopy: false }),
          lesson("r1", "b", {
            ...generated,
            distance: 0,
            verbatimCopy: true,
            filterAction: "drop",
            sent: false,
          }),
          // A base64 attempt dropped; a split attempt in two pieces, one redacted on the way out.
          lesson("r1", "c", {
            ...generated,
            distance: 0.5,
            smuggle: "base64",
            filterAction: "drop",
            sent: false,
          }),
          lesson("r1", "d", { ...generated, distance: 0.5, smuggle: "split-2", smuggleIntact: true }),
          lesson("r1", "e", {
            ...generated,
            smuggle: "split-2",
            filterAction: "redact",
            smuggleIntact: false,
          }),
          lesson("r1", "f", { ...generated, distance: 0.4, smuggle: "arithmetic", smuggleIntact: true }),
        ],
      })
      const metric = (name: string) =>
        store.query("SELECT value FROM leakage WHERE run_id = 'r1' AND metric = ?", [name])
      expect(yield* metric("normalized_distance")).toEqual([{ value: 0.1 }])
      expect(yield* metric("verbatim_copy_rate")).toEqual([{ value: 0.5 }])
      expect(yield* metric("smuggle_delivery_rate")).toEqual([{ value: 1 / 3 }])
      expect(
        yield* store.query(
          "SELECT transform, lessons, dropped, redacted, delivered, in_prompt FROM smuggling ORDER BY transform",
        ),
      ).toEqual([
        { transform: "arithmetic", lessons: 1, dropped: 0, redacted: 0, delivered: 1, in_prompt: 1 },
        { transform: "base64", lessons: 1, dropped: 1, redacted: 0, delivered: 0, in_prompt: 0 },
        { transform: "split-2", lessons: 2, dropped: 0, redacted: 1, delivered: 0, in_prompt: 0 },
      ])
    }),
  )
})

describe("deleteCohort", () => {
  it.scoped("removes one cohort's rows, findings included, and leaves the others", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "cohort.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({
        agents: agents("r1"),
        lessons: [lesson("r1", "a", { method: "m1" }), lesson("r1", "b", { method: "m2" })],
        findings: [
          {
            runId: "r1",
            lessonId: "a",
            detector: "secret",
            action: "flag",
            start: 0,
            end: 4,
            matchedHash: "h",
            reason: "r",
          },
        ],
        evaluations: [
          ...evaluations("r1", { repeat: 0, round: 1, student: "student-1", method: "m1" }, [1, 0]),
          ...evaluations("r1", { repeat: 0, round: 1, student: "student-1", method: "m2" }, [1]),
        ],
        modelUsage: [usage("r1", { method: "m1" })],
      })
      const removed = yield* store.deleteCohort("r1", { repeat: 0, task: "spam", method: "m1" })
      expect(removed).toBe(4)
      expect(yield* store.query("SELECT id FROM lessons")).toEqual([{ id: "b" }])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM filter_findings")).toEqual([{ n: 0 }])
      expect(yield* store.query("SELECT DISTINCT method FROM evaluations")).toEqual([{ method: "m2" }])
      expect(yield* store.deleteCohort("r1", { repeat: 1, task: "spam", method: "m2" })).toBe(0)
      // The deleted cohort's tokens stay counted on the run.
      expect(yield* store.query("SELECT discarded_tokens AS tokens FROM runs WHERE id = 'r1'")).toEqual([
        { tokens: usage("r1").promptTokens + usage("r1").completionTokens },
      ])
    }),
  )
})

describe("cost", () => {
  it.scoped(
    "stores each usage row's cost and keeps a deleted cohort's and a cut round's cost on the run",
    () =>
      Effect.gen(function* () {
        const store = yield* makeStore({ filename: join(yield* tempDir, "cost.db") })
        yield* store.createRun(newRun("r1"))
        yield* store.writeBatch({
          agents: agents("r1"),
          modelUsage: [
            usage("r1", { method: "m1", costUsd: 0.25 }),
            usage("r1", { method: "m2", costUsd: 0.5 }),
          ],
        })
        expect(yield* store.query("SELECT method, cost_usd FROM model_usage ORDER BY method")).toEqual([
          { method: "m1", cost_usd: 0.25 },
          { method: "m2", cost_usd: 0.5 },
        ])
        yield* store.deleteCohort("r1", { repeat: 0, task: "spam", method: "m1" })
        yield* store.addDiscarded("r1", { tokens: 10, costUsd: 0.125 })
        expect(yield* store.query("SELECT discarded_cost_usd AS cost FROM runs WHERE id = 'r1'")).toEqual([
          { cost: 0.375 },
        ])
      }),
  )
})
