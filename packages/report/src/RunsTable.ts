import { shellWord } from "@lyceum/core"
import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { col, type ReportTable, tableToText } from "./ReportTable.js"

/** One stored run, as `lyceum runs` lists it (from the `run_summary` view). */
export interface RunListing {
  readonly runId: string
  readonly scenario: string
  /** The coalition kind it played (`social-learning`, `ensemble`). */
  readonly kind: string
  /** The scenario file as the run was started with it. */
  readonly scenarioPath: string
  readonly status: string
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly repeats: number
  readonly lastRound: number | null
  readonly lessons: number
  readonly evaluations: number
  readonly modelCalls: number
  readonly tokens: number
  readonly error: string | null
}

/** Every run in the database, newest first. */
export const runListings = (): Effect.Effect<ReadonlyArray<RunListing>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      `SELECT s.*, r.kind, r.error, r.scenario_path FROM run_summary s JOIN runs r ON r.id = s.run_id
       ORDER BY s.started_at DESC, r.rowid DESC`,
    ),
  ).pipe(
    Effect.map((rows) =>
      rows.map((r) => ({
        runId: String(r.run_id),
        scenario: String(r.scenario_name),
        kind: String(r.kind),
        scenarioPath: String(r.scenario_path),
        status: String(r.status),
        startedAt: String(r.started_at),
        finishedAt: r.finished_at === null ? null : String(r.finished_at),
        repeats: Number(r.repeats),
        lastRound: r.last_round === null ? null : Number(r.last_round),
        lessons: Number(r.lessons),
        evaluations: Number(r.evaluations),
        modelCalls: Number(r.model_calls),
        tokens: Number(r.prompt_tokens) + Number(r.completion_tokens),
        error: r.error === null ? null : String(r.error),
      })),
    ),
  )

/** The runs, one line each; the error is cut short in the text rendering (whole in CSV and JSON). */
export const runsReport = (rows: ReadonlyArray<RunListing>): ReportTable => ({
  table: "runs",
  columns: [
    col.text("run_id"),
    col.text("scenario"),
    col.text("kind"),
    col.text("status"),
    col.text("started_at"),
    col.text("finished_at"),
    col.integer("repeats"),
    col.integer("last_round"),
    col.integer("lessons"),
    col.integer("evaluations"),
    col.integer("model_calls"),
    col.integer("tokens"),
    col.text("scenario_path"),
    col.text("error", 40),
  ],
  rows: rows.map((r) => [
    r.runId,
    r.scenario,
    r.kind,
    r.status,
    r.startedAt,
    r.finishedAt,
    r.repeats,
    r.lastRound,
    r.lessons,
    r.evaluations,
    r.modelCalls,
    r.tokens,
    r.scenarioPath,
    r.error,
  ]),
})

/** The runs as a table; a run that can be continued says how. */
export const formatRunListings = (rows: ReadonlyArray<RunListing>, db: string): string => {
  if (rows.length === 0) return `(no runs in ${db} yet)`
  // A stopped or failed run can continue; one still marked running too, once its process is known to be gone.
  const resumable = rows.filter((r) => r.status !== "completed")
  const resume = (r: RunListing) =>
    `lyceum run ${shellWord(r.scenarioPath)} --db ${shellWord(db)} --resume ${r.runId}`
  return [
    tableToText(runsReport(rows), ""),
    ...(resumable.length === 0
      ? []
      : [
          "",
          ...resumable.map((r) =>
            r.status === "running"
              ? `${r.runId} is marked running: if its process was killed, continue it with\n` +
                `  ${resume(r)} --force`
              : `${r.runId} ${r.status}${r.error === null ? "" : `: ${r.error}`}\n` +
                `  continue it: ${resume(r)}`,
          ),
        ]),
  ].join("\n")
}
