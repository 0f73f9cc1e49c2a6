import { describe, expect, it } from "vitest"
import { budgetLeft, nothingSpent } from "../src/RunModels.js"

describe("budgetLeft", () => {
  it("takes what a resumed run spent off each limit it has, and leaves missing limits missing", () => {
    expect(budgetLeft(undefined, { tokens: 5, costUsd: 1 })).toBeUndefined()
    expect(budgetLeft({ maxTokens: 100 }, nothingSpent)).toEqual({ maxTokens: 100 })
    expect(budgetLeft({ maxTokens: 100, maxCostUsd: 2 }, { tokens: 30, costUsd: 0.5 })).toEqual({
      maxTokens: 70,
      maxCostUsd: 1.5,
    })
    // Spent already: the smallest budget left, so the first call stops the run (resume refuses before that).
    expect(budgetLeft({ maxCostUsd: 1 }, { tokens: 0, costUsd: 3 })!.maxCostUsd).toBeLessThan(1e-6)
  })
})
