import { describe, expect, it } from "vitest"
import { type MethodScoreRow, pairScores, scoreCells, summarizeScores } from "../src/MethodScores.js"
import {
  formatTable1,
  formatTable2,
  paperTable1,
  paperTable2,
  table1ToCsv,
  table2ToCsv,
} from "../src/PaperTables.js"

const O = "original-examples"
const G = "synthetic-examples"

/** One row per score, items i0, i1, ... */
const graded = (
  task: string,
  method: string,
  n: number,
  repeat: number,
  scores: ReadonlyArray<number>,
): Array<MethodScoreRow> => scores.map((score, i) => ({ task, method, n, repeat, itemId: `i${i}`, score }))

const ones = (count: number) => Array.from({ length: count }, () => 1)
const zeros = (count: number) => Array.from({ length: count }, () => 0)

const rows: Array<MethodScoreRow> = [
  // spam, zero-shot as the round-0 evaluation of the original-examples student: 25% and 50% → 37.5 ± 12.5.
  ...graded("spam", O, 0, 0, [0, 0, 1, 0]),
  ...graded("spam", O, 0, 1, [0, 1, 1, 0]),
  // spam n = 1: 50% everywhere; the pairs differ on 4 items, 2 each way, so the sum is 0 and p = 1.
  ...graded("spam", O, 1, 0, [1, 0, 1, 0]),
  ...graded("spam", O, 1, 1, [1, 0, 1, 0]),
  ...graded("spam", G, 1, 0, [0, 1, 1, 0]),
  ...graded("spam", G, 1, 1, [1, 0, 0, 1]),
  // spam n = 8: O right on all 16 (item, repeat) pairs, G on none: exact p = 2 / 2^16.
  ...graded("spam", O, 8, 0, ones(8)),
  ...graded("spam", O, 8, 1, ones(8)),
  ...graded("spam", G, 8, 0, zeros(8)),
  ...graded("spam", G, 8, 1, zeros(8)),
  // cloze: an explicit zero-shot run, and n = 8 with one repeat: 1 pair differs, p = 1.
  ...graded("cloze", "zero-shot", 0, 0, [1, 0]),
  ...graded("cloze", O, 8, 0, [1, 1]),
  ...graded("cloze", G, 8, 0, [1, 0]),
  // Table 2 only
  ...graded("spam", "manual-instruction", 0, 0, [1, 1, 1, 0]),
  ...graded("spam", "manual-instruction", 0, 1, [1, 1, 0, 1]),
  ...graded("spam", "instruction", 4, 0, [1, 1, 1, 1]),
  ...graded("spam", "instruction", 8, 0, [1, 0, 0, 0]),
]

describe("method scores", () => {
  it("averages within repeats, then over repeats", () => {
    const cell = summarizeScores(
      [...graded("spam", O, 8, 0, [1, 1, 1, 0]), ...graded("spam", O, 8, 1, [1, 0])],
      { task: "spam", method: O, n: 8 },
    )
    // repeat means 0.75 and 0.5 (not 4/6 pooled over items); sem = sd / √2 = 0.1768 / 1.414 = 0.125
    expect(cell).toMatchObject({ repeatMeans: [0.75, 0.5], repeats: 2, mean: 0.625, items: 6 })
    expect(cell.sem).toBeCloseTo(0.125, 12)
  })

  it("keeps repeats of different methods apart when pooling", () => {
    const cell = summarizeScores([...graded("spam", O, 0, 0, [1]), ...graded("spam", G, 0, 0, [0])], {
      task: "spam",
      method: "zero-shot",
      n: 0,
    })
    expect(cell.repeats).toBe(2)
    expect(cell.mean).toBe(0.5)
  })

  it("pairs by (task, n, repeat, item), leaving out unmatched items and averaging duplicates", () => {
    const a = [...graded("spam", O, 8, 0, [1, 0, 1]), ...graded("spam", O, 8, 1, [1])]
    const b = [
      ...graded("spam", G, 8, 0, [0, 0]),
      ...graded("spam", G, 8, 0, [1]), // a second student on i0
      ...graded("spam", G, 4, 1, [0]), // other n: no pair
    ]
    expect(pairScores(a, b)).toEqual([
      [1, 0.5],
      [0, 0],
    ])
  })

  it("lists one cell per (task, method, n)", () => {
    const cells = scoreCells(rows)
    expect(cells).toHaveLength(11)
    expect(cells.find((c) => c.task === "spam" && c.method === G && c.n === 8)?.mean).toBe(0)
  })
})

describe("Table 1", () => {
  const table = paperTable1(rows)

  it("has rows n, columns tasks, O/G means and the paired test", () => {
    expect(table.tasks).toEqual(["spam", "cloze"])
    expect(table.rows.map((r) => r.n)).toEqual([0, 1, 8])
    const [zero, one, eight] = table.rows
    expect(zero!.cells[0]!.zeroShot).toMatchObject({ mean: 0.375, repeats: 2 })
    expect(zero!.cells[1]!.zeroShot).toMatchObject({ mean: 0.5, repeats: 1, method: "zero-shot" })
    expect(one!.cells[0]).toMatchObject({
      significant: false,
      test: { pValue: 1, pairs: 8, method: "exact" },
    })
    expect(one!.cells[1]).toMatchObject({ original: undefined, generated: undefined, test: undefined })
    expect(eight!.cells[0]).toMatchObject({ significant: true, test: { pValue: 2 / 65536, pairs: 16 } })
    expect(eight!.cells[0]!.original?.mean).toBe(1)
    expect(eight!.cells[1]).toMatchObject({ significant: false, test: { pValue: 1 } })
  })

  it("renders aligned text with a star where the test is significant", () => {
    const lines = formatTable1(table).split("\n")
    expect(lines[0]).toContain("O / G: original-examples / synthetic-examples")
    expect(lines.slice(3)).toEqual([
      "n  spam          cloze",
      "─  ────────────  ────────────",
      "0   37.5          50.0",
      "1   50.0 / 50.0      –",
      "8  100.0 / 0.0*  100.0 / 50.0",
    ])
  })

  it("takes rows, columns and alpha from the options", () => {
    const custom = paperTable1(rows, { ns: [8, 16], tasks: ["cloze"], alpha: 1e-6 })
    expect(custom.rows.map((r) => r.n)).toEqual([8, 16])
    expect(custom.rows[0]!.cells.map((c) => c.task)).toEqual(["cloze"])
    expect(paperTable1(rows, { alpha: 1e-6 }).rows[2]!.cells[0]!.significant).toBe(false)
  })

  it("exports long-format CSV with the test on the generated line", () => {
    const csv = table1ToCsv(table).split("\n")
    expect(csv[0]).toBe("n,task,method,accuracy,sem,repeats,items,pairs,mean_difference,p_value,significant")
    expect(csv[1]).toBe("0,spam,zero-shot,0.375,0.125,2,8,,,,")
    expect(csv).toContain("8,spam,original-examples,1,0,2,16,,,,")
    expect(csv).toContain(`8,spam,synthetic-examples,0,0,2,16,16,1,${2 / 65536},true`)
    expect(csv).toContain("8,cloze,synthetic-examples,0.5,,1,2,2,0.5,1,false")
    expect(csv.at(-1)).toBe("")
  })

  it("is plain data that survives JSON", () => {
    const parsed = JSON.parse(JSON.stringify(table))
    expect(parsed.kind).toBe("table1")
    expect(parsed.rows[2].cells[0].significant).toBe(true)
    expect(parsed.rows[2].cells[0].generated.repeatMeans).toEqual([0, 0])
  })

  it("seeds each cell's Monte-Carlo test from its own (task, n)", () => {
    // 26 of 40 pairs favour O, 14 favour G: too many to enumerate, so sampled.
    const big = [
      ...graded("spam", O, 16, 0, [...ones(26), ...zeros(14)]),
      ...graded("spam", G, 16, 0, [...zeros(26), ...ones(14)]),
    ]
    const alone = paperTable1(big).rows[0]!.cells[0]!.test!
    const withOthers = paperTable1([...rows, ...big]).rows.find((r) => r.n === 16)!.cells[0]!.test!
    expect(alone.method).toBe("monte-carlo")
    expect(withOthers.pValue).toBe(alone.pValue)
    // 2 × P(Bin(40, 1/2) ≥ 26) = 0.0807
    expect(Math.abs(alone.pValue - 0.0807)).toBeLessThan(0.012)
  })
})

describe("Table 2", () => {
  const table = paperTable2(rows)

  it("has the paper's method rows, with a method's largest n when none is given", () => {
    expect(table.rows.map((r) => r.label)).toEqual([
      "Zero-shot",
      "Manual instruction",
      "8-shot original examples",
      "8-shot generated examples",
      "Generated instruction",
    ])
    const instruction = table.rows[4]!.cells[0]!
    expect(instruction).toMatchObject({ n: 8, mean: 0.25, repeats: 1 })
    expect(table.rows[1]!.cells[1]).toBeUndefined()
  })

  it("renders mean ± SEM over repeats, the SEM only with more than one repeat", () => {
    const lines = formatTable2(table).split("\n")
    expect(lines.slice(2)).toEqual([
      "method                     spam         cloze",
      "─────────────────────────  ───────────  ─────",
      "Zero-shot                   37.5 ±12.5   50.0",
      "Manual instruction          75.0 ±0.0       –",
      "8-shot original examples   100.0 ±0.0   100.0",
      "8-shot generated examples    0.0 ±0.0    50.0",
      "Generated instruction       25.0            –",
    ])
  })

  it("leaves out rows with no scores", () => {
    const custom = paperTable2(rows, {
      rows: [
        { label: "4-shot instruction", method: "instruction", n: 4 },
        { label: "debate", method: "debate" },
      ],
    })
    expect(custom.rows.map((r) => r.label)).toEqual(["4-shot instruction"])
    expect(custom.rows[0]!.cells[0]!.mean).toBe(1)
  })

  it("exports long-format CSV", () => {
    const csv = table2ToCsv(table).split("\n")
    expect(csv[0]).toBe("label,method,n,task,accuracy,sem,repeats,items")
    expect(csv[1]).toBe("Zero-shot,zero-shot,0,spam,0.375,0.125,2,8")
    expect(csv).toContain("Generated instruction,instruction,8,spam,0.25,,1,4")
    expect(csv).toHaveLength(1 + 8 + 1)
  })
})
