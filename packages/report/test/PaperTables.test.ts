import { describe, expect, it } from "vitest"
import { type MethodScoreRow, pairScores, summarizeScores } from "../src/MethodScores.js"
import { paperTable1, paperTable2 } from "../src/PaperTables.js"
import { formatTable1, formatTable2, table1Report, table2Report } from "../src/PaperTableViews.js"
import { tableToCsv } from "../src/ReportTable.js"

const O = "original-examples"
const G = "synthetic-examples"
const Z = "zero-shot"

/**
 * One row per score, items i0, i1, ...; the method is named after its strategy unless `strategy` says
 * otherwise, and a taught method's row at n > 0 is round 1 unless `round` says otherwise.
 */
const graded = (
  task: string,
  method: string,
  n: number,
  repeat: number,
  scores: ReadonlyArray<number>,
  options: { readonly strategy?: string; readonly round?: number } = {},
): Array<MethodScoreRow> =>
  scores.map((score, i) => ({
    task,
    method,
    strategy: options.strategy ?? method,
    n,
    round: options.round ?? (n > 0 ? 1 : 0),
    repeat,
    itemId: `i${i}`,
    score,
  }))

const ones = (count: number) => Array.from({ length: count }, () => 1)
const zeros = (count: number) => Array.from({ length: count }, () => 0)

const rows: Array<MethodScoreRow> = [
  // spam, a zero-shot method: 25% and 50% → 37.5 ± 12.5.
  ...graded("spam", Z, 0, 0, [0, 0, 1, 0]),
  ...graded("spam", Z, 0, 1, [0, 1, 1, 0]),
  // round 0 of the taught methods: not zero-shot rows, and in no cell.
  ...graded("spam", O, 0, 0, [1, 1, 1, 1]),
  ...graded("spam", G, 0, 1, [1, 1, 1, 1]),
  // spam n = 1: 50% everywhere; the pairs differ on 4 items, 2 each way, so the sum is 0 and p = 1.
  ...graded("spam", O, 1, 0, [1, 0, 1, 0]),
  ...graded("spam", O, 1, 1, [1, 0, 1, 0]),
  ...graded("spam", G, 1, 0, [0, 1, 1, 0]),
  ...graded("spam", G, 1, 1, [1, 0, 0, 1]),
  // spam n = 8: O right on all 16 (item, repeat) pairs, G on none: exact p = 2 / 2^16.
  ...graded("spam", O, 8, 0, ones(8), { round: 2 }),
  ...graded("spam", O, 8, 1, ones(8), { round: 2 }),
  ...graded("spam", G, 8, 0, zeros(8), { round: 2 }),
  ...graded("spam", G, 8, 1, zeros(8), { round: 2 }),
  // cloze: the zero-shot method, and n = 8 with one repeat: 1 pair differs, p = 1.
  ...graded("cloze", Z, 0, 0, [1, 0]),
  ...graded("cloze", O, 8, 0, [1, 1], { round: 2 }),
  ...graded("cloze", G, 8, 0, [1, 0], { round: 2 }),
  // Table 2 only
  ...graded("spam", "manual-instruction", 1, 0, [1, 1, 1, 0]),
  ...graded("spam", "manual-instruction", 1, 1, [1, 1, 0, 1]),
  ...graded("spam", "instruction", 4, 0, [1, 1, 1, 1]),
  ...graded("spam", "instruction", 8, 0, [1, 0, 0, 0], { round: 2 }),
]

describe("method scores", () => {
  it("averages within repeats, then over repeats", () => {
    const cell = summarizeScores(
      [...graded("spam", O, 8, 0, [1, 1, 1, 0]), ...graded("spam", O, 8, 1, [1, 0])],
      { task: "spam", method: O, strategy: O, n: 8 },
    )
    // repeat means 0.75 and 0.5 (not 4/6 pooled over items); sem = sd / √2 = 0.1768 / 1.414 = 0.125
    expect(cell).toMatchObject({ repeatMeans: [0.75, 0.5], repeats: 2, mean: 0.625, items: 6 })
    expect(cell.sem).toBeCloseTo(0.125, 12)
  })

  it("takes one value per repeat, whatever rounds and n the repeat holds", () => {
    // A zero-shot student measured in rounds 0, 1, 2 of each of 3 repeats: 3 values, not 9.
    const zeroShot = [0, 1, 2].flatMap((repeat) =>
      [0, 1, 2].flatMap((round) =>
        graded("spam", Z, 2 * round, repeat, [repeat === 2 ? 1 : 0, 1], { round }),
      ),
    )
    const cell = summarizeScores(zeroShot, { task: "spam", method: Z, strategy: Z, n: 0 })
    expect(cell.repeats).toBe(3)
    expect(cell.repeatMeans).toEqual([0.5, 0.5, 1])
    // sd of (0.5, 0.5, 1) = 0.2887; / √3 = 0.1667 (over 9 values it would be 0.0833)
    expect(cell.sem).toBeCloseTo(1 / 6, 12)
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
})

describe("Table 1", () => {
  const table = paperTable1(rows)

  it("has a zero-shot row, then rows n with O/G means and the paired test", () => {
    expect(table.tasks).toEqual(["spam", "cloze"])
    expect(table.rows.map((r) => [r.n, r.zeroShot, r.original, r.generated])).toEqual([
      [0, Z, undefined, undefined],
      [1, undefined, O, G],
      [8, undefined, O, G],
    ])
    const [zero, one, eight] = table.rows
    expect(zero!.cells[0]!.zeroShot).toMatchObject({ mean: 0.375, repeats: 2 })
    expect(zero!.cells[1]!.zeroShot).toMatchObject({ mean: 0.5, repeats: 1, method: Z })
    expect(one!.cells[0]).toMatchObject({
      significant: false,
      test: { pValue: 1, pairs: 8, method: "exact" },
    })
    expect(one!.cells[1]).toMatchObject({ original: undefined, generated: undefined, test: undefined })
    expect(eight!.cells[0]).toMatchObject({ significant: true, test: { pValue: 2 / 65536, pairs: 16 } })
    expect(eight!.cells[0]!.original?.mean).toBe(1)
    expect(eight!.cells[1]).toMatchObject({ significant: false, test: { pValue: 1 } })
  })

  it("renders the paper's grid with a star where the test is significant", () => {
    const lines = formatTable1(table).split("\n")
    expect(lines[0]).toContain("O / G: original-examples / synthetic-examples; n = 0: zero-shot.")
    expect(lines.slice(3)).toEqual([
      "n  spam          cloze",
      "─  ────────────  ────────────",
      "0   37.5          50.0",
      "1   50.0 / 50.0      –",
      "8  100.0 / 0.0*  100.0 / 50.0",
    ])
  })

  it("finds O and G by strategy under any name, and shows no zero-shot row when none was run", () => {
    const named = rows
      .filter((r) => r.strategy === O || r.strategy === G)
      .map((r) => ({ ...r, method: r.strategy === O ? "orig" : "synth" }))
    const t = paperTable1(named)
    expect(t.rows.map((r) => [r.n, r.original, r.generated])).toEqual([
      [1, "orig", "synth"],
      [8, "orig", "synth"],
    ])
    expect(t.rows[1]!.cells[0]).toMatchObject({ significant: true, original: { mean: 1, strategy: O } })
    expect(formatTable1(t)).toContain("O / G: orig / synth")
    expect(formatTable1(t)).not.toMatch(/^0 /m)
  })

  it("compares each generated method with the original one, naming the methods per row", () => {
    const second = rows.filter((r) => r.method === G).map((r) => ({ ...r, method: "synthetic-hot" }))
    const t = paperTable1([...rows, ...second], { tasks: ["spam"] })
    expect(t.rows.map((r) => `${r.n} ${r.generated ?? r.zeroShot}`)).toEqual([
      "0 zero-shot",
      `1 ${G}`,
      `8 ${G}`,
      "1 synthetic-hot",
      "8 synthetic-hot",
    ])
    expect(formatTable1(t).split("\n")[3]).toMatch(/^methods\s+n\s+spam$/)
  })

  it("takes rows, columns and alpha from the options", () => {
    const custom = paperTable1(rows, { ns: [8, 16], tasks: ["cloze"], alpha: 1e-6 })
    expect(custom.rows.map((r) => r.n)).toEqual([0, 8, 16])
    expect(custom.rows[1]!.cells.map((c) => c.task)).toEqual(["cloze"])
    expect(paperTable1(rows, { alpha: 1e-6 }).rows[2]!.cells[0]!.significant).toBe(false)
  })

  it("is one long table, one line per method and task, with the test on the generated line", () => {
    const csv = tableToCsv(table1Report(table)).split("\n")
    expect(csv[0]).toBe(
      "n,task,method,strategy,accuracy,sem,repeats,items,compared_with,pairs,mean_difference,p_value,significant",
    )
    expect(csv[1]).toBe("0,spam,zero-shot,zero-shot,0.375,0.125,2,8,,,,,")
    expect(csv).toContain("8,spam,original-examples,original-examples,1,0,2,16,,,,,")
    expect(csv).toContain(
      `8,spam,synthetic-examples,synthetic-examples,0,0,2,16,original-examples,16,1,${2 / 65536},true`,
    )
    expect(csv).toContain(
      "8,cloze,synthetic-examples,synthetic-examples,0.5,,1,2,original-examples,2,0.5,1,false",
    )
    expect(csv.at(-1)).toBe("")
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

  it("has a row per method that was run, in the paper's order, each at its largest n", () => {
    expect(table.rows.map((r) => r.method)).toEqual([Z, "manual-instruction", O, G, "instruction"])
    const instruction = table.rows[4]!.cells[0]!
    expect(instruction).toMatchObject({ n: 8, mean: 0.25, repeats: 1 })
    expect(table.rows[1]!.cells[1]).toBeUndefined()
    // The taught methods' round 0 (100% in the data) is in no cell.
    expect(table.rows[0]!.cells[0]).toMatchObject({ mean: 0.375, repeats: 2, items: 8 })
  })

  it("counts a zero-shot method's rounds within its repeat: 3 repeats × 3 rounds is 3 repeats", () => {
    const zeroShot = [0, 1, 2].flatMap((repeat) =>
      [0, 1, 2].flatMap((round) =>
        graded("spam", Z, 2 * round, repeat, [repeat === 0 ? 1 : 0, 0], { round }),
      ),
    )
    const [cell] = paperTable2(zeroShot).rows[0]!.cells
    expect(cell).toMatchObject({ n: 0, repeats: 3, repeatMeans: [0.5, 0, 0], items: 18 })
    expect(cell!.sem).toBeCloseTo(0.5 / 3, 12)
  })

  it("shows named methods by their name and strategy, and no zero-shot row when none was run", () => {
    const named = [
      ...graded("spam", "teach-orig", 0, 0, [1, 1], { strategy: O }),
      ...graded("spam", "teach-orig", 4, 0, [1, 0], { strategy: O }),
      ...graded("spam", "teach-gen", 0, 0, [0, 0], { strategy: G }),
      ...graded("spam", "teach-gen", 4, 0, [0, 1], { strategy: G }),
    ]
    const t = paperTable2(named)
    expect(t.rows.map((r) => [r.method, r.strategy])).toEqual([
      ["teach-orig", O],
      ["teach-gen", G],
    ])
    expect(formatTable2(t).split("\n").slice(4)).toEqual([
      "teach-orig (original-examples, n=4)   50.0",
      "teach-gen (synthetic-examples, n=4)   50.0",
    ])
  })

  it("renders mean ± SEM over repeats, the SEM only with more than one repeat", () => {
    const lines = formatTable2(table).split("\n")
    expect(lines.slice(2)).toEqual([
      "method                   spam         cloze",
      "───────────────────────  ───────────  ─────",
      "zero-shot                 37.5 ±12.5   50.0",
      "manual-instruction, n=1   75.0 ±0.0       –",
      "original-examples, n=8   100.0 ±0.0   100.0",
      "synthetic-examples, n=8    0.0 ±0.0    50.0",
      "instruction, n=8          25.0            –",
    ])
  })

  it("is one long table, one line per method and task", () => {
    const csv = tableToCsv(table2Report(table)).split("\n")
    expect(csv[0]).toBe("method,strategy,task,n,accuracy,sem,repeats,items")
    expect(csv[1]).toBe("zero-shot,zero-shot,spam,0,0.375,0.125,2,8")
    expect(csv).toContain("instruction,instruction,spam,8,0.25,,1,4")
    expect(csv).toHaveLength(1 + 8 + 1)
  })
})
