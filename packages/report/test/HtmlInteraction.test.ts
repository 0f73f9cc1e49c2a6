import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type EvaluationRow, makeStore, Store } from "@lyceum/store"
import { Effect, Option } from "effect"
import { DomUtils, parseDocument } from "htmlparser2"
import { afterAll, describe, expect, it } from "vitest"
import { compareCells, INTERACTION_SCRIPT, toTsv } from "../src/HtmlInteraction.js"
import { htmlTable } from "../src/HtmlTable.js"
import { renderReport } from "../src/RenderReport.js"
import { col } from "../src/ReportTable.js"
import { socialLearningReport } from "../src/SocialLearningReport.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-html-interaction-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const graded = (repeat: number, round: number, method: string, scores: ReadonlyArray<number>) =>
  scores.map(
    (score, i): EvaluationRow => ({
      runId: "r1",
      repeat,
      round,
      student: "student-1",
      task: "sms-spam",
      method,
      n: 4 * round,
      promptLessons: 4 * round,
      metric: "accuracy",
      itemId: `i${i}`,
      answer: "spam",
      target: "spam",
      score,
    }),
  )

/** A social-learning run with two methods over two repeats (bands) and a canary: every section there is. */
const render = () =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename: join(dir, "page.db") })
        yield* store.createRun({
          id: "r1",
          kind: "social-learning",
          scenarioName: "html",
          scenarioPath: "html.yaml",
          scenarioText: "name: html\n",
          seed: 3,
          versions: { lyceum: "test", node: process.version },
          config: { canary: { template: "spam-code", candidates: 100 } },
        })
        yield* store.writeBatch({
          agents: [
            {
              runId: "r1",
              agentId: "student-1",
              role: "student",
              kind: "social-learning",
              model: "sim",
              dataSize: null,
            },
          ],
          evaluations: [0, 1].flatMap((repeat) =>
            [0, 1, 2].flatMap((round) => [
              ...graded(repeat, round, "original-examples", [1, round > 0 ? 1 : 0, 0, repeat]),
              ...graded(repeat, round, "synthetic-examples", [round > 1 ? 1 : 0, 0, repeat, 0]),
            ]),
          ),
          leakage: [0, 1].map((repeat) => ({
            runId: "r1",
            repeat,
            round: 2,
            task: "sms-spam",
            method: "original-examples",
            teacher: null,
            student: "student-1",
            metric: "canary_rank",
            value: 3 + repeat,
          })),
        })
        const run = Option.getOrThrow(yield* store.getRun("r1"))
        return yield* renderReport({ format: "html", run, report: socialLearningReport }).pipe(
          Effect.provideService(Store, store),
        )
      }),
    ),
  )

let rendered: Promise<string> | undefined
const page = () => {
  rendered ??= render()
  return rendered
}

describe("the static HTML report's interactivity", () => {
  it("is one self-contained page with the script once, sortable tables with a copy button each", async () => {
    const html = await page()
    const doc = parseDocument(html)
    const scripts = DomUtils.getElementsByTagName("script", doc)
    expect(scripts).toHaveLength(1)
    expect(DomUtils.textContent(scripts[0]!)).toBe(INTERACTION_SCRIPT)
    // Nothing is fetched: no external script, stylesheet, image or frame.
    expect(DomUtils.findAll((e) => e.attribs.src !== undefined || e.name === "link", doc.children)).toEqual(
      [],
    )
    // The script is valid JavaScript, and never ends its own element early.
    expect(() => new Function(INTERACTION_SCRIPT)).not.toThrow()
    expect(INTERACTION_SCRIPT).not.toMatch(/<\/script/i)

    const tables = DomUtils.getElementsByTagName("table", doc)
    // Learning curve, Table 1, Table 2 and leakage.
    expect(tables.length).toBeGreaterThanOrEqual(4)
    for (const table of tables) {
      expect(table.attribs.class).toBe("sortable")
      const headers = DomUtils.getElementsByTagName("th", table)
      expect(headers.length).toBeGreaterThan(0)
      headers.forEach((th, i) => {
        expect(th.attribs["data-col"]).toBe(String(i))
        expect(["number", "text"]).toContain(th.attribs["data-type"])
      })
      // Every cell carries its exact value for sorting and copying.
      for (const td of DomUtils.getElementsByTagName("td", table))
        expect(td.attribs["data-value"]).toBeDefined()
      const wrap = table.parent as Parameters<typeof DomUtils.getElementsByTagName>[1]
      const buttons = DomUtils.getElementsByTagName("button", wrap).filter(
        (b) => b.attribs.class === "copy-tsv",
      )
      expect(buttons).toHaveLength(1)
    }
    const curve = tables.find((t) => t.attribs["data-table"] === "curve")!
    const typeOf = (name: string) =>
      DomUtils.getElementsByTagName("th", curve).find((th) => DomUtils.textContent(th) === name)!.attribs[
        "data-type"
      ]
    expect([typeOf("task"), typeOf("mean"), typeOf("round")]).toEqual(["text", "number", "number"])
  })

  it("gives every chart point and band a hover title with its values, and legend entries that toggle", async () => {
    const doc = parseDocument(await page())
    const [curve] = DomUtils.getElementsByTagName("svg", doc)
    const series = DomUtils.findAll((e) => e.attribs.class === "series", [curve!])
    expect(series).toHaveLength(2)
    for (const g of series) {
      const label = g.attribs["data-label"]!
      const circles = DomUtils.getElementsByTagName("circle", g)
      expect(circles).toHaveLength(3)
      for (const circle of circles) {
        const title = DomUtils.getElementsByTagName("title", circle)
        expect(title).toHaveLength(1)
        // "<label>: <n> → <mean> (band <lo>–<hi>)"
        expect(DomUtils.textContent(title[0]!)).toMatch(
          new RegExp(`^${label}: \\d+ → \\d\\.\\d{3} \\(band -?\\d\\.\\d{3}–\\d\\.\\d{3}\\)$`),
        )
      }
      const band = DomUtils.findAll((e) => e.attribs.class === "band", [g])
      expect(band).toHaveLength(1)
      expect(DomUtils.textContent(DomUtils.getElementsByTagName("title", band[0]!)[0]!)).toMatch(
        new RegExp(`^${label}: band 0 → `),
      )
    }
    // original-examples at n = 8: repeats 0.5 and 0.75, mean 0.625 ± 0.125.
    const original = series.find((g) => g.attribs["data-label"] === "original-examples")!
    const last = DomUtils.getElementsByTagName("circle", original).at(-1)!
    expect(DomUtils.textContent(last)).toBe("original-examples: 8 → 0.625 (band 0.500–0.750)")
    const entries = DomUtils.findAll((e) => e.attribs.class === "legend-entry", [curve!])
    expect(entries.map((e) => e.attribs["data-label"])).toEqual(series.map((g) => g.attribs["data-label"]))
    for (const entry of entries) expect(entry.attribs.role).toBe("button")
  })

  it("sorts numbers as numbers, text with digit runs as numbers, empty cells last either way", () => {
    const sorted = (values: Array<string>, numeric: boolean, direction: number) =>
      [...values].sort((x, y) => compareCells(x, y, numeric, direction))
    expect(sorted(["10", "", "9", "0.5", "-1"], true, 1)).toEqual(["-1", "0.5", "9", "10", ""])
    expect(sorted(["10", "", "9", "0.5", "-1"], true, -1)).toEqual(["10", "9", "0.5", "-1", ""])
    expect(sorted(["item-10", "item-2", "", "item-1"], false, 1)).toEqual(["item-1", "item-2", "item-10", ""])
    // Text in a numeric column ("-" in a rendering) still sorts, after numbers compare equal.
    expect(sorted(["b", "a"], true, 1)).toEqual(["a", "b"])
  })

  it("copies a table as TSV: tabs and line breaks inside a cell become spaces", () => {
    expect(
      toTsv([
        ["task", "note"],
        ["spam", "a\tb\nc"],
      ]),
    ).toBe("task\tnote\nspam\ta b c\n")
  })

  it("renders a table's exact values, rounded text and an empty note when it has no rows", () => {
    const table = {
      table: "t",
      columns: [col.text("name"), col.real("mean", 2), col.integer("n")],
      rows: [["<b>", 0.123456, null]],
    }
    const doc = parseDocument(htmlTable(table, ""))
    const cells = DomUtils.getElementsByTagName("td", doc)
    expect(cells.map((c) => [c.attribs["data-value"], DomUtils.textContent(c)])).toEqual([
      ["<b>", "<b>"],
      ["0.123456", "0.12"],
      ["", "-"],
    ])
    expect(htmlTable({ ...table, rows: [] }, "(nothing <here>)")).toBe("<p>(nothing &lt;here&gt;)</p>")
  })
})
