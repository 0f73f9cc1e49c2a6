import { describe, expect, it } from "vitest"
import { makeMemory } from "../../src/agents/Memory.js"

/** Bits as the shard gives them: `seed:` texts are a seed's examples (1), `canary` texts the canary (2). */
const classify = (text: string) => (text.startsWith("seed:") ? 1 : 0) | (text.includes("canary") ? 2 : 0)
const never = () => {
  throw new Error("pick asked while the memory had room")
}

describe("Memory: eviction", () => {
  it("oldest: a full memory keeps the last `capacity` lessons, oldest first", () => {
    const memory = makeMemory(2, 3, "oldest", classify)
    for (const t of ["a", "b", "c", "d", "e"]) memory.add(0, t, 0, never)
    expect(memory.texts(0)).toEqual(["c", "d", "e"])
    expect(memory.count(0)).toBe(3)
    memory.add(0, "f", 0, never)
    memory.add(0, "g", 0, never)
    memory.add(0, "h", 0, never)
    expect(memory.texts(0)).toEqual(["f", "g", "h"])
    // The other agent's slots are untouched.
    expect(memory.texts(1)).toEqual([])
    expect(memory.count(1)).toBe(0)
  })

  it("oldest: before it is full, lessons are held in the order learned", () => {
    const memory = makeMemory(1, 4, "oldest", classify)
    memory.add(0, "x", 0, never)
    memory.add(0, "y", 0, never)
    expect(memory.texts(0)).toEqual(["x", "y"])
  })

  it("random: the slot `pick` gives is the one forgotten, asked with the capacity", () => {
    const memory = makeMemory(1, 3, "random", classify)
    for (const t of ["a", "b", "c"]) memory.add(0, t, 0, never)
    const asked: Array<number> = []
    memory.add(0, "d", 0, (slots) => {
      asked.push(slots)
      return 1
    })
    expect(asked).toEqual([3])
    expect(memory.texts(0)).toEqual(["a", "d", "c"])
    memory.add(0, "e", 0, () => 0)
    expect(memory.texts(0)).toEqual(["e", "d", "c"])
    memory.add(0, "f", 0, () => 2)
    expect(memory.texts(0)).toEqual(["e", "d", "f"])
  })

  it("lowest-scored: forgets the lowest score and refuses a newcomer scoring no higher", () => {
    const memory = makeMemory(1, 3, "lowest-scored", classify)
    memory.add(0, "a", -0.5, never)
    memory.add(0, "b", -2, never)
    memory.add(0, "c", -0.1, never)
    memory.add(0, "d", -1, never)
    // b (-2) was the lowest.
    expect(new Set(memory.texts(0))).toEqual(new Set(["a", "c", "d"]))
    // Lower than everything held (d is -1): refused; an equal score is refused too.
    memory.add(0, "e", -1.5, never)
    memory.add(0, "f", -1, never)
    expect(new Set(memory.texts(0))).toEqual(new Set(["a", "c", "d"]))
    memory.add(0, "g", 0, never)
    expect(new Set(memory.texts(0))).toEqual(new Set(["a", "c", "g"]))
  })

  it("lowest-scored: after many lessons it holds exactly the highest scores", () => {
    const memory = makeMemory(3, 5, "lowest-scored", classify)
    const scores = Array.from({ length: 60 }, (_, i) => Math.sin(i * 7.3) * 3)
    scores.forEach((s, i) => {
      memory.add(1, `t${i}`, s, never)
    })
    const best = scores
      .map((s, i) => ({ s, t: `t${i}` }))
      .sort((x, y) => y.s - x.s)
      .slice(0, 5)
      .map((x) => x.t)
    expect(new Set(memory.texts(1))).toEqual(new Set(best))
    expect(memory.count(0)).toBe(0)
    expect(memory.count(2)).toBe(0)
  })
})

describe("Memory: holding and counting", () => {
  it("holds is per agent, and one text is stored once however many hold it", () => {
    const memory = makeMemory(3, 2, "oldest", classify)
    memory.add(0, "shared", 0, never)
    memory.add(2, "shared", 0, never)
    memory.add(2, "own", 0, never)
    expect(memory.holds(0, "shared")).toBe(true)
    expect(memory.holds(1, "shared")).toBe(false)
    expect(memory.holds(2, "shared")).toBe(true)
    expect(memory.holds(0, "own")).toBe(false)
    expect(memory.holds(0, "never seen")).toBe(false)
    expect(memory.tableSize()).toBe(2)
    // An evicted text is no longer held (the table may still know it).
    memory.add(2, "third", 0, never)
    expect(memory.holds(2, "shared")).toBe(false)
    expect(memory.holds(0, "shared")).toBe(true)
  })

  it("countWith counts the held texts carrying a bit, each bit on its own", () => {
    const memory = makeMemory(2, 4, "oldest", classify)
    for (const t of ["seed:1", "seed:2", "plain", "canary code"]) memory.add(0, t, 0, never)
    memory.add(1, "seed: with canary", 0, never)
    expect(memory.countWith(0, 1)).toBe(2)
    expect(memory.countWith(0, 2)).toBe(1)
    expect(memory.countWith(0, 3)).toBe(3)
    expect(memory.countWith(1, 1)).toBe(1)
    expect(memory.countWith(1, 2)).toBe(1)
    // Evicting a seed text lowers the count.
    memory.add(0, "plain 2", 0, never)
    expect(memory.texts(0)).toEqual(["seed:2", "plain", "canary code", "plain 2"])
    expect(memory.countWith(0, 1)).toBe(1)
  })
})

describe("Memory: compact", () => {
  for (const eviction of ["oldest", "random", "lowest-scored"] as const) {
    it(`${eviction}: keeps every agent's texts, counts and bits while dropping stale texts`, () => {
      const size = 6
      const capacity = 3
      const memory = makeMemory(size, capacity, eviction, classify)
      let pick = 0
      // 3,000 distinct texts through 18 slots: the table far outgrows what is held.
      for (let i = 0; i < 3000; i++) {
        const text = i % 7 === 0 ? `seed:${i}` : i % 11 === 0 ? `canary ${i}` : `lesson ${i}`
        // Rising scores: every newcomer is admitted, whatever the policy.
        memory.add(i % size, text, i, (slots) => pick++ % slots)
      }
      const before = Array.from({ length: size }, (_, a) => ({
        texts: memory.texts(a),
        count: memory.count(a),
        seed: memory.countWith(a, 1),
        canary: memory.countWith(a, 2),
      }))
      expect(memory.tableSize()).toBe(3000)
      memory.compact()
      expect(memory.tableSize()).toBeLessThanOrEqual(size * capacity)
      const after = Array.from({ length: size }, (_, a) => ({
        texts: memory.texts(a),
        count: memory.count(a),
        seed: memory.countWith(a, 1),
        canary: memory.countWith(a, 2),
      }))
      expect(after).toEqual(before)
      expect(before.some((b) => b.seed > 0)).toBe(true)
      expect(before.some((b) => b.canary > 0)).toBe(true)
      // Lookups go through the rebuilt index: held texts are found, forgotten ones are not.
      for (let a = 0; a < size; a++) for (const t of before[a]!.texts) expect(memory.holds(a, t)).toBe(true)
      expect(memory.holds(0, "lesson 1")).toBe(false)
      // New and old texts are interned again after compaction, with their bits.
      memory.add(0, "seed:new", 10_000, () => 0)
      expect(memory.holds(0, "seed:new")).toBe(true)
      expect(memory.texts(0)).toContain("seed:new")
      expect(memory.countWith(0, 1)).toBe(memory.texts(0).filter((t) => t.startsWith("seed:")).length)
      expect(memory.tableSize()).toBeLessThanOrEqual(size * capacity + 1)
    })
  }

  it("is a no-op while the table is small", () => {
    const memory = makeMemory(2, 2, "oldest", classify)
    for (let i = 0; i < 50; i++) memory.add(i % 2, `t${i}`, 0, never)
    memory.compact()
    expect(memory.tableSize()).toBe(50)
    expect(memory.texts(0)).toEqual(["t46", "t48"])
    expect(memory.texts(1)).toEqual(["t47", "t49"])
  })
})
