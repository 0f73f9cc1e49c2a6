import type { ScorePair } from "./PermutationTest.js"
import { mean, standardError } from "./Statistics.js"

/**
 * One test item's score in one round of one cohort: the input of the paper-shaped tables, one row per
 * (task, method, round, repeat, item) with the score averaged over the cohort's students.
 */
export interface MethodScoreRow {
  readonly task: string
  /** The method as the run reports it: its scenario `name`, or its strategy. */
  readonly method: string
  /** How the student was taught (`zero-shot`, `original-examples`, ...): what the tables go by, not the name. */
  readonly strategy: string
  /** Lessons the round aimed for (0 in round 0). */
  readonly n: number
  readonly round: number
  readonly repeat: number
  readonly itemId: string
  /** 1 for a correct answer and 0 for a wrong one (accuracy); any real score works. */
  readonly score: number
}

/** Which cell a summary is for. */
export interface CellLabel {
  readonly task: string
  readonly method: string
  readonly strategy: string
  readonly n: number
}

/** The scores of one table cell: one value per repeat, then the mean and SEM over repeats, as the paper. */
export interface ScoreCell extends CellLabel {
  /** Mean score within each repeat (over its items, students and rounds), in repeat order. */
  readonly repeatMeans: ReadonlyArray<number>
  readonly repeats: number
  /** Mean of `repeatMeans`. */
  readonly mean: number
  /** Standard error of `repeatMeans`; undefined for a single repeat. */
  readonly sem: number | undefined
  /** Scores summarised, over all repeats. */
  readonly items: number
}

export const groupBy = <A>(rows: ReadonlyArray<A>, key: (row: A) => string): Map<string, Array<A>> => {
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
 * Summarises rows into one cell. Repeats are the independent replications, so each contributes exactly one
 * value, the mean of everything it holds (items, students, and rounds of a zero-shot student, which are the
 * same student measured again); the SEM is over those values. Counting rounds or methods as repeats would
 * shrink the SEM with correlated values.
 */
export const summarizeScores = (rows: ReadonlyArray<MethodScoreRow>, label: CellLabel): ScoreCell => {
  const repeats = [...groupBy(rows, (r) => String(r.repeat)).values()].sort(
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
