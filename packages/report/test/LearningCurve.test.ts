import { describe, expect, it } from "vitest"
import { formatCurveChart, formatCurveTable } from "../src/Format.js"
import { curveReport, type LearningCurveRow, summarizeCurve } from "../src/LearningCurve.js"
import { tableToCsv } from "../src/ReportTable.js"
import { mean, standardError } from "../src/Statistics.js"

const row = (repeat: number, round: number, value: number): LearningCurveRow => ({
  runId: "r1",
  repeat,
  round,
  student: "student-1",
  task: "spam",
  method: "original-examples",
  n: round,
  promptLessons: round,
  metric: "accuracy",
  value,
  nItems: 100,
})

describe("statistics", () => {
  it("computes mean and standard error by hand-checked values", () => {
    expect(mean([0.5, 0.7, 0.9])).toBeCloseTo(0.7, 12)
    // sd = 0.2, sem = 0.2 / sqrt(3)
    expect(standardError([0.5, 0.7, 0.9])).toBeCloseTo(0.2 / Math.sqrt(3), 12)
    expect(standardError([0.5])).toBeUndefined()
  })
})

describe("learning curve", () => {
  const rows = [row(0, 1, 0.6), row(1, 1, 0.8), row(0, 0, 0.3), row(1, 0, 0.5)]

  it("pools repeats per round, in round order", () => {
    const points = summarizeCurve(rows)
    expect(points.map((p) => p.round)).toEqual([0, 1])
    expect(points[0]).toMatchObject({ mean: 0.4, repeats: 2, nItems: 200 })
    expect(points[1]!.mean).toBeCloseTo(0.7, 12)
    expect(points[1]!.sem).toBeCloseTo(0.1, 12)
  })

  it("renders a table with a line per round and the pooled values", () => {
    const table = formatCurveTable(summarizeCurve(rows)).split("\n")
    expect(table[0]).toContain("student-1 · spam · original-examples · accuracy")
    expect(table).toHaveLength(4)
    expect(table[2]).toMatch(/^\s*0\s+0\.400 ±0\.100 \(n=200\)$/)
    expect(table[3]).toMatch(/^\s*1\s+0\.700 ±0\.100 \(n=200\)$/)
  })

  it("draws longer bars for higher values", () => {
    const chart = formatCurveChart(summarizeCurve(rows), 20).split("\n")
    const barLength = (line: string) => line.split("│")[1]!.trimEnd().length
    expect(barLength(chart[2]!)).toBeGreaterThan(barLength(chart[1]!))
    expect(chart[1]).toContain("0.400")
  })

  it("exports CSV with the method, n and prompt size of every line, quoted where needed", () => {
    const csv = tableToCsv(
      curveReport(
        summarizeCurve([
          { ...row(0, 0, 0.25), student: 'a,"b"' },
          { ...row(0, 1, 0.5), method: "named", promptLessons: 0 },
        ]),
        (method) => (method === "named" ? "synthetic-examples" : method),
      ),
    ).split("\n")
    expect(csv[0]).toBe("task,method,strategy,student,metric,round,n,prompt_lessons,mean,sem,repeats,n_items")
    expect(csv[1]).toBe("spam,named,synthetic-examples,student-1,accuracy,1,1,0,0.5,,1,100")
    expect(csv[2]).toBe('spam,original-examples,original-examples,"a,""b""",accuracy,0,0,0,0.25,,1,100')
  })
})
