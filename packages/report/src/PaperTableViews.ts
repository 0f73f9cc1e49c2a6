import type { ScoreCell } from "./MethodScores.js"
import type { Table1, Table1Row, Table2 } from "./PaperTables.js"
import { type CellValue, col, measured, type ReportTable } from "./ReportTable.js"
import { alignColumns } from "./TextTable.js"

/** The paper tables as long-format report tables (every format) and as the paper's grids (text, HTML). */

const cellValues = (cell: ScoreCell): Array<CellValue> => [
  cell.method,
  cell.strategy,
  measured(cell.mean),
  measured(cell.sem),
  cell.repeats,
  cell.items,
]

/**
 * Table 1, one line per (row, task, method) with accuracy in [0, 1]: a zero-shot method's line at n = 0,
 * the O and G lines of each n; the test of O vs G (pairs, mean difference O - G, p-value, significant) is on
 * the G line, whose `compared_with` names the O method.
 */
export const table1Report = (table: Table1): ReportTable => ({
  table: "table1",
  columns: [
    col.integer("n"),
    col.text("task"),
    col.text("method"),
    col.text("strategy"),
    col.real("accuracy"),
    col.real("sem"),
    col.integer("repeats"),
    col.integer("items"),
    col.text("compared_with"),
    col.integer("pairs"),
    col.real("mean_difference"),
    col.real("p_value", 4),
    col.flag("significant"),
  ],
  rows: table.rows.flatMap((row) =>
    row.cells.flatMap((cell) => {
      const noTest = [null, null, null, null, null]
      const test = cell.test
      const testValues =
        test === undefined
          ? noTest
          : [row.original ?? null, test.pairs, test.meanDifference, test.pValue, cell.significant]
      return [
        ...(cell.zeroShot ? [[row.n, cell.task, ...cellValues(cell.zeroShot), ...noTest]] : []),
        ...(cell.original ? [[row.n, cell.task, ...cellValues(cell.original), ...noTest]] : []),
        ...(cell.generated ? [[row.n, cell.task, ...cellValues(cell.generated), ...testValues]] : []),
      ]
    }),
  ),
  notes: [
    `Accuracy in [0, 1], mean over repeats (one value per repeat) ± SEM; the G line holds the paired permutation test against O (${table.permutations} permutations, significant: p < ${table.alpha}).`,
  ],
})

/** Table 2, one line per (method, task) with accuracy in [0, 1]. */
export const table2Report = (table: Table2): ReportTable => ({
  table: "table2",
  columns: [
    col.text("method"),
    col.text("strategy"),
    col.text("task"),
    col.integer("n"),
    col.real("accuracy"),
    col.real("sem"),
    col.integer("repeats"),
    col.integer("items"),
  ],
  rows: table.rows.flatMap((row) =>
    row.cells.flatMap((cell) =>
      cell === undefined
        ? []
        : [
            [
              row.method,
              row.strategy,
              cell.task,
              cell.n,
              measured(cell.mean),
              measured(cell.sem),
              cell.repeats,
              cell.items,
            ],
          ],
    ),
  ),
  notes: [
    "Accuracy in [0, 1] of each method at its largest n (a zero-shot method over all its rounds), mean over repeats (one value per repeat) ± SEM.",
  ],
})

export interface TableTextOptions {
  /** Decimals of the percentages; default 1, as the paper. */
  readonly decimals?: number
}

const MISSING = "–"

const percent = (value: number | undefined, decimals: number) =>
  value === undefined || Number.isNaN(value) ? MISSING : (value * 100).toFixed(decimals)

const pairLabel = (row: Table1Row) =>
  row.zeroShot ?? `${row.original ?? MISSING} / ${row.generated ?? MISSING}`

/**
 * Table 1 as the paper prints it: accuracy %, "O / G" per cell with a star on G where the paired permutation
 * test is significant, a zero-shot method's score alone at n = 0. A `methods` column names the methods of
 * each row when the run has more than one comparison (or zero-shot method).
 */
export const formatTable1 = (table: Table1, options: TableTextOptions = {}): string => {
  const decimals = options.decimals ?? 1
  const width = (100).toFixed(decimals).length
  const cellText = (row: Table1Row, i: number) => {
    const cell = row.cells[i]!
    if (row.zeroShot !== undefined) return percent(cell.zeroShot?.mean, decimals).padStart(width)
    if (cell.original === undefined && cell.generated === undefined) return MISSING.padStart(width)
    return `${percent(cell.original?.mean, decimals).padStart(width)} / ${percent(cell.generated?.mean, decimals)}${cell.significant ? "*" : ""}`
  }
  const zeroShots = table.rows.filter((r) => r.zeroShot !== undefined).map((r) => r.zeroShot)
  const pairs = new Set(table.rows.filter((r) => r.zeroShot === undefined).map(pairLabel))
  const several = pairs.size > 1 || zeroShots.length > 1
  const rows = table.rows.map((row) => [
    ...(several ? [pairLabel(row)] : []),
    String(row.n),
    ...table.tasks.map((_, i) => cellText(row, i)),
  ])
  const pair = table.rows.find((r) => r.zeroShot === undefined)
  return [
    `Accuracy (%), mean over repeats.${pair === undefined ? "" : ` O / G: ${pair.original ?? MISSING} / ${pair.generated ?? MISSING}${several ? " (per row under methods)" : ""};`}${zeroShots.length === 0 ? "" : ` n = 0: ${zeroShots.join(", ")}.`}`,
    `* G differs from O: paired permutation test, p < ${table.alpha}.`,
    "",
    ...alignColumns([...(several ? ["methods"] : []), "n", ...table.tasks], rows, (i) =>
      i === (several ? 1 : 0) ? "right" : "left",
    ),
  ].join("\n")
}

/** Table 2 as the paper prints it: accuracy %, with ± SEM over repeats where there is more than one repeat. */
export const formatTable2 = (table: Table2, options: TableTextOptions = {}): string => {
  const decimals = options.decimals ?? 1
  const width = (100).toFixed(decimals).length
  const cellText = (cell: ScoreCell | undefined) =>
    cell === undefined
      ? MISSING.padStart(width)
      : `${percent(cell.mean, decimals).padStart(width)}${cell.repeats > 1 && cell.sem !== undefined ? ` ±${percent(cell.sem, decimals)}` : ""}`
  const label = (row: Table2["rows"][number]) => {
    const ns = [...new Set(row.cells.flatMap((c) => (c === undefined || c.n === 0 ? [] : [c.n])))]
    const shots = ns.length === 0 ? "" : `, n=${ns.join("/")}`
    return row.method === row.strategy ? `${row.method}${shots}` : `${row.method} (${row.strategy}${shots})`
  }
  const body = table.rows.map((row) => [label(row), ...row.cells.map(cellText)])
  return [
    "Accuracy (%), mean ± SEM over repeats.",
    "",
    ...alignColumns(["method", ...table.tasks], body, () => "left"),
  ].join("\n")
}
