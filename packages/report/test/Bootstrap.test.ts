import { describe, expect, it } from "vitest"
import { bootstrapMeanInterval } from "../src/Bootstrap.js"
import { quantile } from "../src/Statistics.js"

describe("quantile", () => {
  it("interpolates between order statistics at p × (n - 1)", () => {
    const sorted = [1, 2, 3, 4]
    expect(quantile(sorted, 0)).toBe(1)
    expect(quantile(sorted, 1)).toBe(4)
    // position 1.5: halfway between 2 and 3
    expect(quantile(sorted, 0.5)).toBe(2.5)
    // position 0.25 × 3 = 0.75: 1 + 0.75 × (2 - 1)
    expect(quantile(sorted, 0.25)).toBe(1.75)
    expect(quantile([], 0.5)).toBeNaN()
  })
})

describe("bootstrap interval of a mean", () => {
  it("spans the whole range for two values", () => {
    // Resampling {0, 1} twice gives mean 0 (1/4), 0.5 (1/2) or 1 (1/4): the 2.5% and 97.5% quantiles are
    // 0 and 1 (a quarter of 10^4 resamples sit at each end).
    expect(bootstrapMeanInterval([0, 1])).toEqual({ mean: 0.5, lower: 0, upper: 1, confidence: 0.95 })
  })

  it("collapses for constant values", () => {
    expect(bootstrapMeanInterval([2, 2, 2], { resamples: 100 })).toMatchObject({ lower: 2, upper: 2 })
  })

  it("is about mean ± 1.96 standard errors for many 0/1 scores", () => {
    // 50 of 100 correct: bootstrap sd of the mean = sqrt(0.25 / 100) = 0.05, so about 0.5 ± 0.098.
    const values = Array.from({ length: 100 }, (_, i) => i % 2)
    const interval = bootstrapMeanInterval(values, { seed: 3 })
    expect(interval.mean).toBe(0.5)
    expect(Math.abs(interval.lower - 0.402)).toBeLessThan(0.015)
    expect(Math.abs(interval.upper - 0.598)).toBeLessThan(0.015)
    const narrower = bootstrapMeanInterval(values, { seed: 3, confidence: 0.5 })
    expect(narrower.lower).toBeGreaterThan(interval.lower)
    expect(narrower.upper).toBeLessThan(interval.upper)
  })

  it("is reproducible from its seed", () => {
    const values = [0.2, 0.9, 0.4, 0.55, 0.1, 0.8]
    expect(bootstrapMeanInterval(values, { seed: 9 })).toEqual(bootstrapMeanInterval(values, { seed: 9 }))
  })

  it("gives NaN bounds for no values", () => {
    expect(bootstrapMeanInterval([]).lower).toBeNaN()
  })
})
