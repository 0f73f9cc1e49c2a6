import { describe, expect, it } from "vitest"
import { svgLineChart } from "../src/SvgChart.js"

describe("svgLineChart axis labels", () => {
  it("labels small x values (a cost per item) by their significant digits, not as 0.00", () => {
    const svg = svgLineChart(
      [{ label: "cascade", points: [0.0004, 0.00125, 0.25].map((x) => ({ x, y: x })) }],
      {
        title: "t",
        xLabel: "cost per item (USD)",
        yLabel: "accuracy",
      },
    )
    const ticks = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="middle">([^<]*)</g)].map((m) => m[1])
    expect(ticks).toEqual(["0.0004", "0.0013", "0.25"])
    // The y ticks of an accuracy axis keep two decimals.
    expect(svg).toContain(">0.20<")
  })
})
