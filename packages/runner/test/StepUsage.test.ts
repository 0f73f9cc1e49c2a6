import { describe, expect, it } from "@effect/vitest"
import { meteringLabel } from "@lyceum/coalition"
import { emptyUsage, type UsageSnapshot } from "@lyceum/models"
import { usageRows } from "../src/StepUsage.js"

const cohort = { repeat: 0, task: "sms-spam", method: "instruction" }
const other = { repeat: 1, task: "sms-spam", method: "instruction" }

const row = (id: typeof cohort, agent: string, model: string, calls: number, tokens: number) => ({
  ...emptyUsage(),
  model,
  agent: meteringLabel(id, agent),
  calls,
  promptTokens: tokens,
})

const snapshot = (rows: ReadonlyArray<ReturnType<typeof row>>): UsageSnapshot => ({
  total: emptyUsage(),
  byModel: {},
  rows,
  fallbacks: [],
  budgetExhausted: false,
})

describe("usageRows", () => {
  it("gives each of the cohort's agents what it used during the step, per model, and nobody else's", () => {
    const before = snapshot([
      row(cohort, "student-1", "sim", 10, 100),
      row(cohort, "student-1", "big", 1, 50),
      row(cohort, "teacher-1", "sim", 4, 40),
      row(other, "student-1", "sim", 7, 70),
    ])
    const after = snapshot([
      row(cohort, "student-1", "sim", 13, 130),
      row(cohort, "student-1", "big", 1, 50), // unchanged: no row
      row(cohort, "teacher-1", "sim", 6, 65),
      row(cohort, "teacher-2", "sim", 2, 20), // first calls this step
      row(other, "student-1", "sim", 9, 90), // another cohort's
    ])
    const rows = usageRows("run-1", cohort, 3, before, after)
    expect(rows.map((r) => [r.agentId, r.model, r.calls, r.promptTokens, r.round])).toEqual([
      ["student-1", "sim", 3, 30, 3],
      ["teacher-1", "sim", 2, 25, 3],
      ["teacher-2", "sim", 2, 20, 3],
    ])
    expect(rows.every((r) => r.runId === "run-1" && r.repeat === 0 && r.method === "instruction")).toBe(true)
  })

  it("tells the same agent's rows of two models apart", () => {
    const before = snapshot([row(cohort, "student-1", "a", 1, 10), row(cohort, "student-1", "b", 5, 50)])
    const after = snapshot([row(cohort, "student-1", "a", 2, 20), row(cohort, "student-1", "b", 5, 50)])
    expect(usageRows("r", cohort, 1, before, after).map((r) => [r.model, r.calls])).toEqual([["a", 1]])
  })
})
