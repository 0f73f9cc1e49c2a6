import { summarizeSecretSharer } from "@lyceum/privacy"
import { describe, expect, it } from "vitest"
import { cultureReport, formatCultureTable } from "../src/CultureTable.js"
import { formatLeakageTable, formatRankStrips, leakageReport } from "../src/LeakageTable.js"
import { tableToCsv } from "../src/ReportTable.js"
import { alignColumns, toCsv } from "../src/TextTable.js"

describe("text tables", () => {
  it("pads columns to their widest cell on the side asked, under a rule", () => {
    expect(alignColumns(["a", "bb"], [["xyz", "1"]], (i) => (i === 0 ? "left" : "right"))).toEqual([
      "a    bb",
      "───  ──",
      "xyz   1",
    ])
  })

  it("quotes CSV fields that need it and leaves absent values empty", () => {
    expect(toCsv(["a", "b"], [['x,"y"', undefined]])).toBe('a,b\n"x,""y""",\n')
    // A bare carriage return ends a record for RFC 4180 readers (Python's csv, spreadsheets) as a newline does.
    expect(toCsv(["error"], [["line 1\r\nline 2"], ["a\rb"]])).toBe('error\n"line 1\r\nline 2"\n"a\rb"\n')
  })

  it("renders per-culture accuracy with the gap, as text and CSV", () => {
    const rows = [{ task: "t", method: "m", round: 1, byCulture: { us: 0.9, japan: 0.25 }, gap: 0.65 }]
    expect(formatCultureTable(rows).split("\n").slice(-1)[0]).toBe("t     m           1  0.250  0.900  0.650")
    expect(tableToCsv(cultureReport(rows))).toBe("task,method,round,japan,us,gap\nt,m,1,0.25,0.9,0.65\n")
  })

  it("renders Secret Sharer summaries, with a dash where a measure was not taken", () => {
    const rows = [
      {
        task: "t",
        method: "m",
        secretSharer: summarizeSecretSharer([0, 25], 100),
        verbatimCopyRate: undefined,
        normalizedDistance: 0.625,
        smuggleDeliveryRate: undefined,
      },
    ]
    expect(formatLeakageTable(rows).split("\n").slice(-1)[0]).toMatch(
      /^t\s+m\s+2\s+100\s+12\.5\s+12\.5\s+-1\.81\s+1\s+0\.020\s+4\.29\s+-\s+0\.625\s+-$/,
    )
    expect(tableToCsv(leakageReport(rows)).split("\n")[1]).toMatch(
      /^t,m,2,100,12\.5,12\.5,-1\.81\d*,1,0\.0199\d*,4\.29\d*,,0\.625,$/,
    )
  })

  it("draws canary ranks as one strip per method: density by cell, chance marked", () => {
    const text = formatRankStrips(
      [
        { label: "leaky", ranks: [0, 0, 0, 0, 0, 98] },
        { label: "safe", ranks: [20, 49, 80] },
      ],
      100,
      10,
    )
    expect(text.split("\n")).toEqual([
      "canary ranks per trial (| = chance, 49.5):",
      "leaky  0 ●    |   · 99",
      "safe   0   · ·|  ·  99",
    ])
  })
})
