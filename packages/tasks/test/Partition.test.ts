import { describe, expect, it } from "vitest"
import { partitionIid } from "../src/Partition.js"

const items = Array.from({ length: 103 }, (_, i) => `item-${i}`)

describe("partitionIid", () => {
  it("splits into disjoint parts that cover every item, with sizes differing by at most one", () => {
    const parts = partitionIid(items, { parts: 8, seed: 1 })
    expect(parts).toHaveLength(8)
    const all = parts.flatMap((part) => [...part.train, ...part.holdout])
    expect(new Set(all).size).toBe(items.length)
    expect([...all].sort()).toEqual([...items].sort())
    const sizes = parts.map((part) => part.train.length + part.holdout.length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    expect(parts.every((part) => part.holdout.length === 0)).toBe(true)
  })

  it("is deterministic for a seed, shuffles, and differs across seeds", () => {
    const a = partitionIid(items, { parts: 4, seed: 7 })
    expect(partitionIid(items, { parts: 4, seed: 7 })).toEqual(a)
    expect(partitionIid(items, { parts: 4, seed: 8 })).not.toEqual(a)
    expect(a[0]!.train).not.toEqual(items.filter((_, i) => i % 4 === 0))
  })

  it("holds out a fraction of each part, disjoint from its training items", () => {
    const parts = partitionIid(items, { parts: 4, seed: 3, holdoutFraction: 0.25 })
    for (const part of parts) {
      const size = part.train.length + part.holdout.length
      expect(part.holdout.length).toBe(Math.floor(size * 0.25))
      expect(part.train.some((item) => part.holdout.includes(item))).toBe(false)
    }
    expect(new Set(parts.flatMap((part) => [...part.train, ...part.holdout])).size).toBe(items.length)
  })

  it("rejects nonsense options", () => {
    expect(() => partitionIid(items, { parts: 0, seed: 1 })).toThrow(RangeError)
    expect(() => partitionIid(items, { parts: 2, seed: 1, holdoutFraction: 1 })).toThrow(RangeError)
  })
})
