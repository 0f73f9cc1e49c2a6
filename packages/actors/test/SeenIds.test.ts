import { describe, expect, it } from "@effect/vitest"
import { SeenIds } from "../src/index.js"

describe("SeenIds", () => {
  it("remembers ids with their values and forgets the oldest beyond capacity", () => {
    const seen = new SeenIds<number>(2)
    seen.remember("a", 1)
    seen.remember("b", 2)
    expect(seen.get("a")).toBe(1)
    seen.remember("c", 3)
    expect(seen.has("a")).toBe(false)
    expect(seen.has("b") && seen.has("c")).toBe(true)
    expect(seen.size).toBe(2)
  })

  it("rejects a capacity below one", () => {
    expect(() => new SeenIds(0)).toThrow(RangeError)
  })
})
