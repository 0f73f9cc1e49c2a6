import type { CohortId } from "@lyceum/coalition"
import type { StepRows } from "./QueueMessages.js"

/** The columns that say which run and cohort a row belongs to, as typed rows and kind rows spell them. */
const identity = [
  ["runId", "run_id"],
  ["repeat", "repeat"],
  ["task", "task"],
  ["method", "method"],
] as const

/**
 * Why `rows` cannot be this step's of this cohort, or undefined: every row that names a run, repeat, task or
 * method must name this one's, and usage rows this step. A result cannot write into another cohort's rows.
 */
export const foreignRow = (rows: StepRows, runId: string, id: CohortId, step: number): string | undefined => {
  const want: Record<string, unknown> = { runId, repeat: id.repeat, task: id.task, method: id.method }
  const tables: Array<[string, ReadonlyArray<Readonly<Record<string, unknown>>>]> = [
    ...Object.entries(rows).flatMap(([table, list]) =>
      table === "kindRows" || !Array.isArray(list) ? [] : [[table, list] as [string, typeof list]],
    ),
    ...(rows.kindRows ?? []).map((k): [string, (typeof k)["rows"]] => [k.table, k.rows]),
  ]
  for (const [table, list] of tables)
    for (const [i, row] of list.entries())
      for (const [camel, snake] of identity) {
        const value = Object.hasOwn(row, camel)
          ? row[camel]
          : Object.hasOwn(row, snake)
            ? row[snake]
            : undefined
        if (value !== undefined && value !== want[camel])
          return `${table} row ${i + 1} has ${camel} ${JSON.stringify(value)}, not ${JSON.stringify(want[camel])}`
      }
  for (const [i, row] of rows.modelUsage.entries())
    if (row.round !== step)
      return `modelUsage row ${i + 1} is for step ${JSON.stringify(row.round)}, not ${step}`
  return undefined
}
