import { makeRng } from "@lyceum/core"
import { type AnswerClass, answerClasses } from "../AnswerKey.js"

/** The outcome of a vote over one item's answers. */
export interface VoteOutcome {
  /** Index of the answer taken (the first member of the winning class), or 0 when every answer abstained. */
  readonly winner: number
  /** The winning class's share of the total weight (0 when every answer abstained). */
  readonly share: number
}

/**
 * Weighted majority over answer classes (`answerKeys`). Ties are broken by `seed` (derived per item by the
 * caller, never from call order) over the tied classes in order of first appearance. All weights 0 counts
 * every answer once: with nothing to tell the voters apart, each gets an equal say.
 */
export const vote = (
  keys: ReadonlyArray<string | undefined>,
  weights: ReadonlyArray<number>,
  seed: number,
): VoteOutcome => {
  const classes = answerClasses(keys)
  if (classes.length === 0) return { winner: 0, share: 0 }
  const flat = keys.every((key, i) => key === undefined || (weights[i] ?? 0) <= 0)
  const weightOf = (c: AnswerClass) =>
    c.members.reduce((sum, i) => sum + (flat ? 1 : Math.max(0, weights[i] ?? 0)), 0)
  const totals = classes.map(weightOf)
  const best = Math.max(...totals)
  // Relative tolerance: sums of the same log-odds in another order must tie.
  const tied = classes.filter((_, i) => best - totals[i]! <= 1e-9 * Math.max(1, Math.abs(best)))
  const chosen = tied.length === 1 ? tied[0]! : makeRng(seed).pick(tied)
  const total = totals.reduce((a, b) => a + b, 0)
  return { winner: chosen.members[0]!, share: total === 0 ? 0 : best / total }
}

/**
 * A proposer's weight from its accuracy on the held-out items: the log-odds `ln(p / (1 - p))` of its
 * Laplace-smoothed accuracy p = (correct + 1) / (n + 2), and 0 when that is negative. For independent voters
 * on two labels this is the optimal weighting (Nitzan & Paroush 1982); a proposer no better than a coin gets
 * no say, and no proposer gets an infinite one for a perfect held-out score.
 */
export const logOddsWeight = (correct: number, n: number): number => {
  const p = (correct + 1) / (n + 2)
  return Math.max(0, Math.log(p / (1 - p)))
}
