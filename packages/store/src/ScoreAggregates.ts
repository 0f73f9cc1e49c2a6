import type Database from "better-sqlite3"
import type { EvaluationRow } from "./Rows.js"

/**
 * The per-step sums of graded answers (`student_scores`, `item_scores`; migration 0016), added to in the
 * transaction that inserts the answers, so the learning curve and the paper tables read one row per student
 * or item and round instead of every answer. A group's answers may come in several transactions (a chunked
 * step): each adds its sum and count to the group's row.
 */

/** The tables of sums: cohort tables whose rows are derived from `evaluations`, not recorded. */
export const SCORE_AGGREGATES: ReadonlySet<string> = new Set(["student_scores", "item_scores"])

const UPSERT_STUDENT = `INSERT INTO student_scores (run_id, repeat, round, student, task, method, metric, n,
  prompt_lessons, n_items, score_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, repeat, round, student, task, method, metric) DO UPDATE SET
  n = MIN(n, excluded.n), prompt_lessons = MIN(prompt_lessons, excluded.prompt_lessons),
  n_items = n_items + excluded.n_items, score_sum = score_sum + excluded.score_sum`
const UPSERT_ITEM = `INSERT INTO item_scores (run_id, repeat, round, task, method, metric, item_id, n, students,
  score_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, repeat, round, task, method, metric, item_id) DO UPDATE SET
  n = MIN(n, excluded.n), students = students + excluded.students, score_sum = score_sum + excluded.score_sum`

interface Sum {
  readonly key: ReadonlyArray<string | number>
  n: number
  promptLessons: number
  count: number
  sum: number
}

const add = (groups: Map<string, Sum>, key: ReadonlyArray<string | number>, r: EvaluationRow) => {
  const id = key.join("\u0000")
  const group = groups.get(id)
  if (group === undefined)
    groups.set(id, { key, n: r.n, promptLessons: r.promptLessons, count: 1, sum: r.score })
  else {
    group.n = Math.min(group.n, r.n)
    group.promptLessons = Math.min(group.promptLessons, r.promptLessons)
    group.count++
    group.sum += r.score
  }
}

/** Adds the answers' scores to their students' and items' sums; call inside the answers' transaction. */
export const addScoreAggregates = (
  prepare: (sql: string) => Database.Statement,
  rows: ReadonlyArray<EvaluationRow> | undefined,
): void => {
  if (rows === undefined || rows.length === 0) return
  const students = new Map<string, Sum>()
  const items = new Map<string, Sum>()
  for (const r of rows) {
    add(students, [r.runId, r.repeat, r.round, r.student, r.task, r.method, r.metric], r)
    add(items, [r.runId, r.repeat, r.round, r.task, r.method, r.metric, r.itemId], r)
  }
  const student = prepare(UPSERT_STUDENT)
  for (const g of students.values()) student.run(...g.key, g.n, g.promptLessons, g.count, g.sum)
  const item = prepare(UPSERT_ITEM)
  for (const g of items.values()) item.run(...g.key, g.n, g.count, g.sum)
}
