import { makeRng } from "@lyceum/core"
import { mean } from "./Statistics.js"

/**
 * Paired permutation (sign-flip) test, as the paper uses to compare two methods: the scores of method A and
 * method B on the same items, pooled over repeats. Under the null hypothesis the two labels are exchangeable
 * within each pair, so swapping a pair flips the sign of its difference; the p-value is the share of swaps
 * whose mean difference is at least as far from zero as the observed one (two-sided).
 */

/** Scores of method A and method B on one item (in one repeat). */
export type ScorePair = readonly [a: number, b: number]

export interface PermutationTestResult {
  /** `exact` enumerated every sign flip; `monte-carlo` sampled `permutations` of them. */
  readonly method: "exact" | "monte-carlo"
  readonly pairs: number
  readonly meanA: number
  readonly meanB: number
  /** meanA - meanB. */
  readonly meanDifference: number
  /** Two-sided. */
  readonly pValue: number
  /** Sign flips enumerated (exact, 2^k for the k pairs that differ) or sampled (Monte Carlo). */
  readonly permutations: number
}

export interface PermutationTestOptions {
  /** Random sign flips for the Monte-Carlo test; the paper uses 10^4. */
  readonly permutations?: number
  /** Seed of the sign flips, so a report is reproducible. */
  readonly seed?: number
  /** Enumerate exactly when at most this many pairs differ (default 16, at most 20). */
  readonly exactUpTo?: number
}

export const DEFAULT_PERMUTATIONS = 10_000
const DEFAULT_EXACT_UP_TO = 16
/** 2^20 flips of 20 terms is about 20M additions: the most the exact test will do. */
const MAX_EXACT = 20

const popcount = (bits: number) => {
  let v = bits - ((bits >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

/** Pairs with equal scores contribute 0 under every flip, so only the differing ones need flipping. */
const nonZeroDifferences = (pairs: ReadonlyArray<ScorePair>): Array<number> =>
  pairs.map(([a, b]) => a - b).filter((d) => d !== 0)

/** |sum| at or above the observed one, with slack for floating-point ties (e.g. 0.1 + 0.2 vs 0.3). */
const atLeastAsExtreme = (differences: ReadonlyArray<number>) => {
  const observed = Math.abs(differences.reduce((acc, d) => acc + d, 0))
  const slack = 1e-12 * differences.reduce((acc, d) => acc + Math.abs(d), 0)
  return (sum: number) => Math.abs(sum) >= observed - slack
}

const summarizePairs = (pairs: ReadonlyArray<ScorePair>) => {
  const meanA = mean(pairs.map(([a]) => a))
  const meanB = mean(pairs.map(([, b]) => b))
  return { pairs: pairs.length, meanA, meanB, meanDifference: meanA - meanB }
}

/**
 * The exact test: all 2^k sign flips of the k differing pairs (equal pairs change nothing), p = count / 2^k,
 * the observed assignment included. Throws a RangeError when more than 20 pairs differ.
 */
export const exactPairedPermutationTest = (pairs: ReadonlyArray<ScorePair>): PermutationTestResult => {
  const differences = nonZeroDifferences(pairs)
  const k = differences.length
  if (k > MAX_EXACT) {
    throw new RangeError(`exact permutation test over ${k} differing pairs (at most ${MAX_EXACT})`)
  }
  const extreme = atLeastAsExtreme(differences)
  const total = 2 ** k
  let count = 0
  for (let mask = 0; mask < total; mask++) {
    let sum = 0
    for (let i = 0; i < k; i++) sum += (mask >>> i) & 1 ? -differences[i]! : differences[i]!
    if (extreme(sum)) count++
  }
  return { method: "exact", ...summarizePairs(pairs), pValue: count / total, permutations: total }
}

/**
 * The Monte-Carlo test: `permutations` random sign flips (seeded), p = (count + 1) / (permutations + 1), which
 * counts the observed assignment as one of the permutations and so never reports p = 0.
 */
export const monteCarloPairedPermutationTest = (
  pairs: ReadonlyArray<ScorePair>,
  options: { readonly permutations?: number; readonly seed?: number } = {},
): PermutationTestResult => {
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  const rng = makeRng(options.seed ?? 0)
  const differences = nonZeroDifferences(pairs)
  const extreme = atLeastAsExtreme(differences)
  // Pairs with the same difference are interchangeable: flipping c of them at random is flipping a
  // Binomial(c, 1/2) count, drawn as the popcount of c random bits. With 0/1 scores (differences ±1) a
  // permutation costs a few popcounts instead of one step per pair.
  const counts = new Map<number, number>()
  for (const d of differences) counts.set(d, (counts.get(d) ?? 0) + 1)
  const values = [...counts.keys()]
  const sizes = values.map((v) => counts.get(v)!)
  const word = () => (rng.next() * 4294967296) >>> 0 // mulberry32 outputs are exactly k / 2^32
  let count = 0
  for (let p = 0; p < permutations; p++) {
    let sum = 0
    for (let j = 0; j < values.length; j++) {
      const size = sizes[j]!
      let flipped = 0
      for (let left = size; left > 0; left -= 32) {
        flipped += popcount(left >= 32 ? word() : word() & ((1 << left) - 1))
      }
      sum += values[j]! * (size - 2 * flipped)
    }
    if (extreme(sum)) count++
  }
  return {
    method: "monte-carlo",
    ...summarizePairs(pairs),
    pValue: (count + 1) / (permutations + 1),
    permutations,
  }
}

/**
 * The paired test the reports use: exact when few pairs differ (at most `exactUpTo`, default 16), where the
 * Monte-Carlo estimate would only add noise; otherwise Monte Carlo with 10^4 seeded permutations.
 */
export const pairedPermutationTest = (
  pairs: ReadonlyArray<ScorePair>,
  options: PermutationTestOptions = {},
): PermutationTestResult => {
  const exactUpTo = Math.min(options.exactUpTo ?? DEFAULT_EXACT_UP_TO, MAX_EXACT)
  return nonZeroDifferences(pairs).length <= exactUpTo
    ? exactPairedPermutationTest(pairs)
    : monteCarloPairedPermutationTest(pairs, options)
}
