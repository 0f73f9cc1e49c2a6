import { queryRows } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { type Decoded, Int, oneOf, paging, Text } from "./Params.js"
import { Viewer } from "./ViewerContext.js"
import { AnswerItem } from "./Wire.js"

/**
 * `GET /api/runs/:id/answers`: a page of graded answers in the order of the `evaluations` primary key
 * (run_id, repeat, round, student, task, method, metric, item_id), so the page is a range read of it. The
 * prompt an answer was graded on is joined where the database stores prompts (null for older rows).
 * `correct=1`: full marks (score ≥ 1); `correct=0`: anything less. `total` is exact up to COUNT_CAP answers.
 */

export const answersQuery = {
  repeat: Int,
  task: Text,
  method: Text,
  round: Int,
  student: Text,
  correct: oneOf("0", "1"),
  ...paging,
}

const FILTERS = ["repeat", "task", "method", "round", "student"] as const

// The prompt_texts view, inlined as a lookup per row of the page: joined as a view, SQLite materialises it
// (every prompt of the database) before joining.
const PROMPT = `(SELECT COALESCE(c.text, '') || p.tail FROM prompts p
  LEFT JOIN prompt_contexts c ON c.run_id = p.run_id AND c.hash = p.context_hash
  WHERE p.run_id = e.run_id AND p.hash = e.prompt_hash)`

/** Answers counted exactly up to this many; past it `total` is the cap and `totalExact` false. */
export const COUNT_CAP = 100_000

export const answersSql = (
  runId: string,
  query: Decoded<typeof answersQuery>,
  prompts: boolean,
  cap = COUNT_CAP,
) => {
  const where = ["e.run_id = ?"]
  const params: Array<string | number> = [runId]
  for (const name of FILTERS) {
    const value = query[name]
    if (value !== undefined) where.push(`e.${name} = ?`) && params.push(value)
  }
  if (query.correct !== undefined) where.push(query.correct === "1" ? "e.score >= 1" : "e.score < 1")
  const filter = where.join(" AND ")
  return {
    rows: `SELECT e.repeat, e.round, e.task, e.method, e.student, e.item_id AS itemId, e.metric, e.answer, e.target,
      e.score, ${prompts ? PROMPT : "NULL"} AS prompt
      FROM evaluations e
      WHERE ${filter} ORDER BY e.repeat, e.round, e.student, e.task, e.method, e.metric, e.item_id LIMIT ? OFFSET ?`,
    // Counting every answer of a big run reads its whole range of the table (a run of millions: most of the
    // file), so the count stops past COUNT_CAP and the answer says it is a lower bound.
    count: `SELECT COUNT(*) AS total FROM (SELECT 1 FROM evaluations e WHERE ${filter} LIMIT ${cap + 1})`,
    params,
  }
}

export const listAnswers = (runId: string, query: Decoded<typeof answersQuery>) =>
  Effect.gen(function* () {
    const { db } = yield* Viewer
    const sql = answersSql(
      runId,
      query,
      db.has("prompts", "tail") && db.has("prompt_contexts", "text") && db.has("evaluations", "prompt_hash"),
    )
    const [count] = yield* queryRows(
      Schema.Struct({ total: Schema.Number }),
      `the answers of run ${runId}`,
      sql.count,
      sql.params,
    )
    const rows = yield* queryRows(AnswerItem, `the answers of run ${runId}`, sql.rows, [
      ...sql.params,
      query.limit ?? 50,
      query.offset ?? 0,
    ])
    const counted = count?.total ?? 0
    return { total: Math.min(counted, COUNT_CAP), totalExact: counted <= COUNT_CAP, rows }
  })
