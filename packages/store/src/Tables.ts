import type Database from "better-sqlite3"

/** A table of the database as its schema declares it. */
export interface TableInfo {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  /** Tables its foreign keys reference. */
  readonly parents: ReadonlyArray<string>
}

/** The columns that make a table's rows belong to one cohort, so resume can find and delete them. */
export const COHORT_COLUMNS = ["run_id", "repeat", "task", "method"] as const

/** An SQL identifier, quoted (names come from the schema; quoting keeps any spelling of them literal). */
export const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Every table of the database (SQLite's own left out), read from the schema. */
export const readTables = (db: Database.Database): ReadonlyMap<string, TableInfo> => {
  const names = (
    db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      )
      .all() as Array<{ name: string }>
  ).map((row) => row.name)
  return new Map(
    names.map((name) => {
      const columns = (db.pragma(`table_info(${quoteName(name)})`) as Array<{ name: string }>).map(
        (c) => c.name,
      )
      const parents = (db.pragma(`foreign_key_list(${quoteName(name)})`) as Array<{ table: string }>).map(
        (fk) => fk.table,
      )
      return [name, { name, columns, parents: [...new Set(parents)] }]
    }),
  )
}

/**
 * The tables holding cohort rows (with run_id, repeat, task and method columns), in an order that deletes a
 * table's referencing tables before it (model_faults before model_usage), so every deleted row is counted
 * rather than cascaded away unseen. Ties are broken by name, so the order is the same on every open.
 */
export const cohortTables = (tables: ReadonlyMap<string, TableInfo>): ReadonlyArray<string> => {
  const remaining = new Set(
    [...tables.values()].filter((t) => COHORT_COLUMNS.every((c) => t.columns.includes(c))).map((t) => t.name),
  )
  const order: Array<string> = []
  while (remaining.size > 0) {
    const referenced = (name: string) =>
      [...remaining].some((other) => other !== name && tables.get(other)!.parents.includes(name))
    const ready = [...remaining].filter((name) => !referenced(name)).sort()
    // A cycle of references (none today): delete the rest in name order and let the cascades do the rest.
    const next = ready.length > 0 ? ready : [...remaining].sort()
    for (const name of next) {
      order.push(name)
      remaining.delete(name)
    }
  }
  return order
}
