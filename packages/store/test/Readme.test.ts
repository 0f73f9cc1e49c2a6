import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeStore } from "../src/index.js"
import { agents, ensembleItem, evaluations, lesson, newRun, tempDir } from "./fixtures.js"

/** The SQL blocks of the README's "Example queries" section, in order. */
const exampleQueries = (): Array<string> => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
  const section = readme.split("## Example queries")[1]!.split("\n## ")[0]!
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!)
}

describe("README example queries", () => {
  it.scoped("answer correctly on the latest run", () =>
    Effect.gen(function* () {
      const queries = exampleQueries()
      expect(queries).toHaveLength(4)
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      // An older run whose rows must not leak into the answers.
      yield* store.createRun(newRun("old", { startedAt: "2024-01-01T00:00:00.000Z" }))
      yield* store.createRun(newRun("r1", { startedAt: "2025-01-01T00:00:00.000Z" }))
      const s1 = "student-1"
      const s2 = "student-2"
      yield* store.writeBatch({
        agents: [...agents("old"), ...agents("r1")],
        lessons: [
          lesson("old", "x", { filterAction: "drop" }),
          lesson("r1", "a"),
          lesson("r1", "b", { filterAction: "drop" }),
          lesson("r1", "c", { filterAction: "redact" }),
          lesson("r1", "d", { filterAction: "drop" }),
          lesson("r1", "e", { teacher: "teacher-2" }),
        ],
        evaluations: [
          ...evaluations("old", { repeat: 0, round: 2, student: s1 }, [0, 0]),
          ...evaluations("r1", { repeat: 0, round: 0, student: s1 }, [0, 0, 0, 1]),
          ...evaluations("r1", { repeat: 0, round: 1, student: s1 }, [1, 1, 0, 1]),
          ...evaluations("r1", { repeat: 1, round: 0, student: s1 }, [0, 0, 1, 1]),
          ...evaluations("r1", { repeat: 1, round: 1, student: s1 }, [1, 1, 1, 1]),
          ...evaluations("r1", { repeat: 0, round: 0, student: s2 }, [1, 0]),
        ],
      })
      const [finalAccuracy, perRound, filtered, frontier] = queries
      expect(yield* store.query(finalAccuracy!)).toEqual([
        { student: s1, task: "spam", accuracy: 0.875, repeats: 2 },
        { student: s2, task: "spam", accuracy: 0.5, repeats: 1 },
      ])
      expect(yield* store.query(perRound!)).toEqual([
        { student: s1, task: "spam", round: 0, accuracy: 0.375, repeats: 2, items: 8 },
        { student: s1, task: "spam", round: 1, accuracy: 0.875, repeats: 2, items: 8 },
        { student: s2, task: "spam", round: 0, accuracy: 0.5, repeats: 1, items: 2 },
      ])
      expect(yield* store.query(filtered!)).toEqual([
        { teacher: "teacher-1", lessons: 4, redacted: 1, dropped: 2, drop_rate: 0.5 },
        { teacher: "teacher-2", lessons: 1, redacted: 0, dropped: 0, drop_rate: 0 },
      ])
      // One item per method: (correct, cost). `dominated` costs more than `cheap` for the same accuracy;
      // `twin` equals `best`, so neither beats the other. The older run's `free` point must not count.
      const point = (runId: string, method: string, correct: number, cost: number) =>
        ensembleItem(runId, { method, correct, cost_usd: cost })
      yield* store.writeBatch({
        kindRows: [
          {
            table: "ensemble_items",
            rows: [
              point("r1", "best", 1, 1),
              point("r1", "twin", 1, 1),
              point("r1", "cheap", 0, 0.25),
              point("r1", "dominated", 0, 0.5),
              point("old", "free", 1, 0),
            ],
          },
        ],
      })
      expect(
        (yield* store.query(frontier!)).map((row) => [row.method, row.accuracy, row.cost_per_item]),
      ).toEqual([
        ["cheap", 0, 0.25],
        ["best", 1, 1],
        ["twin", 1, 1],
      ])
    }),
  )
})
