import { describe, expect, it } from "vitest"
import { thresholdOf } from "../src/report/CascadeTable.js"
import { frontierCharts } from "../src/report/FrontierTable.js"

const row = (method: string, accuracy: number, tokens: number) => ({
  task: "yesno",
  method,
  repeats: 1,
  accuracy,
  accuracy_sem: null,
  cost_per_item: 0,
  tokens_per_item: tokens,
})

describe("a swept ensemble run's cascades (methods <variant>@p<k>)", () => {
  it("reads a cascade's threshold before the point", () => {
    expect(thresholdOf("cascade@0.8@p1")).toBe(0.8)
    expect(thresholdOf("cascade@0.8")).toBe(0.8)
    expect(thresholdOf("vote@p1")).toBeUndefined()
  })

  it("joins a cascade's thresholds into one series per point", () => {
    const [chart] = frontierCharts([
      row("cascade@0.5@p0", 0.6, 10),
      row("cascade@0.9@p0", 0.7, 20),
      row("cascade@0.5@p1", 0.5, 12),
      row("cascade@0.9@p1", 0.8, 30),
      row("vote@p0", 0.65, 50),
    ])
    const legend = chart!.split("\n").filter((line) => /^\s+\S\s\S/.test(line) && !/[┤│└]/.test(line))
    expect(legend.map((l) => l.trim().slice(2))).toEqual(["cascade@p0", "cascade@p1", "vote@p0"])
  })
})
