import { describe, expect, it } from "vitest"
import {
  accuracyByCulture,
  accuracyByCultureAndTopic,
  accuracyByTopic,
  culturalGap,
  type ProbeLookup,
  unknownOutcomes,
} from "../src/cultural/ProbeMetrics.js"

const meta: Record<string, { culture: string; topic: string }> = {
  a: { culture: "us", topic: "currency" },
  b: { culture: "us", topic: "driving side" },
  c: { culture: "kenya", topic: "currency" },
  d: { culture: "kenya", topic: "currency" },
  e: { culture: "kenya", topic: "driving side" },
  f: { culture: "japan", topic: "driving side" },
}
const lookup: ProbeLookup = (id) => meta[id]
const outcomes = [
  { itemId: "a", correct: true },
  { itemId: "b", correct: true },
  { itemId: "c", correct: true },
  { itemId: "d", correct: false },
  { itemId: "e", correct: false },
  { itemId: "f", correct: false },
  { itemId: "zzz", correct: true },
]

describe("probe metrics", () => {
  it("computes accuracy per culture, sorted, ignoring unknown items", () => {
    expect(accuracyByCulture(outcomes, lookup)).toEqual([
      { culture: "japan", correct: 0, n: 1, accuracy: 0 },
      { culture: "kenya", correct: 1, n: 3, accuracy: 1 / 3 },
      { culture: "us", correct: 2, n: 2, accuracy: 1 },
    ])
    expect(unknownOutcomes(outcomes, lookup)).toEqual([{ itemId: "zzz", correct: true }])
  })

  it("computes accuracy per topic and per (culture, topic)", () => {
    expect(accuracyByTopic(outcomes, lookup)).toEqual([
      { topic: "currency", correct: 2, n: 3, accuracy: 2 / 3 },
      { topic: "driving side", correct: 1, n: 3, accuracy: 1 / 3 },
    ])
    expect(accuracyByCultureAndTopic(outcomes, lookup)).toEqual([
      { culture: "japan", topic: "driving side", correct: 0, n: 1, accuracy: 0 },
      { culture: "kenya", topic: "currency", correct: 1, n: 2, accuracy: 0.5 },
      { culture: "kenya", topic: "driving side", correct: 0, n: 1, accuracy: 0 },
      { culture: "us", topic: "currency", correct: 1, n: 1, accuracy: 1 },
      { culture: "us", topic: "driving side", correct: 1, n: 1, accuracy: 1 },
    ])
  })

  it("measures the cultural gap: best minus worst, and each culture against the best", () => {
    const gap = culturalGap(accuracyByCulture(outcomes, lookup))!
    expect(gap.best.culture).toBe("us")
    expect(gap.worst.culture).toBe("japan")
    expect(gap.gap).toBe(1)
    expect(gap.behindBest).toEqual([
      { culture: "japan", accuracy: 0, gap: 1 },
      { culture: "kenya", accuracy: 1 / 3, gap: 1 - 1 / 3 },
      { culture: "us", accuracy: 1, gap: 0 },
    ])
    expect(culturalGap([])).toBeUndefined()
    const even = culturalGap(
      accuracyByCulture(
        [
          { itemId: "a", correct: true },
          { itemId: "c", correct: true },
        ],
        lookup,
      ),
    )!
    expect(even.gap).toBe(0)
    expect(even.best.culture).toBe("kenya")
  })
})
