import type { RunRow } from "@lyceum/store"
import { type Align, alignColumns, type CsvValue, toCsv } from "./TextTable.js"

/**
 * The one model every tabular output of `lyceum report` and `lyceum runs` is rendered from: named columns and
 * rows of plain values. Text, CSV, JSON and HTML are renderings of the same model, so they carry the same
 * columns in the same order and cannot drift apart.
 */

/** A cell: text, a number, a flag, or null where nothing was measured. */
export type CellValue = string | number | boolean | null

export interface Column {
  /** snake_case, as in the CSV header and the JSON rows' keys. */
  readonly name: string
  /** How the text and HTML renderings show a number: `integer`, or `real` with `digits` decimals (default 3). */
  readonly type: "text" | "integer" | "real" | "boolean"
  readonly digits?: number
  /** Text rendering only: longer cells are cut with "…" (the other formats keep them whole). */
  readonly maxWidth?: number
}

export interface ReportTable {
  /** Which table: `curve`, `table1`, `table2`, `cultures`, `leakage`, `smuggling` or `runs`. */
  readonly table: string
  readonly columns: ReadonlyArray<Column>
  /** One array per row, a value per column in `columns` order. */
  readonly rows: ReadonlyArray<ReadonlyArray<CellValue>>
  /** What the columns mean, printed above the text and HTML renderings. */
  readonly notes?: ReadonlyArray<string>
}

/** Column constructors: `col.text("task")`, `col.real("mean", 2)`, ... */
export const col = {
  text: (name: string, maxWidth?: number): Column => ({
    name,
    type: "text",
    ...(maxWidth !== undefined && { maxWidth }),
  }),
  integer: (name: string): Column => ({ name, type: "integer" }),
  real: (name: string, digits = 3): Column => ({ name, type: "real", digits }),
  flag: (name: string): Column => ({ name, type: "boolean" }),
}

/** A measured number, or null when it was not (undefined, NaN): JSON has no NaN and CSV no "undefined". */
export const measured = (value: number | undefined | null): number | null =>
  value === undefined || value === null || Number.isNaN(value) ? null : value

/** The CSV: a header of column names, one line per row, RFC 4180 quoting, empty where null. */
export const tableToCsv = (table: ReportTable): string =>
  toCsv(
    table.columns.map((c) => c.name),
    table.rows as ReadonlyArray<ReadonlyArray<CsvValue>>,
  )

/** The run a per-run table was read from, in the JSON rendering (snake_case like the rows). */
export interface RunInfo {
  readonly id: string
  readonly scenario: string
  readonly scenario_path: string
  readonly scenario_hash: string
  readonly seed: number
  readonly status: string
  readonly started_at: string
  readonly finished_at: string | null
  readonly error: string | null
}

export const runInfo = (run: RunRow): RunInfo => ({
  id: run.id,
  scenario: run.scenarioName,
  scenario_path: run.scenarioPath,
  scenario_hash: run.scenarioHash,
  seed: run.seed,
  status: run.status,
  started_at: run.startedAt,
  finished_at: run.finishedAt,
  error: run.error,
})

/**
 * The JSON: `{ run, table, columns, rows }`, the same shape for every table; `run` is null for `runs` (a
 * listing of the whole database), `columns` the column names in order, each row an object keyed by them.
 */
export const tableToJson = (table: ReportTable, run: RunRow | null): string =>
  `${JSON.stringify(
    {
      run: run === null ? null : runInfo(run),
      table: table.table,
      columns: table.columns.map((c) => c.name),
      rows: table.rows.map((row) =>
        Object.fromEntries(table.columns.map((c, i) => [c.name, row[i] ?? null])),
      ),
    },
    null,
    2,
  )}\n`

/** A cell as people read it: numbers rounded, "-" where nothing was measured. */
export const cellText = (column: Column, value: CellValue | undefined, cut = true): string => {
  if (value === null || value === undefined) return "-"
  if (typeof value === "number" && column.type === "real") return value.toFixed(column.digits ?? 3)
  const shown = String(value)
  return cut && column.maxWidth !== undefined && shown.length > column.maxWidth
    ? `${shown.slice(0, column.maxWidth - 1)}…`
    : shown
}

const alignOf = (column: Column): Align =>
  column.type === "integer" || column.type === "real" ? "right" : "left"

/** The text rendering: the notes, then every column aligned under its name (numbers to the right). */
export const tableToText = (table: ReportTable, empty: string): string => {
  if (table.rows.length === 0) return empty
  const body = table.rows.map((row) => table.columns.map((c, i) => cellText(c, row[i])))
  return [
    ...(table.notes === undefined || table.notes.length === 0 ? [] : [...table.notes, ""]),
    ...alignColumns(
      table.columns.map((c) => c.name),
      body,
      (i) => alignOf(table.columns[i]!),
    ),
  ].join("\n")
}
