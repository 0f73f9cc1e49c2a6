import { describe, expect, it } from "vitest"
import { dealAgents, hostingProblems } from "../src/Deal.js"

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe("dealAgents", () => {
  it("deals one agent at a time, role by role, starting at the given worker", () => {
    const shares = dealAgents({ teacher: [0, 1, 2], student: [0, 1] }, 2, 1)
    expect(shares.map((s) => Object.fromEntries(s))).toEqual([
      { teacher: [1], student: [0] },
      { teacher: [0, 2], student: [1] },
    ])
    // More workers than agents: the last ones get nothing.
    expect(dealAgents({ judge: [0] }, 3, 0).map((s) => s.size)).toEqual([1, 0, 0])
  })

  // Each share used to be copied for every agent dealt to it: 300,000 agents over 2 workers were ~2·10^10
  // element copies (minutes); linear, it is a few milliseconds.
  it("deals a million agents in well under a second", () => {
    const started = performance.now()
    const shares = dealAgents({ shard: range(1_000_000) }, 3, 0)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(shares.map((s) => s.get("shard")!.length)).toEqual([333_334, 333_333, 333_333])
    expect(shares[1]!.get("shard")!.slice(0, 3)).toEqual([1, 4, 7])
  })
})

describe("hostingProblems", () => {
  it("names agents the cohort lacks and agents named twice, role and 1-based index", () => {
    expect(
      hostingProblems(
        { teacher: [0, 5, 0], judge: [0], student: [1, 1, 1] },
        { teacher: [0, 1], student: [0, 1] },
      ),
    ).toEqual({ strangers: ["teacher 6", "judge 1"], twice: ["teacher 1", "student 2", "student 2"] })
    expect(hostingProblems({ shard: [2, 0] }, { shard: [0, 1, 2] })).toEqual({ strangers: [], twice: [] })
  })

  // A search of the cohort's list for each index named was 200,000 × 200,000 steps; with sets it is linear.
  it("checks a request for 200,000 agents in well under a second", () => {
    const all = range(200_000)
    const started = performance.now()
    expect(hostingProblems({ shard: all }, { shard: all })).toEqual({ strangers: [], twice: [] })
    expect(performance.now() - started).toBeLessThan(1_000)
  })
})
