import type { RunRow } from "@lyceum/store"
import { Store } from "@lyceum/store"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import type { KindReport, KindTable } from "../src/KindReport.js"
import { renderReport } from "../src/RenderReport.js"
import { col } from "../src/ReportTable.js"

/** Any kind's report renders the same way: a made-up kind with two tables, read without a database. */

const run = {
  id: "r1",
  kind: "made-up",
  scenarioName: "demo",
  scenarioPath: "demo.yaml",
  scenarioText: "",
  scenarioHash: "0123456789abcdef",
  seed: 5,
  versions: { lyceum: "test", node: "v20" },
  config: {},
  status: "completed",
  error: null,
  startedAt: "2025-01-01T00:00:00Z",
  finishedAt: null,
} as RunRow

const table = (name: string, value: number): KindTable => ({
  name,
  description: `the ${name} table`,
  read: (_runId, options) =>
    Effect.succeed({
      model: { table: name, columns: [col.text("what"), col.real("value", 2)], rows: [[name, value]] },
      empty: "(nothing)",
      views: [options.color === true ? "\u001b[36mchart\u001b[0m" : "chart"],
    }),
})

const report: KindReport = {
  tables: [table("first", 0.5), table("second", 0.25)],
  html: () => Effect.succeed([{ title: "A <b> title", body: "<svg></svg>" }]),
}

const render = (options: Omit<Parameters<typeof renderReport>[0], "run" | "report">) =>
  Effect.runPromise(
    Effect.either(renderReport({ run, report, ...options })).pipe(
      // No table reads the store; a service that fails on use proves it.
      Effect.provideService(Store, undefined as never),
    ),
  )

describe("renderReport", () => {
  it("renders the kind's first table when none is named, with a heading and its views", async () => {
    expect(Either.getOrThrow(await render({ format: "table" }))).toBe(
      "Run r1 · scenario demo · seed 5 · completed\n\n" +
        "what   value\n─────  ─────\nfirst   0.50\n\nchart\n",
    )
    expect(Either.getOrThrow(await render({ format: "csv", table: "second" }))).toBe(
      "what,value\nsecond,0.25\n",
    )
    const json = JSON.parse(Either.getOrThrow(await render({ format: "json", table: "second" })))
    expect(json).toMatchObject({ run: { id: "r1", seed: 5 }, table: "second", rows: [{ value: 0.25 }] })
    expect(Either.getOrThrow(await render({ format: "table", color: true }))).toContain("\u001b[36m")
  })

  it("refuses a table the kind does not have, naming the kind and every table it has", async () => {
    for (const format of ["table", "csv", "json", "html"] as const) {
      const failed = await render({ format, table: "curve" })
      expect(Either.isLeft(failed)).toBe(true)
      expect(Either.getLeft(failed).pipe((e) => e._tag === "Some" && e.value.message)).toBe(
        'this made-up run has no table "curve": choose --table first, second (default first)',
      )
    }
  })

  it("wraps the kind's HTML sections in one page, their titles escaped and bodies as given", async () => {
    const page = Either.getOrThrow(await render({ format: "html" }))
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain("<h1>demo</h1>")
    expect(page).toContain("<section><h2>A &lt;b&gt; title</h2><svg></svg></section>")
    expect(page.endsWith("</body></html>\n")).toBe(true)
  })
})
