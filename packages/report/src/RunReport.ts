import type { ReportTable } from "./ReportTable.js"

/**
 * One table of a run: the model every format renders, what the text says when it has no rows, and the
 * views that only the text rendering adds under it (charts, the paper's grid, totals), drawn from the same data.
 */
export interface RunReport {
  readonly model: ReportTable
  readonly empty: string
  readonly views: ReadonlyArray<string>
}
