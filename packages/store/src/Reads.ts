import type Database from "better-sqlite3"
import { Option } from "effect"
import type { LearningCurveRow, RunRow } from "./Rows.js"

const RUN_COLUMNS = `id, scenario_name AS scenarioName, scenario_path AS scenarioPath,
  scenario_text AS scenarioText, scenario_hash AS scenarioHash, seed, kind, versions, config, status, error,
  started_at AS startedAt, finished_at AS finishedAt`

const readRun = (raw: Record<string, unknown>): RunRow => ({
  ...(raw as unknown as RunRow),
  versions: JSON.parse(raw.versions as string),
  config: JSON.parse(raw.config as string),
})

/**
 * The reads of a run every `Store` serves, over any connection: the writer's, or `lyceum view`'s read-only one
 * (which cannot open a `Store`, since opening migrates). Plain functions; the caller wraps their errors.
 */
export const storeReads = (prepare: (sql: string) => Database.Statement) => ({
  latestRunId: (): Option.Option<string> => {
    const row = prepare("SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1").get() as
      | { id: string }
      | undefined
    return Option.fromNullable(row?.id)
  },
  getRun: (id: string): Option.Option<RunRow> => {
    const raw = prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as
      | Record<string, unknown>
      | undefined
    return raw === undefined ? Option.none() : Option.some(readRun(raw))
  },
  learningCurve: (runId: string): Array<LearningCurveRow> =>
    prepare(
      `SELECT run_id AS runId, repeat, round, student, task, method, n, prompt_lessons AS promptLessons,
       metric, value, n_items AS nItems
       FROM learning_curve WHERE run_id = ? ORDER BY repeat, task, method, round, student, metric`,
    ).all(runId) as Array<LearningCurveRow>,
})
