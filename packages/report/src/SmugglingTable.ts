import { smuggles } from "@lyceum/privacy"
import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { col, type ReportTable, tableToText } from "./ReportTable.js"

/** An adversarial teacher's attempts with one transform under one method, over the whole run. */
export interface SmugglingRow {
  readonly task: string
  readonly method: string
  readonly transform: string
  /** textual, surface, encoding, semantic (docs/privacy.md), or split. */
  readonly kind: string
  readonly attempts: number
  readonly dropped: number
  readonly redacted: number
  /** Every piece left the teacher with the secret intact. */
  readonly delivered: number
  /** ... and the student's aggregator put every piece into its prompt. */
  readonly inPrompt: number
}

const kindOf = (transform: string) =>
  smuggles[transform]?.kind ?? (transform.startsWith("split-") ? "split" : "?")

/** Reads the `smuggling` view of a run: one row per (task, method, transform). */
export const smugglingRows = (runId: string): Effect.Effect<ReadonlyArray<SmugglingRow>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      `SELECT task, method, transform, COUNT(*) AS attempts, SUM(dropped) AS dropped, SUM(redacted) AS redacted,
         SUM(delivered) AS delivered, SUM(in_prompt) AS inPrompt
       FROM smuggling WHERE run_id = ? GROUP BY task, method, transform ORDER BY task, method, transform`,
      [runId],
    ),
  ).pipe(
    Effect.map((rows) =>
      rows.map((row) => ({
        task: String(row.task),
        method: String(row.method),
        transform: String(row.transform),
        kind: kindOf(String(row.transform)),
        attempts: Number(row.attempts),
        dropped: Number(row.dropped),
        redacted: Number(row.redacted),
        delivered: Number(row.delivered),
        inPrompt: Number(row.inPrompt),
      })),
    ),
  )

/**
 * Per method, which transforms got the secret out: attempts, what the filter did, and how many were delivered
 * intact, the transforms that got most through first.
 */
export const smugglingReport = (rows: ReadonlyArray<SmugglingRow>): ReportTable => ({
  table: "smuggling",
  columns: [
    col.text("task"),
    col.text("method"),
    col.text("transform"),
    col.text("kind"),
    col.integer("attempts"),
    col.integer("dropped"),
    col.integer("redacted"),
    col.integer("delivered"),
    col.integer("in_prompt"),
  ],
  rows: [...rows]
    .sort(
      (a, b) =>
        a.task.localeCompare(b.task) ||
        a.method.localeCompare(b.method) ||
        b.delivered / b.attempts - a.delivered / a.attempts ||
        a.transform.localeCompare(b.transform),
    )
    .map((r) => [
      r.task,
      r.method,
      r.transform,
      r.kind,
      r.attempts,
      r.dropped,
      r.redacted,
      r.delivered,
      r.inPrompt,
    ]),
  notes: [
    "Smuggling: an adversarial teacher's attempts to get its canary past its own filter, per transform.",
    "delivered: every piece left the teacher still carrying the secret; in_prompt: the student also kept it.",
  ],
})

/** Per task and method, how many attempts got through in all. */
export const smugglingTotals = (rows: ReadonlyArray<SmugglingRow>): string =>
  [...new Set(rows.map((r) => `${r.task}/${r.method}`))]
    .map((m) => {
      const mine = rows.filter((r) => `${r.task}/${r.method}` === m)
      const sum = (f: (r: SmugglingRow) => number) => mine.reduce((a, r) => a + f(r), 0)
      return `${m}: ${sum((r) => r.delivered)} of ${sum((r) => r.attempts)} attempts delivered intact`
    })
    .join("\n")

/** The text rendering of `smugglingReport`, with the totals per method under it. */
export const formatSmugglingTable = (rows: ReadonlyArray<SmugglingRow>): string =>
  rows.length === 0
    ? "(no adversarial teacher in this run)"
    : `${tableToText(smugglingReport(rows), "")}\n\n${smugglingTotals(rows)}`
