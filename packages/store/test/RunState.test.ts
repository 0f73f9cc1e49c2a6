import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeStore } from "../src/index.js"
import { agents, ensembleItem, evaluations, lesson, message, newRun, usage } from "./fixtures.js"

const s1 = "student-1"

describe("run state, as resuming reads it", () => {
  it.scoped("tells finished cohorts (every step stored) from partial ones, of this run only", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1"))
      yield* store.createRun(newRun("other"))
      const at = (repeat: number, round: number, method: string) => ({ repeat, round, student: s1, method })
      const steps = (runId: string, repeat: number, method: string, of: ReadonlyArray<number>) =>
        of.map((step) => ({ runId, repeat, task: "spam", method, step }))
      yield* store.writeBatch({
        agents: [...agents("r1"), ...agents("other")],
        evaluations: [
          ...[0, 1, 2].flatMap((round) => evaluations("r1", at(0, round, "m1"), [1, 0])),
          ...[0, 1].flatMap((round) => evaluations("r1", at(0, round, "m2"), [1])),
          ...[0, 1, 2].flatMap((round) => evaluations("other", at(5, round, "m9"), [1])),
        ],
        // repeat 1, m1: only a lesson and model usage of step 1, no step stored — partial.
        lessons: [lesson("r1", "l1", { repeat: 1, method: "m1" })],
        modelUsage: [usage("r1", { repeat: 1, method: "m1" })],
        cohortSteps: [
          // repeat 0, m1: steps 0, 1, 2 — finished with 3 steps.
          ...steps("r1", 0, "m1", [0, 1, 2]),
          // repeat 0, m2: steps 0, 1 — partial.
          ...steps("r1", 0, "m2", [0, 1]),
          ...steps("other", 5, "m9", [0, 1, 2]),
        ],
      })
      expect(yield* store.cohortsOf("r1", 3)).toEqual({
        finished: [{ repeat: 0, task: "spam", method: "m1" }],
        unfinished: [
          { repeat: 0, task: "spam", method: "m2" },
          { repeat: 1, task: "spam", method: "m1" },
        ],
      })
      // Steps are what count, not evaluations: with 4 steps, m1 is not finished (its evaluations are all there).
      expect((yield* store.cohortsOf("r1", 4)).finished).toEqual([])
      expect(yield* store.cohortsOf("none", 3)).toEqual({ finished: [], unfinished: [] })
    }),
  )

  it.scoped("finds a cohort started by a kind's own table, or by messages alone", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1", { kind: "ensemble" }))
      yield* store.writeBatch({
        kindRows: [{ table: "ensemble_items", rows: [ensembleItem("r1", { repeat: 2, method: "vote" })] }],
        messages: [message("r1", "m1", { repeat: 3, method: "judge" })],
      })
      expect(yield* store.cohortsOf("r1", 1)).toEqual({
        finished: [],
        unfinished: [
          { repeat: 2, task: "spam", method: "vote" },
          { repeat: 3, task: "spam", method: "judge" },
        ],
      })
    }),
  )

  it.scoped("counts what a run spent: its usage rows and what it discarded", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: ":memory:" })
      yield* store.createRun(newRun("r1"))
      expect(yield* store.spentBy("r1")).toEqual({ tokens: 0, costUsd: 0 })
      yield* store.writeBatch({
        agents: agents("r1"),
        modelUsage: [usage("r1", { costUsd: 0.5 }), usage("r1", { agentId: "student-1", costUsd: 0.25 })],
      })
      yield* store.addDiscarded("r1", { tokens: 7, costUsd: 0.125 })
      expect(yield* store.spentBy("r1")).toEqual({ tokens: 2 * 160 + 7, costUsd: 0.875 })
    }),
  )
})
