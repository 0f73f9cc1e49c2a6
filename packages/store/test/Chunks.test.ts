import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  chunkBatch,
  type FindingRow,
  makeStore,
  type RowBatch,
  STEP_CHUNK_ROWS,
  StoreError,
} from "../src/index.js"
import { agents, ensembleItem, evaluations, lesson, newRun, tempDir, usage } from "./fixtures.js"

const finding = (runId: string, lessonId: string): FindingRow => ({
  runId,
  lessonId,
  detector: "verbatim",
  action: "flag",
  start: 0,
  end: 4,
  matchedHash: "h",
  reason: "copied",
})

/** A step of cohort 0/spam/synthetic-examples: 12 lessons, 3 findings, 6 evaluations, 2 usage rows. */
const step = (runId: string, stepNo = 1): RowBatch => ({
  lessons: Array.from({ length: 12 }, (_, i) =>
    lesson(runId, `L${stepNo}-${i}`, { round: stepNo, method: "synthetic-examples" }),
  ),
  findings: [finding(runId, `L${stepNo}-0`), finding(runId, `L${stepNo}-11`), finding(runId, `L${stepNo}-5`)],
  evaluations: evaluations(runId, { repeat: 0, round: stepNo, student: "student-1" }, [1, 0, 1, 1, 0, 1]),
  modelUsage: [
    usage(runId, { round: stepNo, faults: { timeout: { attempts: 2, errors: 1 } } }),
    usage(runId, { round: stepNo, agentId: "student-1" }),
  ],
  cohortSteps: [{ runId, repeat: 0, task: "spam", method: "synthetic-examples", step: stepNo }],
})

const size = (b: RowBatch) =>
  (b.lessons?.length ?? 0) +
  (b.findings?.length ?? 0) +
  (b.evaluations?.length ?? 0) +
  (b.modelUsage?.length ?? 0) +
  (b.kindRows ?? []).reduce((n, k) => n + k.rows.length, 0)

describe("chunkBatch", () => {
  it("deals a batch into chunks of at most maxRows rows, in order, the step's row in the last", () => {
    const batch: RowBatch = {
      ...step("r1"),
      kindRows: [
        { table: "ensemble_stages", rows: [{ a: 1 }, { a: 2 }, { a: 3 }] },
        { table: "ensemble_items", rows: [{ b: 1 }, { b: 2 }] },
      ],
      modelCapabilities: [],
    }
    const chunks = chunkBatch(batch, 5)
    // 12 + 3 + 6 + 2 + 5 = 28 rows: five full chunks and one of 3.
    expect(chunks.map(size)).toEqual([5, 5, 5, 5, 5, 3])
    expect(chunks.flatMap((c) => c.lessons ?? [])).toEqual(batch.lessons)
    expect(chunks.flatMap((c) => c.findings ?? [])).toEqual(batch.findings)
    expect(chunks.flatMap((c) => c.evaluations ?? [])).toEqual(batch.evaluations)
    expect(chunks.flatMap((c) => c.modelUsage ?? [])).toEqual(batch.modelUsage)
    expect(chunks.flatMap((c) => c.kindRows ?? [])).toEqual([
      { table: "ensemble_stages", rows: [{ a: 1 }, { a: 2 }] },
      { table: "ensemble_stages", rows: [{ a: 3 }] },
      { table: "ensemble_items", rows: [{ b: 1 }, { b: 2 }] },
    ])
    // Every finding's lesson is in its chunk or an earlier one.
    const lessonChunk = new Map(chunks.flatMap((c, i) => (c.lessons ?? []).map((l) => [l.id, i] as const)))
    chunks.forEach((c, i) => {
      for (const f of c.findings ?? []) expect(lessonChunk.get(f.lessonId)).toBeLessThanOrEqual(i)
    })
    expect(chunks.slice(0, -1).every((c) => c.cohortSteps === undefined)).toBe(true)
    expect(chunks.at(-1)?.cohortSteps).toBe(batch.cohortSteps)
    expect(chunks.at(-1)?.modelCapabilities).toBe(batch.modelCapabilities)
  })

  it("keeps a batch that fits in one chunk as it is, and an empty one as one chunk", () => {
    const batch = step("r1")
    expect(chunkBatch(batch)).toEqual([batch])
    expect(chunkBatch({ cohortSteps: batch.cohortSteps! }, 3)).toEqual([{ cohortSteps: batch.cohortSteps }])
    expect(STEP_CHUNK_ROWS).toBe(5_000)
    expect(() => chunkBatch(batch, 0)).toThrow(/positive integer/)
  })
})

describe("Store.writeChunked", () => {
  const counts = (store: Effect.Effect.Success<ReturnType<typeof makeStore>>) =>
    Effect.all({
      lessons: store.query("SELECT COUNT(*) AS n FROM lessons"),
      findings: store.query("SELECT COUNT(*) AS n FROM filter_findings"),
      evaluations: store.query("SELECT COUNT(*) AS n FROM evaluations"),
      usage: store.query("SELECT COUNT(*) AS n FROM model_usage"),
      faults: store.query("SELECT COUNT(*) AS n FROM model_faults"),
      steps: store.query("SELECT step FROM cohort_steps ORDER BY step"),
    })

  it.scoped("writes a step of more than two chunks completely, the step marked done", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "c.db"), chunkRows: 4 })
      yield* store.createRun(newRun("r1"))
      yield* store.insertAgents(agents("r1"))
      // 23 rows in chunks of 4: six transactions.
      expect(yield* store.writeChunked(step("r1", 0))).toBe(6)
      expect(yield* store.writeChunked(step("r1", 1))).toBe(6)
      expect(yield* counts(store)).toEqual({
        lessons: [{ n: 24 }],
        findings: [{ n: 6 }],
        evaluations: [{ n: 12 }],
        usage: [{ n: 4 }],
        faults: [{ n: 2 }],
        steps: [{ step: 0 }, { step: 1 }],
      })
      const cohorts = yield* store.cohortsOf("r1", 2)
      expect(cohorts.finished).toHaveLength(1)
      expect(cohorts.unfinished).toEqual([])
    }),
  )

  it.scoped(
    "failing in a middle chunk keeps the chunks before it without the step's row: an unfinished cohort that deleteCohort clears",
    () =>
      Effect.gen(function* () {
        const filename = join(yield* tempDir, "c.db")
        const store = yield* makeStore({ filename, chunkRows: 4 })
        yield* store.createRun(newRun("r1"))
        yield* store.insertAgents(agents("r1"))
        yield* store.writeChunked(step("r1", 0))
        const bad = step("r1", 1)
        // The 10th lesson repeats an id: chunk 3 (lessons 9..12) fails on the primary key.
        const broken: RowBatch = {
          ...bad,
          lessons: bad.lessons!.map((l, i) => (i === 9 ? { ...l, id: "L1-0" } : l)),
        }
        const error = yield* Effect.flip(store.writeChunked(broken))
        expect(error).toBeInstanceOf(StoreError)
        expect(error.message).toBe(
          `cannot write lessons row 2 of 4 to ${filename} (in chunk 3 of 6: nothing of this chunk was written; ` +
            "the 2 before it were, without the row that marks their step done (a resume deletes them)): " +
            "UNIQUE constraint failed: lessons.run_id, lessons.id",
        )
        const after = yield* counts(store)
        expect(after.lessons).toEqual([{ n: 12 + 8 }])
        expect(after.steps).toEqual([{ step: 0 }])
        const cohorts = yield* store.cohortsOf("r1", 2)
        expect(cohorts.finished).toEqual([])
        expect(cohorts.unfinished).toEqual([{ repeat: 0, task: "spam", method: "synthetic-examples" }])
        yield* store.deleteCohort("r1", cohorts.unfinished[0]!)
        expect(yield* counts(store)).toEqual({
          lessons: [{ n: 0 }],
          findings: [{ n: 0 }],
          evaluations: [{ n: 0 }],
          usage: [{ n: 0 }],
          faults: [{ n: 0 }],
          steps: [],
        })
      }),
  )

  it.scoped("checks kind rows before its first transaction: a bad row in the last chunk writes nothing", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "c.db")
      const store = yield* makeStore({ filename, chunkRows: 4 })
      yield* store.createRun(newRun("r1", { kind: "ensemble" }))
      yield* store.insertAgents(agents("r1"))
      const error = yield* Effect.flip(
        store.writeChunked({
          ...step("r1"),
          kindRows: [{ table: "ensemble_items", rows: [ensembleItem("r1"), { run_id: "r1", nope: 1 }] }],
        }),
      )
      expect(error.message).toMatch(/ensemble_items row 2 of 2 has no column "nope".*nothing from this batch/)
      expect((yield* counts(store)).lessons).toEqual([{ n: 0 }])
    }),
  )

  it.scoped("refuses a chunk size that is not a positive whole number", () =>
    Effect.gen(function* () {
      const filename = join(yield* tempDir, "c.db")
      const error = yield* Effect.flip(makeStore({ filename, chunkRows: 0 }))
      expect(error.message).toBe(
        `cannot open ${filename}: chunkRows must be a positive whole number of rows, not 0`,
      )
    }),
  )
})
