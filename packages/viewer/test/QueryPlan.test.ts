import { CULTURE_ROWS_SQL, PAPER_TABLE_ROWS_SQL } from "@lyceum/report"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { answersSql } from "../src/api/Answers.js"
import { LEARNING_CURVE_SQL } from "../src/api/Curves.js"
import { lessonsSql } from "../src/api/Lessons.js"
import { runsSql } from "../src/api/Runs.js"
import { usageSql } from "../src/api/Usage.js"
import { RUNS, writeFixture } from "./support/Fixture.js"

/**
 * Every hot query of the viewer reads its run's rows through an index: a page is a range of an index in page
 * order (no sort of the run's rows), and no query scans a table that grows with the runs (only `runs` itself,
 * a row per run, may be scanned). A missing index or a query the planner cannot match to one fails here.
 */

let db: Database.Database
beforeAll(async () => {
  db = new Database(await writeFixture(), { readonly: true, fileMustExist: true })
})
afterAll(() => db.close())

const plan = (sql: string, params: ReadonlyArray<unknown>) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)

const expectIndexed = (sql: string, params: ReadonlyArray<unknown>, options: { sorted?: boolean } = {}) => {
  const lines = plan(sql, params)
  // A subquery's own rows (a capped count) are not a table.
  const scans = lines.filter((l) => l.startsWith("SCAN") && !/^SCAN \(subquery-\d+\)$/.test(l))
  expect({ sql, scans }).toEqual({ sql, scans: [] })
  expect(lines.some((l) => /^SEARCH .* USING (COVERING )?(INDEX|PRIMARY KEY)/.test(l))).toBe(true)
  // A full sort of the run's rows is refused; a filter on a later key column may leave a sort of its last terms
  // within each leading group (`TEMP B-TREE FOR LAST n TERMS OF ORDER BY`), bounded by the page's LIMIT.
  if (options.sorted !== false)
    expect({ sql, lines: lines.filter((l) => /TEMP B-TREE FOR (ORDER|GROUP) BY/.test(l)) }).toEqual({
      sql,
      lines: [],
    })
  return lines
}

describe("query plans of the viewer's pages", () => {
  it("runs list: only runs is scanned; per-run sums and counts search their primary keys", () => {
    for (const query of [{}, { sort: "tokens" as const }, { status: "running" as const, q: "quick" }]) {
      const sql = runsSql(query, true)
      const lines = plan(sql.rows, [...sql.params, 50, 0])
      expect(lines.filter((l) => l.startsWith("SCAN"))).toEqual([expect.stringMatching(/^SCAN r\b/)])
      // model_usage twice (tokens, cost), cohort_steps, sweep_points: each a key range of one run
      expect(lines.filter((l) => l.startsWith("SEARCH"))).toEqual(
        Array.from({ length: 4 }, (_, i) =>
          expect.stringMatching(
            i < 2 ? /^SEARCH u USING PRIMARY KEY \(run_id=\?\)$/ : /USING PRIMARY KEY \(run_id=\?\)$/,
          ),
        ),
      )
    }
  })

  it("lessons page: an index range in page order, filtered or not", () => {
    for (const query of [{}, { action: "drop" as const }, { round: 2 }, { repeat: 0, round: 1 }]) {
      const sql = lessonsSql(RUNS.a, query)
      expectIndexed(sql.rows, [...sql.params, 50, 0])
      expectIndexed(sql.count, sql.params, { sorted: false })
    }
    const byTeacher = lessonsSql(RUNS.a, { teacher: "teacher-1" })
    expectIndexed(byTeacher.count, byTeacher.params, { sorted: false })
  })

  it("answers page: a range of the evaluations key in its order", () => {
    for (const query of [{}, { round: 2, correct: "0" as const }, { repeat: 1, task: "spam" }]) {
      const sql = answersSql(RUNS.a, query, true)
      const lines = expectIndexed(sql.rows, [...sql.params, 50, 0])
      // The prompt is looked up by its key, not scanned.
      expect(lines).toEqual(
        expect.arrayContaining([
          "SEARCH p USING PRIMARY KEY (run_id=? AND hash=?)",
          expect.stringMatching(
            /^SEARCH c USING INDEX sqlite_autoindex_prompt_contexts_1 \(run_id=\? AND hash=\?\)/,
          ),
        ]),
      )
      expectIndexed(sql.count, sql.params, { sorted: false })
    }
  })

  it("answers count: stops past its cap (a lower bound), exact below it", () => {
    const count = (cap: number) => {
      const sql = answersSql(RUNS.a, {}, true, cap)
      return (db.prepare(sql.count).get(...sql.params) as { total: number }).total
    }
    expect(count(10)).toBe(11)
    expect(count(1000)).toBe(96)
  })

  it("usage page and totals: a range of the model_usage key", () => {
    expectIndexed(usageSql.rows, [RUNS.a, 50, 0])
    expectIndexed(usageSql.totals, [RUNS.a], { sorted: false })
  })

  // A big run has millions of graded answers: its curve and paper tables read the store's per-step sums
  // (migration 0016), a row per student or item and round, never the answers (a scan of the run: seconds, and a
  // minute when they had to be sorted).
  const readsSums = (sql: string, sums: string, options: { sorted?: boolean } = {}) => {
    const lines = expectIndexed(sql, [RUNS.a], options)
    expect({ sql, lines }).toEqual({
      sql,
      lines: [
        expect.stringMatching(new RegExp(`^SEARCH ${sums} USING PRIMARY KEY \\(run_id=\\?\\)$`)),
        ...lines.slice(1),
      ],
    })
    expect(lines.filter((l) => /\bevaluations\b/.test(l))).toEqual([])
  }

  it("learning curve: the run's per-student sums in key order, no sort, no answer read", () => {
    readsSums(LEARNING_CURVE_SQL, "student_scores")
  })

  it("report tables: the curve and paper tables read the sums, not the answers", () => {
    readsSums(
      "SELECT * FROM learning_curve WHERE run_id = ? ORDER BY repeat, task, method, round, student, metric",
      "student_scores",
      { sorted: false },
    )
    readsSums(PAPER_TABLE_ROWS_SQL, "item_scores", { sorted: false })
  })

  it("report tables: the cultures table reads the answers only when the run has labelled items", () => {
    // The EXISTS is a constant of the query, checked once before the join of the run's answers.
    expect(plan(CULTURE_ROWS_SQL, [RUNS.a, RUNS.a])).toContain(
      "SEARCH item_labels EXISTS USING PRIMARY KEY (run_id=?)",
    )
  })

  it("a lesson page's findings: the findings index", () => {
    expectIndexed(
      "SELECT * FROM filter_findings WHERE run_id = ? AND lesson_id IN (?, ?)",
      [RUNS.a, "x", "y"],
      {
        sorted: false,
      },
    )
  })
})
