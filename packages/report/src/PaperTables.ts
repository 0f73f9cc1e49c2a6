import { deriveSeed } from "@lyceum/core"
import { type MethodScoreRow, pairScores, type ScoreCell, summarizeScores } from "./MethodScores.js"
import { DEFAULT_PERMUTATIONS, type PermutationTestResult, pairedPermutationTest } from "./PermutationTest.js"
import { alignColumns, toCsv } from "./TextTable.js"

/**
 * The paper's two result tables (arXiv 2312.11441), built from graded answers labelled by method and n:
 * Table 1 compares original (O) with generated (G) examples for each n, Table 2 compares ways of teaching.
 * The tables are plain data (`JSON.stringify` them as they are) with text and CSV renderings.
 */

/** The method labels the tables look for in `MethodScoreRow.method`. */
export interface PaperMethods {
  /** No lesson at all. */
  readonly zeroShot: string
  /** n original private examples: the non-private ceiling. */
  readonly original: string
  /** n generated (synthetic) examples. */
  readonly generated: string
}

export const defaultPaperMethods: PaperMethods = {
  zeroShot: "zero-shot",
  original: "original-examples",
  generated: "synthetic-examples",
}

/** A student taught no examples is zero-shot whatever its method: e.g. the round-0 evaluation of a curve. */
const isZeroShot = (methods: PaperMethods) => (row: MethodScoreRow) =>
  row.method === methods.zeroShot ||
  (row.n === 0 && (row.method === methods.original || row.method === methods.generated))

/** Columns: the tasks asked for, else in order of first appearance. */
const tasksOf = (rows: ReadonlyArray<MethodScoreRow>, tasks: ReadonlyArray<string> | undefined) =>
  tasks ?? [...new Set(rows.map((r) => r.task))]

const cellOf = (
  rows: ReadonlyArray<MethodScoreRow>,
  label: { readonly task: string; readonly method: string; readonly n: number },
): ScoreCell | undefined => (rows.length === 0 ? undefined : summarizeScores(rows, label))

// ---------------------------------------------------------------------------------------------- Table 1

/** One task at one n: O and G and their paired test (n > 0), or the zero-shot score (n = 0). */
export interface Table1Cell {
  readonly task: string
  readonly zeroShot: ScoreCell | undefined
  readonly original: ScoreCell | undefined
  readonly generated: ScoreCell | undefined
  /** O vs G on the items both graded, pooled over repeats; undefined when no item was graded by both. */
  readonly test: PermutationTestResult | undefined
  /** test.pValue < alpha: G differs significantly from O (the paper's star). */
  readonly significant: boolean
}

export interface Table1Row {
  readonly n: number
  readonly cells: ReadonlyArray<Table1Cell>
}

export interface Table1 {
  readonly kind: "table1"
  readonly methods: PaperMethods
  readonly tasks: ReadonlyArray<string>
  readonly alpha: number
  readonly permutations: number
  readonly rows: ReadonlyArray<Table1Row>
}

export interface Table1Options {
  readonly methods?: Partial<PaperMethods>
  /** Rows; default every n in the data, with 0 (zero-shot) first when present. */
  readonly ns?: ReadonlyArray<number>
  /** Columns; default the tasks in order of first appearance. */
  readonly tasks?: ReadonlyArray<string>
  /** Significance level; default 0.05. */
  readonly alpha?: number
  /** Monte-Carlo permutations per test; default 10^4. */
  readonly permutations?: number
  /** Each cell's test is seeded from this and its (task, n), so adding a task changes no other p-value. */
  readonly seed?: number
}

/** Table 1: rows n, columns tasks, each cell original vs generated examples with a paired permutation test. */
export const paperTable1 = (rows: ReadonlyArray<MethodScoreRow>, options: Table1Options = {}): Table1 => {
  const methods = { ...defaultPaperMethods, ...options.methods }
  const alpha = options.alpha ?? 0.05
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  const tasks = tasksOf(rows, options.tasks)
  const zeroShot = isZeroShot(methods)
  const taught = rows.filter(
    (r) => !zeroShot(r) && (r.method === methods.original || r.method === methods.generated),
  )
  const ns =
    options.ns ??
    [...new Set([...(rows.some(zeroShot) ? [0] : []), ...taught.map((r) => r.n)])].sort((a, b) => a - b)

  const zeroShotCell = (task: string): Table1Cell => ({
    task,
    zeroShot: cellOf(
      rows.filter((r) => r.task === task && zeroShot(r)),
      { task, method: methods.zeroShot, n: 0 },
    ),
    original: undefined,
    generated: undefined,
    test: undefined,
    significant: false,
  })

  const comparisonCell = (task: string, n: number): Table1Cell => {
    const o = taught.filter((r) => r.task === task && r.n === n && r.method === methods.original)
    const g = taught.filter((r) => r.task === task && r.n === n && r.method === methods.generated)
    const pairs = pairScores(o, g)
    const test =
      pairs.length === 0
        ? undefined
        : pairedPermutationTest(pairs, {
            permutations,
            seed: deriveSeed(options.seed ?? 0, "table1", task, n),
          })
    return {
      task,
      zeroShot: undefined,
      original: cellOf(o, { task, method: methods.original, n }),
      generated: cellOf(g, { task, method: methods.generated, n }),
      test,
      significant: test !== undefined && test.pValue < alpha,
    }
  }

  return {
    kind: "table1",
    methods,
    tasks,
    alpha,
    permutations,
    rows: ns.map((n) => ({
      n,
      cells: tasks.map((task) => (n === 0 ? zeroShotCell(task) : comparisonCell(task, n))),
    })),
  }
}

// ---------------------------------------------------------------------------------------------- Table 2

/** A row of Table 2: the rows of `method`, at lesson size `n` (default: the method's largest n per task). */
export interface Table2RowSpec {
  readonly label: string
  readonly method: string
  readonly n?: number
}

/** The paper's Table 2 rows, with the method labels of `defaultPaperMethods`. */
export const defaultTable2Rows: ReadonlyArray<Table2RowSpec> = [
  { label: "Zero-shot", method: defaultPaperMethods.zeroShot },
  { label: "Manual instruction", method: "manual-instruction" },
  { label: "8-shot original examples", method: defaultPaperMethods.original, n: 8 },
  { label: "8-shot generated examples", method: defaultPaperMethods.generated, n: 8 },
  { label: "Generated instruction", method: "instruction" },
]

export interface Table2Row {
  readonly label: string
  readonly method: string
  /** One per task, in `Table2.tasks` order; undefined where the method has no scores for the task. */
  readonly cells: ReadonlyArray<ScoreCell | undefined>
}

export interface Table2 {
  readonly kind: "table2"
  readonly tasks: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Table2Row>
}

export interface Table2Options {
  /** Rows; default `defaultTable2Rows`. Rows with no scores for any task are left out. */
  readonly rows?: ReadonlyArray<Table2RowSpec>
  /** Which labels mean zero-shot (a row whose method is `zeroShot` also takes n = 0 example rows). */
  readonly methods?: Partial<PaperMethods>
  /** Columns; default the tasks in order of first appearance. */
  readonly tasks?: ReadonlyArray<string>
}

/** Table 2: rows methods, columns tasks, mean accuracy and SEM over repeats. */
export const paperTable2 = (rows: ReadonlyArray<MethodScoreRow>, options: Table2Options = {}): Table2 => {
  const methods = { ...defaultPaperMethods, ...options.methods }
  const zeroShot = isZeroShot(methods)
  const tasks = tasksOf(rows, options.tasks)
  const cell = (spec: Table2RowSpec, task: string): ScoreCell | undefined => {
    if (spec.method === methods.zeroShot) {
      return cellOf(
        rows.filter((r) => r.task === task && zeroShot(r)),
        { task, method: spec.method, n: 0 },
      )
    }
    const ofMethod = rows.filter((r) => r.task === task && r.method === spec.method && !zeroShot(r))
    const n = spec.n ?? Math.max(...ofMethod.map((r) => r.n))
    return cellOf(
      ofMethod.filter((r) => r.n === n),
      { task, method: spec.method, n },
    )
  }
  return {
    kind: "table2",
    tasks,
    rows: (options.rows ?? defaultTable2Rows)
      .map((spec) => ({
        label: spec.label,
        method: spec.method,
        cells: tasks.map((task) => cell(spec, task)),
      }))
      .filter((row) => row.cells.some((c) => c !== undefined)),
  }
}

// ---------------------------------------------------------------------------------------------- rendering

export interface TableTextOptions {
  /** Decimals of the percentages; default 1, as the paper. */
  readonly decimals?: number
}

const MISSING = "–"

const percent = (value: number | undefined, decimals: number) =>
  value === undefined || Number.isNaN(value) ? MISSING : (value * 100).toFixed(decimals)

/** The "O / G*" cells with the O values right-aligned, so the slashes line up in a column. */
const table1Text = (cell: Table1Cell, decimals: number, width: number) =>
  cell.zeroShot !== undefined || (cell.original === undefined && cell.generated === undefined)
    ? percent(cell.zeroShot?.mean, decimals).padStart(width)
    : `${percent(cell.original?.mean, decimals).padStart(width)} / ${percent(cell.generated?.mean, decimals)}${cell.significant ? "*" : ""}`

/**
 * Table 1 as aligned text, as in the paper: accuracy %, "O / G" per cell with a star on G where the paired
 * permutation test is significant, and the zero-shot score alone in row n = 0.
 */
export const formatTable1 = (table: Table1, options: TableTextOptions = {}): string => {
  const decimals = options.decimals ?? 1
  const width = (100).toFixed(decimals).length
  const body = table.rows.map((row) => [
    String(row.n),
    ...row.cells.map((cell) => table1Text(cell, decimals, width)),
  ])
  return [
    `Accuracy (%), mean over repeats. O / G: ${table.methods.original} / ${table.methods.generated}; n = 0: ${table.methods.zeroShot}.`,
    `* G differs from O: paired permutation test, p < ${table.alpha}.`,
    "",
    ...alignColumns(["n", ...table.tasks], body, (i) => (i === 0 ? "right" : "left")),
  ].join("\n")
}

/** Table 2 as aligned text: accuracy %, with ± SEM over repeats where there is more than one repeat. */
export const formatTable2 = (table: Table2, options: TableTextOptions = {}): string => {
  const decimals = options.decimals ?? 1
  const width = (100).toFixed(decimals).length
  const text = (cell: ScoreCell | undefined) =>
    cell === undefined
      ? MISSING.padStart(width)
      : `${percent(cell.mean, decimals).padStart(width)}${cell.repeats > 1 && cell.sem !== undefined ? ` ±${percent(cell.sem, decimals)}` : ""}`
  const body = table.rows.map((row) => [row.label, ...row.cells.map(text)])
  return [
    "Accuracy (%), mean ± SEM over repeats.",
    "",
    ...alignColumns(["method", ...table.tasks], body, () => "left"),
  ].join("\n")
}

const cellFields = (cell: ScoreCell) => [cell.method, cell.mean, cell.sem, cell.repeats, cell.items]

/**
 * Table 1 as long-format CSV, one line per (n, task, method) with accuracy in [0, 1]; the test of O vs G
 * (pairs, mean difference O - G, p-value, significant) is on the generated line.
 */
export const table1ToCsv = (table: Table1): string =>
  toCsv(
    [
      "n",
      "task",
      "method",
      "accuracy",
      "sem",
      "repeats",
      "items",
      "pairs",
      "mean_difference",
      "p_value",
      "significant",
    ],
    table.rows.flatMap((row) =>
      row.cells.flatMap((cell) => {
        const test = cell.test
        const testFields = [
          test?.pairs,
          test?.meanDifference,
          test?.pValue,
          test === undefined ? undefined : cell.significant,
        ]
        const noTest = [undefined, undefined, undefined, undefined]
        return [
          ...(cell.zeroShot ? [[row.n, cell.task, ...cellFields(cell.zeroShot), ...noTest]] : []),
          ...(cell.original ? [[row.n, cell.task, ...cellFields(cell.original), ...noTest]] : []),
          ...(cell.generated ? [[row.n, cell.task, ...cellFields(cell.generated), ...testFields]] : []),
        ]
      }),
    ),
  )

/** Table 2 as long-format CSV, one line per (row, task) with accuracy in [0, 1]. */
export const table2ToCsv = (table: Table2): string =>
  toCsv(
    ["label", "method", "n", "task", "accuracy", "sem", "repeats", "items"],
    table.rows.flatMap((row) =>
      row.cells.flatMap((cell) =>
        cell === undefined
          ? []
          : [[row.label, cell.method, cell.n, cell.task, cell.mean, cell.sem, cell.repeats, cell.items]],
      ),
    ),
  )
