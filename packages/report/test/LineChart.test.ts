import { describe, expect, it } from "vitest"
import type { CurvePoint } from "../src/LearningCurve.js"
import { type ChartSeries, formatCurvePlot, formatLineChart } from "../src/LineChart.js"

const series = (label: string, ys: ReadonlyArray<number>): ChartSeries => ({
  label,
  points: ys.map((y, x) => ({ x, y })),
})

/** (line, column) of every occurrence of a marker. */
const positions = (chart: string, marker: string) =>
  chart
    .split("\n")
    .flatMap((line, row) => [...line].flatMap((ch, col) => (ch === marker ? [{ row, col }] : [])))

const point = (student: string, round: number, mean: number): CurvePoint => ({
  round,
  student,
  task: "spam",
  method: "original-examples",
  n: round,
  promptLessons: round,
  metric: "accuracy",
  mean,
  sem: undefined,
  repeats: 1,
  nItems: 10,
})

describe("line chart", () => {
  it("plots higher values higher", () => {
    const chart = formatLineChart([series("high", [0.9, 0.9, 0.9]), series("low", [0.1, 0.1, 0.1])], {
      width: 30,
      height: 10,
    })
    // the first 10 lines are the plot; the legend repeats the markers below it
    const high = positions(chart, "●").filter((p) => p.row < 10)
    const low = positions(chart, "■").filter((p) => p.row < 10)
    expect(high).toHaveLength(3)
    expect(low).toHaveLength(3)
    for (const h of high) for (const l of low) expect(h.row).toBeLessThan(l.row)
  })

  it("draws a rising curve rising from left to right, with its points in x order", () => {
    const chart = formatLineChart([series("rising", [0.1, 0.4, 0.6, 0.95])], { width: 40, height: 12 })
    const marks = positions(chart, "●").filter((p) => p.row < 12)
    expect(marks).toHaveLength(4)
    const byColumn = marks.toSorted((a, b) => a.col - b.col)
    for (let i = 1; i < byColumn.length; i++) expect(byColumn[i]!.row).toBeLessThan(byColumn[i - 1]!.row)
  })

  it("connects consecutive points: every plot column between them holds a dot or a marker", () => {
    const width = 24
    const chart = formatLineChart([series("steep", [0, 1])], { width, height: 8 })
      .split("\n")
      .slice(0, 8)
    const gutter = chart[0]!.indexOf("┤") + 1
    for (let col = 0; col < width; col++) {
      expect(chart.some((line) => (line[gutter + col] ?? " ") !== " ")).toBe(true)
    }
  })

  it("labels the axes and lists every series in a legend", () => {
    const chart = formatLineChart(
      [series("a · spam", [0.2, 0.5, 0.7]), series("b · spam", [0.3, 0.3, 0.4])],
      {
        height: 8,
      },
    ).split("\n")
    expect(chart[0]).toMatch(/^1\.00 ┤/)
    expect(chart[7]).toMatch(/^0\.00 ┤/)
    expect(chart[8]).toMatch(/^ {5}└─+ round$/)
    expect(chart[9]!.trim()).toMatch(/^0\s+1\s+2$/)
    expect(chart.slice(10)).toEqual(["  ● a · spam", "  ■ b · spam"])
  })

  it("colours series only when asked", () => {
    const two = [series("a", [0.2, 0.5]), series("b", [0.6, 0.1])]
    expect(formatLineChart(two)).not.toContain("\u001b[")
    expect(formatLineChart(two, { color: true })).toContain("\u001b[36m●\u001b[0m")
  })
})

describe("curve plot", () => {
  it("keeps the bar chart for a single series and draws lines for several", () => {
    const one = [point("student-1", 0, 0.2), point("student-1", 1, 0.8)]
    expect(formatCurvePlot(one)).toContain("round  1 │")
    const two = [...one, point("student-2", 0, 0.3), point("student-2", 1, 0.4)]
    const chart = formatCurvePlot(two)
    expect(chart).toContain("● student-1 · spam · original-examples · accuracy")
    expect(chart).toContain("■ student-2 · spam · original-examples · accuracy")
    const [s1Round1] = positions(chart, "●").toSorted((a, b) => b.col - a.col || a.row - b.row)
    const [s2Round1] = positions(chart, "■").toSorted((a, b) => b.col - a.col || a.row - b.row)
    expect(s1Round1!.row).toBeLessThan(s2Round1!.row)
  })
})
