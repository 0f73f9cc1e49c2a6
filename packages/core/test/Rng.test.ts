import { describe, expect, it } from "vitest"
import { deriveSeed, makeRng } from "../src/Rng.js"

describe("Rng", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = makeRng(42)
    const b = makeRng(42)
    const c = makeRng(43)
    const xs = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs)
  })

  it("draws integers uniformly enough", () => {
    const rng = makeRng(1)
    const counts = [0, 0, 0, 0]
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]!++
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400)
  })

  it("shuffles into a permutation without touching the input", () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8]
    const out = makeRng(9).shuffle(input)
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect([...out].sort()).toEqual(input)
    expect(out).not.toEqual(input)
  })

  it("derives independent, order-sensitive child seeds", () => {
    expect(deriveSeed(7, "teacher", 1)).toBe(deriveSeed(7, "teacher", 1))
    expect(deriveSeed(7, "teacher", 1)).not.toBe(deriveSeed(7, 1, "teacher"))
    expect(makeRng(7).fork("a").next()).not.toBe(makeRng(7).fork("b").next())
  })
})
