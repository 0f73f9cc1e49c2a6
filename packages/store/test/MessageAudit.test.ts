import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeStore } from "../src/index.js"
import { agents, message, newRun, tempDir } from "./fixtures.js"

const cohort = { repeat: 0, task: "spam", method: "judge" }
const step = (n: number, final?: boolean) => ({ runId: "r1", ...cohort, step: n, ...(final && { final }) })

describe("the audit of messages and cohorts that end early (migration 0009)", () => {
  it.scoped("keeps a message's detector findings and turn, and deletes them with its cohort", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({
        agents: agents("r1"),
        messages: [
          message("r1", "m1", { filterAction: "redact", filterDetector: "email", turn: 0 }),
          message("r1", "m2", { turn: 1 }),
        ],
        messageFindings: [
          {
            runId: "r1",
            messageId: "m1",
            detector: "email",
            action: "redact",
            start: 3,
            end: 20,
            matchedHash: "a".repeat(64),
            reason: "an email address",
          },
        ],
      })
      expect(yield* store.query("SELECT id, turn FROM messages ORDER BY id")).toEqual([
        { id: "m1", turn: 0 },
        { id: "m2", turn: 1 },
      ])
      expect(yield* store.query('SELECT message_id, detector, start, "end" FROM message_findings')).toEqual([
        { message_id: "m1", detector: "email", start: 3, end: 20 },
      ])
      // A finding must belong to a stored message.
      const orphan = yield* Effect.flip(
        store.writeBatch({
          messageFindings: [
            {
              runId: "r1",
              messageId: "nope",
              detector: "email",
              action: "flag",
              start: 0,
              end: 1,
              matchedHash: "b".repeat(64),
              reason: "x",
            },
          ],
        }),
      )
      expect(orphan.code).toBe("SQLITE_CONSTRAINT_FOREIGNKEY")
      yield* store.deleteCohort("r1", cohort)
      expect(yield* store.query("SELECT COUNT(*) AS n FROM message_findings")).toEqual([{ n: 0 }])
    }),
  )

  it.scoped("finishes a cohort at a step marked final, before its planned number of steps", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({ cohortSteps: [step(0), step(1)] })
      // Two of five steps, none final: unfinished, played again on resume.
      expect((yield* store.cohortsOf("r1", 5)).finished).toEqual([])
      yield* store.writeBatch({ cohortSteps: [step(2, true)] })
      expect((yield* store.cohortsOf("r1", 5)).finished).toEqual([cohort])
      expect(yield* store.query("SELECT step, final FROM cohort_steps ORDER BY step")).toEqual([
        { step: 0, final: 0 },
        { step: 1, final: 0 },
        { step: 2, final: 1 },
      ])
    }),
  )

  it.scoped("does not take a final step with a gap before it for a finished cohort", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({ cohortSteps: [step(0), step(2, true)] })
      const { finished, unfinished } = yield* store.cohortsOf("r1", 5)
      expect(finished).toEqual([])
      expect(unfinished).toEqual([cohort])
    }),
  )
})
