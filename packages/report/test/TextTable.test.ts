import { describe, expect, it } from "vitest"
import { cultureRowsToCsv, formatCultureTable } from "../src/CultureTable.js"
import { formatLeakageTable, leakageToCsv } from "../src/LeakageTable.js"
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
  })

  it("renders per-culture accuracy with the gap, as text and CSV", () => {
    const rows = [{ task: "t", method: "m", round: 1, byCulture: { us: 0.9, japan: 0.25 }, gap: 0.65 }]
    expect(formatCultureTable(rows).split("\n").slice(-1)[0]).toBe("m       1       25.0  90.0  65.0")
    expect(cultureRowsToCsv(rows)).toBe("task,method,round,japan,us,gap\nt,m,1,0.25,0.9,0.65\n")
  })

  it("renders Secret Sharer summaries, with a dash where no verbatim rate exists", () => {
    const rows = [
      {
        task: "t",
        method: "m",
        trials: 4,
        meanRank: 12.5,
        rankZero: 1,
        meanExposure: 5.25,
        verbatimCopyRate: undefined,
      },
    ]
    expect(formatLeakageTable(rows).split("\n").slice(-1)[0]).toMatch(/^t\s+m\s+4\s+12\.5\s+1\s+5\.25\s+-$/)
    expect(leakageToCsv(rows).split("\n")[1]).toBe("t,m,4,12.5,1,5.25,")
  })
})
