import type { ScorePair } from "./PermutationTest.js"
import { mean, standardError } from "./Statistics.js"

/**
 * One graded answer labelled with how its student was taught: the input of the paper-shaped tables, one row
 * per `evaluations` row (filtered to one metric) with the method and lesson size n the run recorded.
 */
export interface MethodScoreRow {
  readonly task: string
  /** How the student was taught, e.g. `original-examples`, `synthetic-examples`, `zero-shot`. */
  readonly method: string
  /** Examples in the student's prompt (0 for none). */
  readonly n: number
  readonly repeat: number
  readonly itemId: string
  /** 1 for a correct answer and 0 for a wrong one (accuracy); any real score works. */
  readonly score: number
}

/** The scores of one table cell: accuracy per repeat, then the mean and SEM over repeats, as the paper. */
export interface ScoreCell {
  readonly task: string
  readonly method: string
  readonly n: number
  /** Mean score within each repeat, in repeat order. */
  readonly repeatMeans: ReadonlyArray<number>
  readonly repeats: number
  /** Mean of `repeatMeans`. */
  readonly mean: number
  /** Standard error of `repeatMeans`; undefined for a single repeat. */
  readonly sem: number | undefined
  /** Graded answers over all repeats. */
  readonly items: number
}

const groupBy = <A>(rows: ReadonlyArray<A>, key: (row: A) => string): Map<string, Array<A>> => {
  const groups = new Map<string, Array<A>>()
  for (const row of rows) {
    const k = key(row)
    const group = groups.get(k)
    if (group) group.push(row)
    else groups.set(k, [row])
  }
  return groups
}

/**
 * Summarises rows into one cell under the given label. A repeat is a (method, n, repeat) group, so rows
 * pooled from several labels (zero-shot measured in two runs) count as separate repeats, not one.
 */
export const summarizeScores = (
  rows: ReadonlyArray<MethodScoreRow>,
  label: { readonly task: string; readonly method: string; readonly n: number },
): ScoreCell => {
  const repeats = [...groupBy(rows, (r) => `${r.method}\u0000${r.n}\u0000${r.repeat}`).values()].sort(
    (a, b) => a[0]!.repeat - b[0]!.repeat,
  )
  const repeatMeans = repeats.map((group) => mean(group.map((r) => r.score)))
  return {
    ...label,
    repeatMeans,
    repeats: repeatMeans.length,
    mean: mean(repeatMeans),
    sem: standardError(repeatMeans),
    items: rows.length,
  }
}

/** One cell per (task, method, n) present in the rows, sorted by task, method and n. */
export const scoreCells = (rows: ReadonlyArray<MethodScoreRow>): Array<ScoreCell> =>
  [...groupBy(rows, (r) => `${r.task}\u0000${r.method}\u0000${r.n}`).values()]
    .map((group) => summarizeScores(group, group[0]!))
    .sort((a, b) => a.task.localeCompare(b.task) || a.method.localeCompare(b.method) || a.n - b.n)

const itemKey = (r: MethodScoreRow) => `${r.task}\u0000${r.n}\u0000${r.repeat}\u0000${r.itemId}`

/**
 * The paired scores of two methods for the permutation test: rows of A and B matched by
 * (task, n, repeat, itemId), pooled over repeats, in A's order. Items graded by only one side are left out;
 * an item graded more than once on a side (several students) counts with its mean score.
 */
export const pairScores = (
  a: ReadonlyArray<MethodScoreRow>,
  b: ReadonlyArray<MethodScoreRow>,
): Array<ScorePair> => {
  const meanScore = (group: ReadonlyArray<MethodScoreRow>) => mean(group.map((r) => r.score))
  const byItemB = groupBy(b, itemKey)
  const pairs: Array<ScorePair> = []
  for (const [key, groupA] of groupBy(a, itemKey)) {
    const groupB = byItemB.get(key)
    if (groupB) pairs.push([meanScore(groupA), meanScore(groupB)])
  }
  return pairs
}
