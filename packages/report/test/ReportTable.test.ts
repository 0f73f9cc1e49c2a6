import { describe, expect, it } from "vitest"
import { col, type ReportTable, tableToCsv, tableToJson, tableToText } from "../src/ReportTable.js"
import { runsReport } from "../src/RunsTable.js"

const table: ReportTable = {
  table: "demo",
  columns: [
    col.text("method"),
    col.integer("n"),
    col.real("mean", 2),
    col.flag("significant"),
    col.text("note", 6),
  ],
  rows: [
    ['a,"b"', 4, 0.125, true, "a long note"],
    ["c", 0, null, false, null],
  ],
  notes: ["what the columns mean"],
}

describe("report table", () => {
  it("renders one model as CSV, JSON and text with the same columns in the same order", () => {
    expect(tableToCsv(table)).toBe(
      'method,n,mean,significant,note\n"a,""b""",4,0.125,true,a long note\nc,0,,false,\n',
    )
    const json = JSON.parse(tableToJson(table, null))
    expect(json).toEqual({
      run: null,
      table: "demo",
      columns: ["method", "n", "mean", "significant", "note"],
      rows: [
        { method: 'a,"b"', n: 4, mean: 0.125, significant: true, note: "a long note" },
        { method: "c", n: 0, mean: null, significant: false, note: null },
      ],
    })
    expect(tableToText(table, "(empty)").split("\n")).toEqual([
      "what the columns mean",
      "",
      "method  n  mean  significant  note",
      "──────  ─  ────  ───────────  ──────",
      'a,"b"   4  0.13  true         a lon…',
      "c       0     -  false        -",
    ])
    expect(tableToText({ ...table, rows: [] }, "(empty)")).toBe("(empty)")
  })

  it("lists runs with the same columns in every format, the error whole outside the text", () => {
    const listing = {
      runId: "r1",
      scenario: "s",
      kind: "ensemble",
      scenarioPath: "s.yaml",
      status: "failed",
      startedAt: "2025-01-01T00:00:00.000Z",
      finishedAt: null,
      repeats: 1,
      lastRound: 2,
      lessons: 3,
      evaluations: 4,
      modelCalls: 5,
      tokens: 6,
      error: `student-1 failed, ${"x".repeat(60)}`,
    }
    const report = runsReport([listing])
    const [row] = JSON.parse(tableToJson(report, null)).rows
    expect(row).toMatchObject({
      run_id: "r1",
      kind: "ensemble",
      last_round: 2,
      finished_at: null,
      error: listing.error,
    })
    expect(tableToCsv(report)).toContain(`"${listing.error}"`)
    expect(tableToText(report, "")).not.toContain(listing.error)
  })
})
