import { deriveSeed } from "@lyceum/core"
import { type MethodScoreRow, pairScores, type ScoreCell, summarizeScores } from "./MethodScores.js"
import { DEFAULT_PERMUTATIONS, type PermutationTestResult, pairedPermutationTest } from "./PermutationTest.js"

/**
 * The paper's two result tables (arXiv 2312.11441), built from per-item scores labelled with each method's
 * name and strategy: Table 1 compares original (O) with generated (G) examples for each n, Table 2 compares
 * the ways of teaching the run played. A method's role comes from its strategy, never from its name, and a row
 * appears only for a method that was run: the round-0 measurement of a taught method is not a zero-shot row.
 */

/** The strategies the tables treat specially. */
export const ZERO_SHOT = "zero-shot"
export const ORIGINAL = "original-examples"
export const GENERATED = "synthetic-examples"

/** Table 2's row order: the paper's, then any other strategy. */
const STRATEGY_ORDER = [
  ZERO_SHOT,
  "manual-instruction",
  ORIGINAL,
  GENERATED,
  "instruction",
  "adversarial-examples",
]

const strategyRank = (strategy: string) => {
  const i = STRATEGY_ORDER.indexOf(strategy)
  return i === -1 ? STRATEGY_ORDER.length : i
}

/** The scores that measure how a method taught: every round of a zero-shot student, else rounds after 0. */
const taughtRows = (rows: ReadonlyArray<MethodScoreRow>) =>
  rows.filter((r) => r.strategy === ZERO_SHOT || r.round > 0)

/** The methods in the rows, each with its strategy, in order of first appearance. */
const methodsIn = (rows: ReadonlyArray<MethodScoreRow>) => {
  const methods = new Map<string, string>()
  for (const r of rows) if (!methods.has(r.method)) methods.set(r.method, r.strategy)
  return [...methods].map(([method, strategy]) => ({ method, strategy }))
}

/** Columns: the tasks asked for, else in order of first appearance. */
const tasksOf = (rows: ReadonlyArray<MethodScoreRow>, tasks: ReadonlyArray<string> | undefined) =>
  tasks ?? [...new Set(rows.map((r) => r.task))]

const cellOf = (
  rows: ReadonlyArray<MethodScoreRow>,
  label: { readonly task: string; readonly method: string; readonly strategy: string; readonly n: number },
): ScoreCell | undefined => (rows.length === 0 ? undefined : summarizeScores(rows, label))

// ---------------------------------------------------------------------------------------------- Table 1

/** One task in one row: the zero-shot score (a zero-shot row), or O and G and their paired test. */
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

/** A row: a zero-shot method (n = 0), or one (original, generated) pair of methods at one n. */
export interface Table1Row {
  readonly n: number
  readonly zeroShot: string | undefined
  readonly original: string | undefined
  readonly generated: string | undefined
  readonly cells: ReadonlyArray<Table1Cell>
}

export interface Table1 {
  readonly kind: "table1"
  readonly tasks: ReadonlyArray<string>
  readonly alpha: number
  readonly permutations: number
  readonly rows: ReadonlyArray<Table1Row>
}

export interface Table1Options {
  /** The n of the O/G rows; default every n either method was taught with. */
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

/**
 * Table 1: a row per zero-shot method, then per pair of an original-examples and a synthetic-examples method
 * (normally one of each) a row per n; columns tasks; O vs G with a paired permutation test in each cell.
 */
export const paperTable1 = (rows: ReadonlyArray<MethodScoreRow>, options: Table1Options = {}): Table1 => {
  const alpha = options.alpha ?? 0.05
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  const tasks = tasksOf(rows, options.tasks)
  const scored = taughtRows(rows)
  const methods = methodsIn(scored)
  const labelsOf = (strategy: string) => methods.filter((m) => m.strategy === strategy).map((m) => m.method)
  const originals = labelsOf(ORIGINAL)
  const generateds = labelsOf(GENERATED)
  const pairs =
    originals.length === 0 && generateds.length === 0
      ? []
      : (originals.length === 0 ? [undefined] : originals).flatMap((o) =>
          (generateds.length === 0 ? [undefined] : generateds).map((g) => ({ o, g })),
        )
  const of = (method: string | undefined, task: string, n?: number) =>
    method === undefined
      ? []
      : scored.filter((r) => r.method === method && r.task === task && (n === undefined || r.n === n))

  const zeroShotRow = (method: string): Table1Row => ({
    n: 0,
    zeroShot: method,
    original: undefined,
    generated: undefined,
    cells: tasks.map((task) => ({
      task,
      zeroShot: cellOf(of(method, task), { task, method, strategy: ZERO_SHOT, n: 0 }),
      original: undefined,
      generated: undefined,
      test: undefined,
      significant: false,
    })),
  })

  const comparisonCell = (
    o: string | undefined,
    g: string | undefined,
    task: string,
    n: number,
  ): Table1Cell => {
    const oRows = of(o, task, n)
    const gRows = of(g, task, n)
    const scorePairs = pairScores(oRows, gRows)
    const test =
      scorePairs.length === 0
        ? undefined
        : pairedPermutationTest(scorePairs, {
            permutations,
            seed: deriveSeed(options.seed ?? 0, "table1", task, n),
          })
    return {
      task,
      zeroShot: undefined,
      original: o === undefined ? undefined : cellOf(oRows, { task, method: o, strategy: ORIGINAL, n }),
      generated: g === undefined ? undefined : cellOf(gRows, { task, method: g, strategy: GENERATED, n }),
      test,
      significant: test !== undefined && test.pValue < alpha,
    }
  }

  const comparisonRows = pairs.flatMap(({ o, g }) => {
    const ns =
      options.ns ??
      [...new Set(scored.filter((r) => r.method === o || r.method === g).map((r) => r.n))].sort(
        (a, b) => a - b,
      )
    return ns.map(
      (n): Table1Row => ({
        n,
        zeroShot: undefined,
        original: o,
        generated: g,
        cells: tasks.map((task) => comparisonCell(o, g, task, n)),
      }),
    )
  })

  return {
    kind: "table1",
    tasks,
    alpha,
    permutations,
    rows: [...labelsOf(ZERO_SHOT).map(zeroShotRow), ...comparisonRows],
  }
}

// ---------------------------------------------------------------------------------------------- Table 2

/** A row of Table 2: one method of the run, by its name and strategy. */
export interface Table2Row {
  readonly method: string
  readonly strategy: string
  /** One per task, in `Table2.tasks` order; undefined where the method has no scores for the task. */
  readonly cells: ReadonlyArray<ScoreCell | undefined>
}

export interface Table2 {
  readonly kind: "table2"
  readonly tasks: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Table2Row>
}

export interface Table2Options {
  /** Columns; default the tasks in order of first appearance. */
  readonly tasks?: ReadonlyArray<string>
}

/**
 * Table 2: a row per method that was run (in the paper's order of strategies), columns tasks; each cell the
 * method at its largest n (a zero-shot method over all its rounds, n = 0), mean and SEM over repeats.
 */
export const paperTable2 = (rows: ReadonlyArray<MethodScoreRow>, options: Table2Options = {}): Table2 => {
  const tasks = tasksOf(rows, options.tasks)
  const scored = taughtRows(rows)
  const cell = (method: string, strategy: string, task: string): ScoreCell | undefined => {
    const mine = scored.filter((r) => r.task === task && r.method === method)
    if (strategy === ZERO_SHOT) return cellOf(mine, { task, method, strategy, n: 0 })
    const n = Math.max(...mine.map((r) => r.n))
    return cellOf(
      mine.filter((r) => r.n === n),
      { task, method, strategy, n },
    )
  }
  return {
    kind: "table2",
    tasks,
    rows: methodsIn(scored)
      .map((m, i) => ({ ...m, i }))
      .sort((a, b) => strategyRank(a.strategy) - strategyRank(b.strategy) || a.i - b.i)
      .map(({ method, strategy }) => ({
        method,
        strategy,
        cells: tasks.map((task) => cell(method, strategy, task)),
      })),
  }
}
