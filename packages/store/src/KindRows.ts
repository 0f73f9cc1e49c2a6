import type Database from "better-sqlite3"
import type { KindRows, SqlValue } from "./Rows.js"
import { COHORT_COLUMNS, quoteName, type TableInfo } from "./Tables.js"

/**
 * Writes a kind's rows into its own tables (`RowBatch.kindRows`) without SQL of its own. Only tables with
 * run_id, repeat, task and method columns take them (so resume can delete a cohort's rows), and not the tables
 * `RowBatch` has a typed field for; every column must be one of the table's. Names are checked against the
 * schema read at open and quoted besides, so no caller-given text reaches the SQL unchecked.
 */
export interface KindRowsWriter {
  /** Why `batch` cannot be written (the first problem, naming the table, row and column), or undefined. */
  readonly check: (batch: ReadonlyArray<KindRows>) => string | undefined
  /** Inserts one checked row (inside the caller's transaction). */
  readonly insert: (table: string, row: Readonly<Record<string, SqlValue>>) => void
}

/** The most INSERT statements kept for kind rows (one per table and set of columns given). */
const MAX_INSERTS = 256

/** The columns a row gives: keys whose value is not `undefined` (a missing optional field takes the default). */
const given = (row: Readonly<Record<string, SqlValue | undefined>>) =>
  Object.keys(row).filter((column) => row[column] !== undefined)

export const makeKindRowsWriter = (
  tables: ReadonlyMap<string, TableInfo>,
  typedTables: ReadonlySet<string>,
  prepare: (sql: string) => Database.Statement,
): KindRowsWriter => {
  const open = [...tables.values()]
    .filter((t) => !typedTables.has(t.name) && COHORT_COLUMNS.every((c) => t.columns.includes(c)))
    .map((t) => t.name)
    .sort()
  const columnsOf = new Map(open.map((name) => [name, new Set(tables.get(name)!.columns)]))
  const check = (batch: ReadonlyArray<KindRows>): string | undefined => {
    for (const { table, rows } of batch) {
      const columns = columnsOf.get(table)
      if (typedTables.has(table))
        return `table "${table}" takes rows through its own RowBatch field, not kindRows (kind tables: ${open.join(", ")})`
      if (columns === undefined)
        return (
          `there is no kind table "${table}" (kind tables: ${open.join(", ") || "none"}; a kind's table needs ` +
          `${COHORT_COLUMNS.join(", ")} columns and a migration that creates it)`
        )
      for (let i = 0; i < rows.length; i++) {
        const named = given(rows[i]!)
        if (named.length === 0) return `${table} row ${i + 1} of ${rows.length} gives no column`
        const unknown = named.filter((column) => !columns.has(column))
        if (unknown.length > 0)
          return (
            `${table} row ${i + 1} of ${rows.length} has no column ${unknown.map((c) => `"${c}"`).join(", ")} ` +
            `(its columns: ${[...columns].join(", ")})`
          )
      }
    }
    return undefined
  }
  // The INSERT of each (table, columns given), looked up by a short key, not built as SQL and found in the
  // store's statement cache for every row (kind rows went in at about half the rate of raw inserts).
  const inserts = new Map<string, Database.Statement>()
  const insert = (table: string, row: Readonly<Record<string, SqlValue>>) => {
    const columns = given(row)
    const key = `${table}\u0000${columns.join("\u0000")}`
    let statement = inserts.get(key)
    if (statement === undefined) {
      statement = prepare(
        `INSERT INTO ${quoteName(table)} (${columns.map(quoteName).join(", ")}) VALUES (${columns
          .map(() => "?")
          .join(", ")})`,
      )
      // Rows that each give other columns cannot grow it without bound.
      if (inserts.size >= MAX_INSERTS) inserts.clear()
      inserts.set(key, statement)
    }
    statement.run(...columns.map((column) => row[column]))
  }
  return { check, insert }
}
