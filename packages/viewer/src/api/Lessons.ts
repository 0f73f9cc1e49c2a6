import { queryRows } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { NotFound } from "./ApiError.js"
import { maskSecrets } from "./Mask.js"
import { type Decoded, Int, oneOf, paging, Text } from "./Params.js"
import { Viewer } from "./ViewerContext.js"
import { Finding, Flag, type LessonItem } from "./Wire.js"

/**
 * `GET /api/runs/:id/lessons` (a page of a run's lessons with their filter decisions) and
 * `GET /api/runs/:id/lessons/:lessonId` (one lesson with its findings). Text goes out with secrets masked.
 */

export const lessonsQuery = {
  repeat: Int,
  task: Text,
  method: Text,
  round: Int,
  teacher: Text,
  student: Text,
  action: oneOf("allow", "flag", "redact", "drop"),
  ...paging,
}

const PREVIEW = 240

const LessonSql = Schema.Struct({
  id: Schema.String,
  repeat: Schema.Number,
  round: Schema.Number,
  task: Schema.String,
  method: Schema.String,
  teacher: Schema.String,
  student: Schema.String,
  kind: Schema.String,
  action: Schema.String,
  detector: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  sent: Flag,
  chosen: Flag,
  text: Schema.String,
})

const SpanSql = Schema.Struct({
  lessonId: Schema.String,
  detector: Schema.String,
  action: Schema.String,
  start: Schema.Number,
  end: Schema.Number,
})

const FILTERS = [
  ["repeat", "repeat"],
  ["task", "task"],
  ["method", "method"],
  ["round", "round"],
  ["teacher", "teacher"],
  ["student", "student"],
  ["action", "filter_action"],
] as const

/**
 * The page's SQL, in (repeat, round, insertion) order: with `lessons_by_round` (run_id, repeat, round) or,
 * filtered by action, `lessons_by_action` (run_id, filter_action, repeat, round) the page is an index range
 * read in order, not a sort of the run's lessons (migration 0015).
 */
export const lessonsSql = (runId: string, query: Decoded<typeof lessonsQuery>) => {
  const where = ["run_id = ?"]
  const params: Array<string | number> = [runId]
  for (const [name, column] of FILTERS) {
    const value = query[name]
    if (value !== undefined) where.push(`${column} = ?`) && params.push(value)
  }
  const filter = where.join(" AND ")
  return {
    rows: `SELECT id, repeat, round, task, method, teacher, student, kind, filter_action AS action,
      filter_detector AS detector, filter_reason AS reason, sent, chosen, substr(text, 1, ${PREVIEW}) AS text
      FROM lessons WHERE ${filter} ORDER BY repeat, round, rowid LIMIT ? OFFSET ?`,
    count: `SELECT COUNT(*) AS total FROM lessons WHERE ${filter}`,
    params,
  }
}

export const listLessons = (runId: string, query: Decoded<typeof lessonsQuery>) =>
  Effect.gen(function* () {
    const sql = lessonsSql(runId, query)
    const [count] = yield* queryRows(
      Schema.Struct({ total: Schema.Number }),
      `the lessons of run ${runId}`,
      sql.count,
      sql.params,
    )
    const rows = yield* queryRows(LessonSql, `the lessons of run ${runId}`, sql.rows, [
      ...sql.params,
      query.limit ?? 50,
      query.offset ?? 0,
    ])
    const spans =
      rows.length === 0
        ? []
        : yield* queryRows(
            SpanSql,
            `the findings of run ${runId}`,
            `SELECT lesson_id AS lessonId, detector, action, start, "end" FROM filter_findings
             WHERE run_id = ? AND lesson_id IN (${rows.map(() => "?").join(", ")})`,
            [runId, ...rows.map((r) => r.id)],
          )
    const byLesson = new Map<string, Array<(typeof spans)[number]>>()
    for (const span of spans) byLesson.set(span.lessonId, [...(byLesson.get(span.lessonId) ?? []), span])
    const items: Array<LessonItem> = rows.map(({ text, ...row }) => ({
      ...row,
      textPreview: maskSecrets(text, row.action, byLesson.get(row.id) ?? []),
    }))
    return { total: count?.total ?? 0, rows: items }
  })

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** One lesson: every column (camelCase), its text with secrets masked, and the findings behind its decision. */
export const lessonDetail = (runId: string, lessonId: string) =>
  Effect.gen(function* () {
    const { db } = yield* Viewer
    const [raw] = yield* queryRows(
      Schema.Record({ key: Schema.String, value: Schema.Unknown }),
      `lesson ${lessonId}`,
      "SELECT * FROM lessons WHERE run_id = ? AND id = ?",
      [runId, lessonId],
    )
    if (raw === undefined)
      return yield* new NotFound({ message: `no lesson "${lessonId}" in run "${runId}" of ${db.filename}` })
    const findings = yield* queryRows(
      Finding,
      `the findings of lesson ${lessonId}`,
      `SELECT detector, action, start, "end", reason, matched_hash AS matchedHash FROM filter_findings
       WHERE run_id = ? AND lesson_id = ? ORDER BY start, "end"`,
      [runId, lessonId],
    )
    const lesson = Object.fromEntries(Object.entries(raw).map(([k, v]) => [camel(k), v]))
    lesson.text = maskSecrets(String(raw.text), String(raw.filter_action), findings)
    for (const flag of ["sent", "chosen", "verbatimCopy", "smuggleIntact"])
      if (typeof lesson[flag] === "number") lesson[flag] = lesson[flag] === 1
    return { lesson, findings }
  })
