import { queryRows } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { NotFound } from "./ApiError.js"
import { type Decoded, oneOf, paging, Text } from "./Params.js"
import { Viewer } from "./ViewerContext.js"
import { type Cohort, pointOf, type RunItem } from "./Wire.js"

/** `GET /api/runs`: the runs table, filtered, sorted and paged (a few hundred rows: runs is never big). */

export const runsQuery = {
  status: oneOf("running", "completed", "failed", "stopped"),
  kind: Text,
  q: Text,
  sort: oneOf("startedAt", "durationMs", "tokens", "costUsd", "scenario"),
  order: oneOf("asc", "desc"),
  ...paging,
}

// Per run, sums over model_usage and counts over cohort_steps are range reads of their primary keys
// (run_id first), never a scan of those tables.
const RUN_COLUMNS = `r.id, r.scenario_name AS scenario, r.kind, r.status, r.seed, r.started_at AS startedAt,
  r.finished_at AS finishedAt,
  CASE WHEN r.finished_at IS NULL THEN NULL
    ELSE CAST(ROUND((julianday(r.finished_at) - julianday(r.started_at)) * 86400000) AS INTEGER) END AS durationMs,
  (SELECT COALESCE(SUM(u.prompt_tokens + u.completion_tokens), 0) FROM model_usage u WHERE u.run_id = r.id)
    AS tokens,
  (SELECT SUM(u.cost_usd) FROM model_usage u WHERE u.run_id = r.id) AS costUsd,
  (SELECT COUNT(*) FROM cohort_steps s WHERE s.run_id = r.id) AS stepsDone,
  r.config`

const RunSql = Schema.Struct({
  id: Schema.String,
  scenario: Schema.String,
  kind: Schema.String,
  status: Schema.String,
  seed: Schema.Number,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  durationMs: Schema.NullOr(Schema.Number),
  tokens: Schema.Number,
  costUsd: Schema.NullOr(Schema.Number),
  stepsDone: Schema.Number,
  config: Schema.String,
  /** The run's sweep points (0 without a sweep). */
  sweep: Schema.Number,
})

const SORT_SQL: Record<NonNullable<Decoded<typeof runsQuery>["sort"]>, string> = {
  startedAt: "r.started_at",
  durationMs: "durationMs",
  tokens: "tokens",
  costUsd: "costUsd",
  scenario: "r.scenario_name",
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

const parseConfig = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** The SQL of the runs list and its count, for the API and the query-plan test. */
export const runsSql = (query: Decoded<typeof runsQuery>, sweepTable: boolean) => {
  const where: Array<string> = []
  const params: Array<string | number> = []
  if (query.status !== undefined) where.push("r.status = ?") && params.push(query.status)
  if (query.kind !== undefined) where.push("r.kind = ?") && params.push(query.kind)
  if (query.q !== undefined) {
    where.push("(r.scenario_name LIKE ? ESCAPE '\\' OR r.id LIKE ? ESCAPE '\\')")
    params.push(likePattern(query.q), likePattern(query.q))
  }
  const filter = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`
  const order = query.order === "asc" ? "ASC" : "DESC"
  const sweep = sweepTable ? "(SELECT COUNT(*) FROM sweep_points p WHERE p.run_id = r.id)" : "0"
  return {
    rows: `SELECT ${RUN_COLUMNS}, ${sweep} AS sweep FROM runs r ${filter}
      ORDER BY ${SORT_SQL[query.sort ?? "startedAt"]} ${order} NULLS LAST, r.rowid ${order} LIMIT ? OFFSET ?`,
    count: `SELECT COUNT(*) AS total FROM runs r ${filter}`,
    params,
  }
}

const toItem =
  (plan: (kind: string, config: unknown) => { cohorts: number; steps: number } | undefined) =>
  (row: typeof RunSql.Type): RunItem => {
    // A sweep plays every variant at each of its points: the kind plans one point.
    const planned = plan(row.kind, parseConfig(row.config))
    return {
      id: row.id,
      scenario: row.scenario,
      kind: row.kind,
      status: row.status,
      seed: row.seed,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      durationMs: row.durationMs,
      tokens: row.tokens,
      costUsd: row.costUsd,
      progress:
        planned === undefined
          ? null
          : { done: row.stepsDone, total: planned.cohorts * planned.steps * Math.max(1, row.sweep) },
      sweep: row.sweep > 0,
    }
  }

export const listRuns = (query: Decoded<typeof runsQuery>) =>
  Effect.gen(function* () {
    const { db, catalog } = yield* Viewer
    const sql = runsSql(query, db.has("sweep_points"))
    const [count] = yield* queryRows(
      Schema.Struct({ total: Schema.Number }),
      "the number of runs",
      sql.count,
      sql.params,
    )
    const rows = yield* queryRows(RunSql, "the runs", sql.rows, [
      ...sql.params,
      query.limit ?? 50,
      query.offset ?? 0,
    ])
    return { total: count?.total ?? 0, rows: rows.map(toItem(catalog.plan)) }
  })

/** One run as the list shows it, or NotFound. */
export const runItem = (runId: string) =>
  Effect.gen(function* () {
    const { db, catalog } = yield* Viewer
    const sweep = db.has("sweep_points") ? "(SELECT COUNT(*) FROM sweep_points p WHERE p.run_id = r.id)" : "0"
    const [row] = yield* queryRows(
      RunSql,
      `run ${runId}`,
      `SELECT ${RUN_COLUMNS}, ${sweep} AS sweep FROM runs r WHERE r.id = ?`,
      [runId],
    )
    if (row === undefined)
      return yield* new NotFound({
        message: `no run "${runId}" in ${db.filename}: see GET /api/runs for the runs it holds`,
      })
    return { ...toItem(catalog.plan)(row), config: parseConfig(row.config) }
  })

const RunText = Schema.Struct({ scenarioText: Schema.String, error: Schema.NullOr(Schema.String) })
const CohortSql = Schema.Struct({
  repeat: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  stepsDone: Schema.Number,
})
const PointSql = Schema.Struct({ point: Schema.Number, label: Schema.String, values: Schema.String })

/** `GET /api/runs/:id`: the run, its scenario as written, its cohorts' progress and its sweep points. */
export const runDetail = (runId: string) =>
  Effect.gen(function* () {
    const { db, catalog } = yield* Viewer
    const { config, ...run } = yield* runItem(runId)
    const [text] = yield* queryRows(
      RunText,
      `run ${runId}`,
      "SELECT scenario_text AS scenarioText, error FROM runs WHERE id = ?",
      [runId],
    )
    const steps = catalog.plan(run.kind, config)?.steps ?? null
    const cohortRows = yield* queryRows(
      CohortSql,
      `the cohorts of run ${runId}`,
      `SELECT repeat, task, method, COUNT(*) AS stepsDone FROM cohort_steps WHERE run_id = ?
       GROUP BY repeat, task, method ORDER BY repeat, task, method`,
      [runId],
    )
    const cohorts: Array<Cohort> = cohortRows.map((c) => ({ ...c, point: pointOf(c.method), steps }))
    const points = db.has("sweep_points", "values_json")
      ? (yield* queryRows(
          PointSql,
          `the sweep points of run ${runId}`,
          'SELECT point, label, values_json AS "values" FROM sweep_points WHERE run_id = ? ORDER BY point',
          [runId],
        )).map((p) => ({ ...p, values: parseConfig(p.values) }))
      : []
    return {
      run,
      scenarioText: text?.scenarioText ?? "",
      config,
      error: text?.error ?? null,
      cohorts,
      points,
    }
  })
