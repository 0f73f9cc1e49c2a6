import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { makeStore, migrate, migrations } from "../src/index.js"
import { agents, newRun, tempDir, usage } from "./fixtures.js"

/** The SQL block of the README's `model_faults` section. */
const readmeFaultsQuery = (): string => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
  const section = readme.split("### `model_faults`")[1]!.split("\n### ")[0]!
  return /```sql\n([\s\S]*?)```/.exec(section)![1]!
}

describe("model faults", () => {
  it.scoped(
    "a database at migration 0004 upgrades and keeps its usage rows, with NULL for what was not stored",
    () =>
      Effect.gen(function* () {
        const filename = join(yield* tempDir, "old.db")
        const old = new Database(filename)
        yield* migrate(
          old,
          filename,
          migrations.filter((m) => m.id <= 4),
        )
        old
          .prepare(
            `INSERT INTO runs (id, scenario_name, scenario_path, scenario_text, scenario_hash, seed, versions, config,
           started_at) VALUES ('r0', 's', 's.yaml', 'name: s', ?, 7, '{}', '{}', '2024-01-01T00:00:00.000Z')`,
          )
          .run("a".repeat(64))
        old
          .prepare(
            `INSERT INTO model_usage (run_id, repeat, round, task, method, agent_id, model, calls, prompt_tokens,
           completion_tokens, cost_usd) VALUES ('r0', 0, 1, 'spam', 'm', 'teacher-1', 'gpt', 4, 100, 20, 0.5)`,
          )
          .run()
        old.close()

        const store = yield* makeStore({ filename })
        expect(yield* store.query("SELECT * FROM model_usage")).toEqual([
          {
            run_id: "r0",
            repeat: 0,
            round: 1,
            task: "spam",
            method: "m",
            agent_id: "teacher-1",
            model: "gpt",
            calls: 4,
            prompt_tokens: 100,
            completion_tokens: 20,
            cost_usd: 0.5,
            retries: null,
            timeouts: null,
            errors: null,
            rate_limit_waits: null,
            rate_limit_wait_ms: null,
            estimated_calls: null,
          },
        ])
        expect(yield* store.query("SELECT COUNT(*) AS n FROM model_faults")).toEqual([{ n: 0 }])
        // The upgraded file takes new rows with their faults.
        yield* store.writeBatch({
          modelUsage: [
            usage("r0", { round: 2, retries: 1, errors: 1, faults: { timeout: { attempts: 2, errors: 1 } } }),
          ],
        })
        expect(yield* store.query("SELECT round, kind, attempts FROM model_faults")).toEqual([
          { round: 2, kind: "timeout", attempts: 2 },
        ])
      }),
  )

  it.scoped("are stored with their usage row, answer the README's query, and go with a deleted cohort", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "faults.db") })
      yield* store.createRun(newRun("r1"))
      yield* store.writeBatch({
        agents: agents("r1"),
        modelUsage: [
          usage("r1", {
            method: "m1",
            retries: 3,
            timeouts: 1,
            errors: 1,
            rateLimitWaits: 2,
            rateLimitWaitMs: 1500.4,
            estimatedCalls: 2,
            faults: {
              rate_limited: { attempts: 2, errors: 0 },
              timeout: { attempts: 1, errors: 0 },
              unavailable: { attempts: 1, errors: 1 },
            },
          }),
          usage("r1", {
            method: "m2",
            agentId: "student-1",
            faults: { timeout: { attempts: 1, errors: 1 } },
          }),
          usage("r1", { method: "m2", agentId: "teacher-1" }),
        ],
      })
      expect(
        yield* store.query(
          "SELECT method, agent_id, retries, timeouts, errors, rate_limit_waits, rate_limit_wait_ms FROM model_usage ORDER BY method, agent_id",
        ),
      ).toEqual([
        {
          method: "m1",
          agent_id: "teacher-1",
          retries: 3,
          timeouts: 1,
          errors: 1,
          rate_limit_waits: 2,
          rate_limit_wait_ms: 1500,
        },
        // A row without faults given stores zeros: measured, nothing happened.
        ...["student-1", "teacher-1"].map((agent_id) => ({
          method: "m2",
          agent_id,
          retries: 0,
          timeouts: 0,
          errors: 0,
          rate_limit_waits: 0,
          rate_limit_wait_ms: 0,
        })),
      ])
      // Calls counted by a tokenizer (the endpoint reported no usage); a row that does not say is not measured.
      expect(
        yield* store.query(
          "SELECT method, agent_id, estimated_calls FROM model_usage ORDER BY method, agent_id",
        ),
      ).toEqual([
        { method: "m1", agent_id: "teacher-1", estimated_calls: 2 },
        { method: "m2", agent_id: "student-1", estimated_calls: null },
        { method: "m2", agent_id: "teacher-1", estimated_calls: null },
      ])
      expect(yield* store.query(readmeFaultsQuery())).toEqual([
        { agent_id: "student-1", model: "sim", kind: "timeout", failed_attempts: 1, failed_calls: 1 },
        { agent_id: "teacher-1", model: "sim", kind: "rate_limited", failed_attempts: 2, failed_calls: 0 },
        { agent_id: "teacher-1", model: "sim", kind: "timeout", failed_attempts: 1, failed_calls: 0 },
        { agent_id: "teacher-1", model: "sim", kind: "unavailable", failed_attempts: 1, failed_calls: 1 },
      ])

      expect(yield* store.deleteCohort("r1", { repeat: 0, task: "spam", method: "m1" })).toBe(4)
      expect(yield* store.query("SELECT method, kind FROM model_faults")).toEqual([
        { method: "m2", kind: "timeout" },
      ])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM model_usage")).toEqual([{ n: 2 }])

      // Deleting a run deletes its faults too (the README's convention).
      const db = new Database(store.filename)
      db.pragma("foreign_keys = ON")
      db.prepare("DELETE FROM runs WHERE id = 'r1'").run()
      db.close()
      expect(yield* store.query("SELECT COUNT(*) AS n FROM model_faults")).toEqual([{ n: 0 }])
    }),
  )

  it.scoped("cannot claim more failed calls than failed attempts", () =>
    Effect.gen(function* () {
      const store = yield* makeStore({ filename: join(yield* tempDir, "checks.db") })
      yield* store.createRun(newRun("r1"))
      const error = yield* Effect.flip(
        store.writeBatch({
          modelUsage: [usage("r1", { faults: { timeout: { attempts: 1, errors: 2 } } })],
        }),
      )
      expect(error.message).toContain("cannot write model_faults row 1 of 1")
      // All or nothing: the usage row of the refused batch is not stored either.
      expect(yield* store.query("SELECT COUNT(*) AS n FROM model_usage")).toEqual([{ n: 0 }])
    }),
  )
})
