import { type MethodScoreRow, pairedPermutationTest, pairScores, queryRows } from "@lyceum/report"
import { Effect, Schema } from "effect"
import { runCurves } from "./Curves.js"
import { runItem } from "./Runs.js"

/**
 * `GET /api/compare?runs=a,b[,c]`: the runs' curves overlaid (series keys prefixed with the run id) and, for
 * every two runs and every (task, method) both played, @lyceum/report's paired permutation test on the items
 * both graded (same repeat and item id) in each cohort's last round. An ensemble is compared on its
 * coalition's answers; other kinds on their students' mean score per item.
 */

export const compareQuery = {
  runs: Schema.String.pipe(
    Schema.transform(Schema.Array(Schema.String), {
      strict: true,
      decode: (s) =>
        s
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id.length > 0),
      encode: (ids) => ids.join(","),
    }),
    Schema.filter(
      (ids) =>
        (ids.length >= 2 && ids.length <= 6 && new Set(ids).size === ids.length) ||
        "2 to 6 distinct run ids separated by commas",
    ),
  ).annotations({ message: () => "2 to 6 distinct run ids separated by commas" }),
}

const ScoreSql = Schema.Struct({
  task: Schema.String,
  method: Schema.String,
  round: Schema.Number,
  repeat: Schema.Number,
  itemId: Schema.String,
  score: Schema.Number,
})

// Per item in each cohort's last round; the coalition's own rows when the run has them (ensemble).
const LAST_ROUND_SCORES = `WITH rows AS (
    SELECT task, method, round, repeat, item_id AS itemId, student, score FROM evaluations
    WHERE run_id = ? AND metric = 'accuracy'
  ),
  coalition AS (SELECT EXISTS (SELECT 1 FROM rows WHERE student = 'coalition') AS only),
  last AS (SELECT task, method, MAX(round) AS round FROM rows GROUP BY task, method)
  SELECT r.task, r.method, r.round, r.repeat, r.itemId, AVG(r.score) AS score
  FROM rows r JOIN last l ON l.task = r.task AND l.method = r.method AND l.round = r.round, coalition c
  WHERE NOT c.only OR r.student = 'coalition'
  GROUP BY r.task, r.method, r.repeat, r.itemId`

const lastRoundScores = (runId: string) =>
  Effect.map(
    queryRows(ScoreSql, `the scores of run ${runId}`, LAST_ROUND_SCORES, [runId]),
    (rows): Array<MethodScoreRow> => rows.map((r) => ({ ...r, strategy: r.method, n: 0 })),
  )

const cellKey = (r: { task: string; method: string }) => `${r.task}\u0000${r.method}`

export const compareRuns = (ids: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const runs = yield* Effect.forEach(ids, (id) => Effect.map(runItem(id), ({ config: _, ...run }) => run))
    const curves = yield* Effect.forEach(runs, (run) => runCurves(run.id, run.kind))
    const series = curves.flatMap((c, i) => c.series.map((s) => ({ ...s, key: `${runs[i]!.id} · ${s.key}` })))
    const scores = yield* Effect.forEach(ids, lastRoundScores)
    const paired: Array<{
      a: string
      b: string
      task: string
      method: string
      meanDiff: number
      pValue: number
      n: number
    }> = []
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const cellsB = new Map<string, Array<MethodScoreRow>>()
        for (const row of scores[j]!) cellsB.set(cellKey(row), [...(cellsB.get(cellKey(row)) ?? []), row])
        const cellsA = new Map<string, Array<MethodScoreRow>>()
        for (const row of scores[i]!) cellsA.set(cellKey(row), [...(cellsA.get(cellKey(row)) ?? []), row])
        for (const [key, rowsA] of cellsA) {
          const rowsB = cellsB.get(key)
          if (rowsB === undefined) continue
          const pairs = pairScores(rowsA, rowsB)
          if (pairs.length === 0) continue
          const test = pairedPermutationTest(pairs, { seed: 0 })
          paired.push({
            a: ids[i]!,
            b: ids[j]!,
            task: rowsA[0]!.task,
            method: rowsA[0]!.method,
            meanDiff: test.meanDifference,
            pValue: test.pValue,
            n: test.pairs,
          })
        }
      }
    return { runs, series, paired }
  })
