import { describe, expect, it } from "vitest"
import {
  exactPairedPermutationTest,
  monteCarloPairedPermutationTest,
  pairedPermutationTest,
  type ScorePair,
} from "../src/PermutationTest.js"

const zip = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Array<ScorePair> =>
  a.map((x, i) => [x, b[i]!])

/** `wins` pairs where A is right and B wrong, `losses` the other way round, `ties` where both agree. */
const winsAndLosses = (wins: number, losses: number, ties = 0): Array<ScorePair> => [
  ...Array.from({ length: wins }, (): ScorePair => [1, 0]),
  ...Array.from({ length: losses }, (): ScorePair => [0, 1]),
  ...Array.from({ length: ties }, (_, i): ScorePair => [i % 2, i % 2]),
]

const binomial = (n: number, k: number) => {
  let c = 1
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
  return c
}

describe("exact paired permutation test", () => {
  it("matches a hand-enumerated 0/1 example", () => {
    // a = 1 1 1 0 1, b = 0 0 1 1 0 → d = +1 +1 0 -1 +1, observed sum 2.
    // The tie (d = 0) never changes the sum; the 4 other signs give sum = 2k - 4 for k positive signs.
    // |sum| ≥ 2 for k ∈ {0, 1, 3, 4}: C(4,0) + C(4,1) + C(4,3) + C(4,4) = 1 + 4 + 4 + 1 = 10 of 16.
    const result = exactPairedPermutationTest(zip([1, 1, 1, 0, 1], [0, 0, 1, 1, 0]))
    expect(result.pValue).toBe(10 / 16)
    expect(result).toMatchObject({ method: "exact", pairs: 5, permutations: 16, meanA: 0.8, meanB: 0.4 })
    expect(result.meanDifference).toBeCloseTo(0.4, 12)
  })

  it("matches a hand-enumerated example with unequal differences", () => {
    // d = 0.5, 0.3, 0.2: the 8 signed sums are ±1.0, ±0.6, ±0.4, ±0.0; only +++ and --- reach |1.0|: 2/8.
    expect(exactPairedPermutationTest(zip([0.5, 0.3, 0.2], [0, 0, 0])).pValue).toBe(0.25)
  })

  it("counts floating-point ties as ties", () => {
    // d = 0.1, 0.2, -0.3, 0.6, observed 0.6. With d4 positive the other three give 0.1s1 + 0.2s2 - 0.3s3
    // ∈ {0, .6, -.4, .2, -.2, .4, -.6, 0}; the sum reaches |0.6| when that part is ≥ 0: 5 ways, and 5
    // mirrored with d4 negative: 10/16. In floating point two of the ties come out as 0.5999999999999999.
    expect(exactPairedPermutationTest(zip([0.1, 0.2, 0, 0.6], [0, 0, 0.3, 0])).pValue).toBe(10 / 16)
  })

  it("gives the two-sided binomial tail for 0/1 scores", () => {
    // 12 wins, 4 losses: sum = 2k - 16, |sum| ≥ 8 ⇔ k ≥ 12 or k ≤ 4.
    // 2 × (C(16,12) + C(16,13) + C(16,14) + C(16,15) + C(16,16)) / 2^16 = 2 × 2517 / 65536.
    expect(exactPairedPermutationTest(winsAndLosses(12, 4)).pValue).toBe((2 * 2517) / 65536)
    // Every one of 8 pairs favours A: only the identity and the full flip are as extreme, 2/256.
    expect(exactPairedPermutationTest(winsAndLosses(8, 0, 5)).pValue).toBe(2 / 256)
  })

  it("gives p = 1 when the methods agree on every item", () => {
    expect(exactPairedPermutationTest(winsAndLosses(0, 0, 10)).pValue).toBe(1)
    expect(monteCarloPairedPermutationTest(winsAndLosses(0, 0, 10), { permutations: 99 }).pValue).toBe(1)
  })

  it("refuses to enumerate too many differing pairs", () => {
    expect(() => exactPairedPermutationTest(winsAndLosses(21, 0))).toThrow(RangeError)
  })
})

describe("Monte-Carlo paired permutation test", () => {
  it("agrees with the exact test", () => {
    const pairs = winsAndLosses(12, 4, 20)
    const exact = exactPairedPermutationTest(pairs).pValue
    const sampled = monteCarloPairedPermutationTest(pairs, { seed: 7 })
    expect(sampled.method).toBe("monte-carlo")
    expect(sampled.permutations).toBe(10_000)
    // Standard error of the estimate: sqrt(p(1 - p) / 10^4) ≈ 0.0027 at p ≈ 0.077; allow 4 of them.
    expect(Math.abs(sampled.pValue - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 10_000))

    const mixed = zip(
      [0.9, 0.4, 0.75, 0.2, 1, 0.6, 0.35, 0.8, 0.5, 0.7, 0.1, 0.95, 0.65, 0.3],
      [0.5, 0.45, 0.3, 0.25, 0.6, 0.1, 0.4, 0.55, 0.5, 0.2, 0.15, 0.5, 0.7, 0.35],
    )
    const exactMixed = exactPairedPermutationTest(mixed).pValue
    const sampledMixed = monteCarloPairedPermutationTest(mixed, { seed: 3 }).pValue
    expect(Math.abs(sampledMixed - exactMixed)).toBeLessThan(
      4 * Math.sqrt((exactMixed * (1 - exactMixed)) / 10_000),
    )
  })

  it("agrees with the binomial tail beyond the exact range", () => {
    // 26 wins, 14 losses of 40: p = 2 × P(Bin(40, 1/2) ≥ 26).
    let tail = 0
    for (let k = 26; k <= 40; k++) tail += binomial(40, k)
    const expected = (2 * tail) / 2 ** 40
    const result = pairedPermutationTest(winsAndLosses(26, 14, 300), { seed: 11 })
    expect(result.method).toBe("monte-carlo")
    expect(Math.abs(result.pValue - expected)).toBeLessThan(
      4 * Math.sqrt((expected * (1 - expected)) / 10_000),
    )

    // 300 wins, 240 losses: the sign flips span many 32-bit words. p = 2 × P(Bin(540, 1/2) ≥ 300) ≈ 0.011.
    let bigTail = 0
    for (let k = 300; k <= 540; k++) bigTail += binomial(540, k)
    const bigExpected = (2 * bigTail) / 2 ** 540
    const big = pairedPermutationTest(winsAndLosses(300, 240), { seed: 2 })
    expect(Math.abs(big.pValue - bigExpected)).toBeLessThan(
      4 * Math.sqrt((bigExpected * (1 - bigExpected)) / 10_000),
    )
  })

  it("adds one to numerator and denominator, so p is never 0", () => {
    // 30 of 30 pairs favour A: exact p = 2 / 2^30, so 999 random flips all but surely find none as extreme.
    const result = monteCarloPairedPermutationTest(winsAndLosses(30, 0), { permutations: 999, seed: 1 })
    expect(result.pValue).toBe(1 / 1000)
  })

  it("is reproducible from its seed", () => {
    const pairs = winsAndLosses(20, 10, 50)
    const a = monteCarloPairedPermutationTest(pairs, { seed: 5, permutations: 2000 })
    const b = monteCarloPairedPermutationTest(pairs, { seed: 5, permutations: 2000 })
    expect(a.pValue).toBe(b.pValue)
  })

  it("is chosen over exact enumeration only when more than exactUpTo pairs differ", () => {
    expect(pairedPermutationTest(winsAndLosses(10, 6, 100)).method).toBe("exact")
    expect(pairedPermutationTest(winsAndLosses(10, 7)).method).toBe("monte-carlo")
    expect(pairedPermutationTest(winsAndLosses(10, 6), { exactUpTo: 8 }).method).toBe("monte-carlo")
  })
})
