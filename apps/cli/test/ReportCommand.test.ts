import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { socialLearningReport } from "@lyceum/report"
import { Progress, runScenario } from "@lyceum/runner"
import { Store } from "@lyceum/store"
import { Effect, Either, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { renderRunReport } from "../src/ReportCommand.js"

/**
 * `lyceum report` on runs played by the real runner with the built-in sim model: 3 repeats of 2 rounds, so a
 * zero-shot cell that counted rounds as repeats would say 9, and methods with `name:`, which the paper tables
 * must find by strategy.
 */

const dir = mkdtempSync(join(tmpdir(), "lyceum-report-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const scenario = (name: string, methods: string) => `
name: ${name}
seed: 11
repeats: 3
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods:
${methods}`

/** Plays `text` into a fresh database and returns a function rendering its report there. */
const played = async (file: string, text: string) => {
  const db = join(dir, file)
  const layer = Store.layer({ filename: db })
  await Effect.runPromise(
    runScenario({
      loaded: Either.getOrThrow(parseScenario(join(dir, `${file}.yaml`), text)),
      versions: { lyceum: "test", node: process.version },
    }).pipe(Effect.provide([layer, Progress.silent])),
  )
  return (format: "table" | "json" | "csv" | "html", table: string | undefined) =>
    Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* Store
        const runId = Option.getOrThrow(yield* store.latestRunId())
        const info = Option.getOrThrow(yield* store.getRun(runId))
        return yield* renderRunReport({ format, table, run: info, color: false })
      }).pipe(Effect.provide(layer)),
    )
}

const csvRecords = (csv: string) => {
  const [header, ...lines] = csv.trim().split("\n")
  const keys = header!.split(",")
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [keys[i]!, v])))
}

describe("lyceum report on a run with named methods and no zero-shot method", () => {
  let report: Awaited<ReturnType<typeof played>>
  beforeAll(async () => {
    report = await played(
      "named.db",
      scenario(
        "named",
        "  - { name: teach-orig, strategy: original-examples, privacy: { verbatim: flag } }\n" +
          "  - { name: teach-gen, strategy: synthetic-examples }\n",
      ),
    )
  }, 120_000)

  it("shows the named methods in Table 2, one value per repeat, and no zero-shot row", async () => {
    const rows = csvRecords(await report("csv", "table2"))
    expect(rows.map((r) => [r.method, r.strategy, r.n, r.repeats])).toEqual([
      ["teach-orig", "original-examples", "4", "3"],
      ["teach-gen", "synthetic-examples", "4", "3"],
    ])
    const text = await report("table", "table2")
    expect(text).toContain("teach-orig (original-examples, n=4)")
    // No row of either rendering is zero-shot (the note may mention the word).
    expect(text).not.toMatch(/^zero-shot/im)
  })

  it("compares the named O and G methods in Table 1 per n, with no n = 0 row", async () => {
    const rows = csvRecords(await report("csv", "table1"))
    expect(rows.map((r) => `${r.n} ${r.method}`)).toEqual([
      "2 teach-orig",
      "2 teach-gen",
      "4 teach-orig",
      "4 teach-gen",
    ])
    for (const r of rows) expect(r.repeats).toBe("3")
    expect(rows[1]).toMatchObject({ compared_with: "teach-orig", pairs: "60" })
    expect(await report("table", "table1")).toContain("O / G: teach-orig / teach-gen")
  })

  it("lists the named methods in the HTML report's methods × tasks section", async () => {
    const page = await report("html", "curve")
    const section = page.slice(
      page.indexOf("Methods × tasks"),
      page.indexOf("</section>", page.indexOf("Methods × tasks")),
    )
    expect(section).toContain("teach-orig / teach-gen")
    expect(section).toContain("teach-gen (synthetic-examples, n=4)")
    // No zero-shot method is listed (the tables' notes, which explain what one would show, aside).
    expect(section.replaceAll(/<p class="notes">.*?<\/p>/g, "")).not.toMatch(/zero-shot/i)
  })

  it("gives every table the same columns in text, CSV and JSON, and one JSON shape", async () => {
    for (const { name: table } of socialLearningReport.tables) {
      const json = JSON.parse(await report("json", table))
      expect(Object.keys(json)).toEqual(["run", "table", "columns", "rows"])
      expect(json).toMatchObject({ table, run: { scenario: "named", seed: 11, status: "completed" } })
      const header = (await report("csv", table)).split("\n")[0]
      const text = await report("table", table)
      if (json.rows.length === 0) continue
      expect(header).toBe(json.columns.join(","))
      for (const row of json.rows) expect(Object.keys(row)).toEqual(json.columns)
      // The text table's header line names the same columns, in the same order.
      const textHeader = text.split("\n").find((line) => line.startsWith(json.columns[0]))
      expect(textHeader?.trim().split(/\s+/)).toEqual(json.columns)
    }
  })

  it("defaults to the curve and refuses a table a social-learning run does not have, naming its tables", async () => {
    expect(await report("csv", undefined)).toBe(await report("csv", "curve"))
    await expect(report("table", "frontier")).rejects.toThrow(
      'this social-learning run has no table "frontier": choose --table curve, table1, table2, cultures, leakage, smuggling (default curve)',
    )
  })

  it("tells the methods' rows of the learning curve apart in CSV: method, n and prompt_lessons", async () => {
    const rows = csvRecords(await report("csv", "curve"))
    expect(Object.keys(rows[0]!)).toEqual(
      expect.arrayContaining(["method", "n", "prompt_lessons", "repeats"]),
    )
    expect(rows.map((r) => `${r.method} ${r.round} ${r.n}`)).toEqual([
      "teach-gen 0 0",
      "teach-gen 1 2",
      "teach-gen 2 4",
      "teach-orig 0 0",
      "teach-orig 1 2",
      "teach-orig 2 4",
    ])
    for (const r of rows) expect(r.repeats).toBe("3")
  })
})

describe("lyceum report on a run with a zero-shot method", () => {
  it("counts its 3 repeats × 3 rounds as 3 repeats in Tables 1 and 2", async () => {
    const report = await played(
      "zero.db",
      scenario(
        "zero",
        "  - { strategy: zero-shot }\n  - { name: examples, strategy: original-examples, privacy: { verbatim: flag } }\n",
      ),
    )
    const table2 = csvRecords(await report("csv", "table2"))
    expect(table2.map((r) => [r.method, r.n, r.repeats, r.items])).toEqual([
      ["zero-shot", "0", "3", String(3 * 3 * 20)],
      ["examples", "4", "3", String(3 * 20)],
    ])
    const table1 = csvRecords(await report("csv", "table1"))
    expect(table1[0]).toMatchObject({ n: "0", method: "zero-shot", repeats: "3" })
  }, 120_000)
})
