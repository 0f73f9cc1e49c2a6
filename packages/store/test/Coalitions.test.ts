import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeStore } from "../src/index.js"
import { agents, lesson, message, newRun, tempDir } from "./fixtures.js"

describe("generic coalition records", () => {
  it.scoped("store a run's kind and agents of any role with their kind; an empty role is refused", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      const created = yield* store.createRun(newRun("e1", { kind: "ensemble" }))
      expect(created.kind).toBe("ensemble")
      expect(Option.getOrThrow(yield* store.getRun("e1")).kind).toBe("ensemble")
      const agent = (agentId: string, role: string) => ({
        runId: "e1",
        agentId,
        role,
        kind: "ensemble",
        model: "sim",
        dataSize: null,
      })
      yield* store.insertAgents([agent("proposer-1", "proposer"), agent("judge", "judge")])
      expect(yield* store.query("SELECT agent_id, role, kind FROM agents ORDER BY agent_id")).toEqual([
        { agent_id: "judge", role: "judge", kind: "ensemble" },
        { agent_id: "proposer-1", role: "proposer", kind: "ensemble" },
      ])
      const error = yield* Effect.flip(store.insertAgents([agent("nobody", "")]))
      expect(error.code).toBe("SQLITE_CONSTRAINT_CHECK")
    }),
  )

  it.scoped("messages keep the filter's decision; agent_messages reads lessons and messages together", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({
        agents: agents("r1"),
        lessons: [
          lesson("r1", "l1", { filterAction: "redact", filterDetector: "canary", filterReason: "code" }),
        ],
        messages: [
          message("r1", "m1", {
            filterAction: "drop",
            filterDetector: "verbatim",
            filterReason: "copy",
            sent: false,
          }),
          message("r1", "m2", {
            filterAction: null,
            sender: "judge",
            recipient: "proposer-1",
            kind: "verdict",
          }),
        ],
      })
      expect(
        yield* store.query(
          `SELECT id, sender, recipient, kind, filter_action, filter_detector, sent FROM agent_messages
           WHERE run_id = 'r1' ORDER BY id`,
        ),
      ).toEqual([
        {
          id: "l1",
          sender: "teacher-1",
          recipient: "student-1",
          kind: "instruction",
          filter_action: "redact",
          filter_detector: "canary",
          sent: 1,
        },
        {
          id: "m1",
          sender: "proposer-1",
          recipient: "judge",
          kind: "answer",
          filter_action: "drop",
          filter_detector: "verbatim",
          sent: 0,
        },
        {
          id: "m2",
          sender: "judge",
          recipient: "proposer-1",
          kind: "verdict",
          filter_action: null,
          filter_detector: null,
          sent: 1,
        },
      ])
      const bad = message("r1", "m3", { filterAction: "maybe" as "allow" })
      expect((yield* Effect.flip(store.writeBatch({ messages: [bad] }))).code).toBe("SQLITE_CONSTRAINT_CHECK")
    }),
  )

  it.scoped("cohort steps are stamped when written, and a step stored twice is refused", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "runs.db") })
      yield* store.createRun(newRun("r1"))
      const step = { runId: "r1", repeat: 0, task: "spam", method: "m", step: 0 }
      yield* store.writeBatch({ cohortSteps: [step] })
      const [row] = yield* store.query("SELECT finished_at FROM cohort_steps")
      expect(typeof row!.finished_at).toBe("string")
      expect(Number.isNaN(Date.parse(row!.finished_at as string))).toBe(false)
      expect((yield* Effect.flip(store.writeBatch({ cohortSteps: [step] }))).code).toBe(
        "SQLITE_CONSTRAINT_PRIMARYKEY",
      )
    }),
  )
})
