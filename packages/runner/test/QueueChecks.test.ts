import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { StepReport, WorkUnit } from "../src/queue/QueueMessages.js"
import { resultSubject, runToken, unitToken, workSubject } from "../src/queue/QueueNames.js"
import { rowsDigest, signedBy, unitKey } from "../src/queue/ReportPublisher.js"
import { foreignRow } from "../src/queue/ResultChecks.js"

const id = { repeat: 1, task: "sms-spam", method: "synthetic-examples" }
const runId = "canary.v2-20261203T160000Z-ab12"
const rows = {
  evaluations: [
    { runId, repeat: 1, round: 2, student: "student-1", task: "sms-spam", method: "synthetic-examples" },
  ],
  lessons: [
    {
      runId,
      repeat: 1,
      round: 2,
      task: "sms-spam",
      method: "synthetic-examples",
      createdAt: "2026-12-03T16:00:00Z",
    },
  ],
  findings: [{ runId, lessonId: "l1", matchedHash: "aa" }],
  kindRows: [
    {
      table: "ensemble_items",
      rows: [{ run_id: runId, repeat: 1, task: "sms-spam", method: "synthetic-examples" }],
    },
  ],
  modelUsage: [{ runId, repeat: 1, round: 2, task: "sms-spam", method: "synthetic-examples", calls: 3 }],
}

describe("work queue names", () => {
  it("turns a run id into one subject token and names units by their indexes", () => {
    expect(runToken(runId)).toBe("canary_v2-20261203T160000Z-ab12")
    expect(unitToken({ repeat: 3, task: 0, variant: 2 })).toBe("r3-t0-v2")
    expect(workSubject(runId, { repeat: 3, task: 0, variant: 2 })).toBe(
      "lyceum-work.canary_v2-20261203T160000Z-ab12.r3-t0-v2",
    )
    expect(resultSubject(runId, { repeat: 0, task: 1, variant: 0 }).split(".")).toHaveLength(3)
  })
})

describe("foreignRow", () => {
  it("accepts rows that all belong to the unit's cohort and step", () => {
    expect(foreignRow(rows, runId, id, 2)).toBeUndefined()
  })

  it("names a row of another run, repeat, task or method, typed or kind rows, camel or snake case", () => {
    const other = (patch: Record<string, unknown>) => ({
      ...rows,
      evaluations: [{ ...rows.evaluations[0], ...patch }],
    })
    expect(foreignRow(other({ runId: "someone-else" }), runId, id, 2)).toContain(
      "evaluations row 1 has runId",
    )
    expect(foreignRow(other({ repeat: 0 }), runId, id, 2)).toContain("repeat 0, not 1")
    expect(foreignRow(other({ method: "instruction" }), runId, id, 2)).toContain("method")
    const kind = {
      ...rows,
      kindRows: [{ table: "ensemble_items", rows: [{ run_id: runId, task: "boolq" }] }],
    }
    expect(foreignRow(kind, runId, id, 2)).toContain("ensemble_items row 1 has task")
  })

  it("names usage rows of another step", () => {
    expect(foreignRow(rows, runId, id, 3)).toContain("modelUsage row 1 is for step 2, not 3")
  })
})

describe("rowsDigest", () => {
  it("is the same for two attempts that differ only in wall-clock times and keyed hashes", () => {
    const again = {
      ...rows,
      lessons: [{ ...rows.lessons[0], createdAt: "2026-12-03T17:00:00Z" }],
      findings: [{ ...rows.findings[0], matchedHash: "bb" }],
    }
    expect(rowsDigest(again)).toBe(rowsDigest(rows))
  })

  it("differs when a number differs", () => {
    const forged = { ...rows, modelUsage: [{ ...rows.modelUsage[0], calls: 4 }] }
    expect(rowsDigest(forged)).not.toBe(rowsDigest(rows))
  })
})

describe("result signatures", () => {
  const runKey = new Uint8Array(32).fill(7)
  const unit = { repeat: 1, task: 0, variant: 0 }
  const bytes = new TextEncoder().encode('{"step":2}')

  it("derives a unit's key from the run's key and the unit, and checks a signature with it", () => {
    const key = unitKey(runKey, runId, unit)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(unitKey(runKey, runId, { ...unit, variant: 1 })).not.toBe(key)
    expect(unitKey(new Uint8Array(32).fill(8), runId, unit)).not.toBe(key)
    const signature = createHmac("sha256", Buffer.from(key, "hex")).update(bytes).digest("hex")
    expect(signedBy(key, bytes, signature)).toBe(true)
  })

  it("refuses a missing, malformed or wrong signature, and a signature of other bytes", () => {
    const key = unitKey(runKey, runId, unit)
    const signature = createHmac("sha256", Buffer.from(key, "hex")).update(bytes).digest("hex")
    expect(signedBy(key, bytes, undefined)).toBe(false)
    expect(signedBy(key, bytes, "zz")).toBe(false)
    expect(signedBy(key, bytes, "0".repeat(64))).toBe(false)
    expect(signedBy(key, new TextEncoder().encode('{"step":3}'), signature)).toBe(false)
    expect(signedBy(unitKey(runKey, runId, { ...unit, repeat: 0 }), bytes, signature)).toBe(false)
  })
})

describe("wire schemas", () => {
  const decodeReport = Schema.decodeUnknownEither(StepReport)
  const decodeUnit = Schema.decodeUnknownEither(WorkUnit)

  it("decodes a step report and refuses one without identity or with a negative step", () => {
    const report = {
      runId,
      unit: { repeat: 1, task: 0, variant: 0 },
      step: 2,
      attempt: 1,
      worker: "w1",
      outcome: { _tag: "StepPlayed", rows: { modelUsage: [] }, summary: { accuracy: 0.5 } },
    }
    expect(Either.isRight(decodeReport(report))).toBe(true)
    expect(Either.isLeft(decodeReport({ ...report, step: -1 }))).toBe(true)
    expect(Either.isLeft(decodeReport({ ...report, attempt: 0 }))).toBe(true)
    expect(Either.isLeft(decodeReport({ ...report, unit: undefined }))).toBe(true)
    expect(Either.isLeft(decodeReport({ ...report, outcome: { _tag: "StepPlayed", rows: {} } }))).toBe(true)
  })

  it("refuses a unit whose key is not 32 bytes of hex", () => {
    const unit = {
      cohort: {
        runId,
        scenarioFile: "/s.yaml",
        scenarioText: "name: s",
        seed: 1,
        repeat: 0,
        task: 0,
        variant: 0,
        spent: { tokens: 0, costUsd: 0 },
      },
      ackWaitMs: 30_000,
      epoch: 1,
      key: "ab".repeat(32),
    }
    expect(Either.isRight(decodeUnit(unit))).toBe(true)
    expect(Either.isLeft(decodeUnit({ ...unit, key: "not-a-key" }))).toBe(true)
    expect(Either.isLeft(decodeUnit({ ...unit, ackWaitMs: 0 }))).toBe(true)
  })
})
