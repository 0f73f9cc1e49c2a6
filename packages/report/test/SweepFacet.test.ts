import type { RunRow } from "@lyceum/store"
import { Store } from "@lyceum/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { KindReport } from "../src/KindReport.js"
import { renderReport } from "../src/RenderReport.js"
import { col } from "../src/ReportTable.js"
import { strategyOf } from "../src/RunScores.js"
import { facetByPoint } from "../src/SweepFacet.js"

const points = [
  { point: 0, label: "nGen=2", values: { "methods.0.nGen": 2 } },
  { point: 1, label: "nGen=4", values: { "methods.0.nGen": 4 } },
]

/** A kind's table of scores per method, as a swept run stores its methods (`<variant>@p<k>`). */
const report: KindReport = {
  tables: [
    {
      name: "scores",
      description: "scores",
      read: () =>
        Effect.succeed({
          model: {
            table: "scores",
            columns: [col.text("task"), col.text("method"), col.real("mean", 2)],
            rows: [
              ["spam", "synthetic-examples@p0", 0.5],
              ["spam", "synthetic-examples@p1", 0.75],
            ],
          },
          empty: "(none)",
          views: [],
        }),
    },
  ],
  html: () =>
    Effect.succeed([
      {
        title: "Curve",
        body: '<svg><g data-series="synthetic-examples@p1"><text>synthetic-examples@p1</text></g><text>x@p12</text></svg>',
      },
    ]),
}

/** A swept run stored through the store (its points in `sweep_points`), then rendered. */
const render = (format: "table" | "csv" | "html", sweep: boolean) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* Store
      const run = yield* store.createRun({
        id: "r1",
        scenarioName: "swept",
        scenarioPath: "swept.yaml",
        scenarioText: "",
        seed: 1,
        kind: "made-up",
        versions: { lyceum: "test", node: "v20" },
        config: sweep ? { name: "swept", sweep: { mode: "grid", fields: { "methods.0.nGen": [2, 4] } } } : {},
        ...(sweep && { sweepPoints: points }),
      })
      return yield* renderReport({ format, run: run as RunRow, report })
    }).pipe(Effect.provide(Store.layer({ filename: ":memory:" }))),
  )

describe("a swept run's report", () => {
  it("shows each row's variant, point and point label in columns of their own", async () => {
    expect(await render("csv", true)).toBe(
      "task,method,point,point_label,mean\nspam,synthetic-examples,0,nGen=2,0.5\nspam,synthetic-examples,1,nGen=4,0.75\n",
    )
    const text = await render("table", true)
    expect(text).toContain("Sweep of 2 points")
    expect(text).toMatch(/point\s+point_label\s+methods\.0\.nGen/)
    expect(text).toMatch(/1\s+nGen=4\s+4/)
  })

  it("lists the points on the HTML page before the kind's sections", async () => {
    const html = await render("html", true)
    expect(html).toMatch(/<h2>Sweep: 2 points<\/h2>.*nGen=4.*<h2>Curve<\/h2>/s)
    // The kind's charts name each point where a series shows it; attributes keep the method as stored.
    expect(html).toContain(
      '<g data-series="synthetic-examples@p1"><text>synthetic-examples@p1 (nGen=4)</text></g><text>x@p12</text>',
    )
  })

  it("leaves a run without a sweep as it was", async () => {
    expect(await render("csv", false)).toBe(
      "task,method,mean\nspam,synthetic-examples@p0,0.5\nspam,synthetic-examples@p1,0.75\n",
    )
    expect(await render("html", false)).not.toContain("Sweep")
  })

  it("gives rows of no point (a total) no point, and tables without a method column are unchanged", () => {
    const faceted = facetByPoint(
      {
        table: "t",
        columns: [col.text("method"), col.integer("n")],
        rows: [
          ["all", 3],
          [null, 1],
        ],
      },
      points,
    )
    expect(faceted.rows).toEqual([
      ["all", null, null, 3],
      [null, null, null, 1],
    ])
    const plain = { table: "t", columns: [col.text("task")], rows: [["spam"]] }
    expect(facetByPoint(plain, points)).toBe(plain)
  })

  it("finds a point's method's strategy, so the paper tables give it its role", () => {
    const strategy = strategyOf([{ method: "originals", strategy: "original-examples" }])
    expect(strategy("originals@p1")).toBe("original-examples")
    expect(strategy("originals")).toBe("original-examples")
    expect(strategy("synthetic-examples@p0")).toBe("synthetic-examples")
  })
})
