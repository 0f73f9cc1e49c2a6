import { describe, expect, it } from "vitest"
import { drawPairs, type Pairs } from "../../src/kind/Pairs.js"
import { degreeOf, type Graph, generateGraph, hasEdge } from "../../src/topology/index.js"

/** Each learner's teachers, in pair order. */
const byLearner = (pairs: Pairs) => {
  const out = new Map<number, Array<number>>()
  for (let p = 0; p < pairs.length; p++) {
    const list = out.get(pairs.learners[p]!) ?? []
    list.push(pairs.teachers[p]!)
    out.set(pairs.learners[p]!, list)
  }
  return out
}

/** Learners ascending, every teacher a neighbour, `min(k, degree)` distinct teachers per learner: what is not. */
const problems = (graph: Graph, pairs: Pairs, k: number): Array<string> => {
  const out: Array<string> = []
  if (pairs.learners.length !== pairs.length || pairs.teachers.length !== pairs.length) out.push("lengths")
  for (let p = 1; p < pairs.length; p++)
    if (pairs.learners[p]! < pairs.learners[p - 1]!) out.push(`learners descend at pair ${p}`)
  for (const [learner, teachers] of byLearner(pairs)) {
    for (const t of teachers)
      if (!hasEdge(graph, learner, t)) out.push(`${t} is not a neighbour of ${learner}`)
    if (new Set(teachers).size !== teachers.length) out.push(`${learner} asks a neighbour twice`)
    if (teachers.length !== Math.min(k, degreeOf(graph, learner)))
      out.push(`${learner} asks ${teachers.length} of its ${degreeOf(graph, learner)} neighbours (k = ${k})`)
  }
  return out.slice(0, 5)
}
const expectWellFormed = (graph: Graph, pairs: Pairs, k: number) =>
  expect(problems(graph, pairs, k)).toEqual([])

// Scale-free with m = 2: degrees from 2 up to dozens, so some agents have fewer neighbours than k and some more.
const scaleFree = generateGraph({ kind: "scale-free", degree: 4 }, 2000, 7)

describe("drawPairs", () => {
  it("with fraction 1 every agent learns from min(k, degree) distinct neighbours, learners ascending", () => {
    for (const k of [1, 2, 3, 5]) {
      const pairs = drawPairs(scaleFree, 1, k, 11)
      expectWellFormed(scaleFree, pairs, k)
      expect(byLearner(pairs).size).toBe(scaleFree.n)
    }
    const degrees = Array.from({ length: scaleFree.n }, (_, a) => degreeOf(scaleFree, a))
    // The graph really has both kinds of agent for k = 3.
    expect(degrees.some((d) => d <= 3)).toBe(true)
    expect(degrees.some((d) => d > 10)).toBe(true)
  })

  it("an agent with fewer neighbours than k asks all of them", () => {
    const pairs = drawPairs(scaleFree, 1, 64, 3)
    for (const [learner, teachers] of byLearner(pairs)) {
      const neighbours = Array.from(
        scaleFree.neighbors.subarray(scaleFree.offsets[learner]!, scaleFree.offsets[learner + 1]!),
      )
      if (neighbours.length <= 64) expect([...teachers].sort((a, b) => a - b)).toEqual(neighbours)
    }
  })

  it("draws among all neighbours, not the first k (k = 1 and k = 2 on a ring of degree 6)", () => {
    const ring = generateGraph({ kind: "ring", degree: 6 }, 50, 1)
    for (const k of [1, 2]) {
      const seen = new Set<number>()
      for (let seed = 0; seed < 200; seed++)
        for (const t of byLearner(drawPairs(ring, 1, k, seed)).get(10)!) seen.add(t)
      expect([...seen].sort((a, b) => a - b)).toEqual([7, 8, 9, 11, 12, 13])
    }
  })

  it("a share `fraction` of agents learns (within 5 standard errors)", () => {
    const ring = generateGraph({ kind: "ring", degree: 4 }, 20_000, 1)
    for (const fraction of [0.1, 0.5, 0.9]) {
      const pairs = drawPairs(ring, fraction, 2, 5)
      expectWellFormed(ring, pairs, 2)
      const share = byLearner(pairs).size / ring.n
      const se = Math.sqrt((fraction * (1 - fraction)) / ring.n)
      expect(Math.abs(share - fraction)).toBeLessThan(5 * se)
    }
  })

  it("is determined by its seed", () => {
    const a = drawPairs(scaleFree, 0.5, 3, 42)
    const b = drawPairs(scaleFree, 0.5, 3, 42)
    expect(Array.from(b.learners)).toEqual(Array.from(a.learners))
    expect(Array.from(b.teachers)).toEqual(Array.from(a.teachers))
    const c = drawPairs(scaleFree, 0.5, 3, 43)
    expect(Array.from(c.learners)).not.toEqual(Array.from(a.learners))
    const d = drawPairs(scaleFree, 1, 1, 42)
    const e = drawPairs(scaleFree, 1, 1, 43)
    expect(Array.from(d.learners)).toEqual(Array.from(e.learners))
    expect(Array.from(e.teachers)).not.toEqual(Array.from(d.teachers))
  })

  it("an agent without neighbours never learns", () => {
    // 0 - 1, 2 isolated, 3 - 1.
    const graph: Graph = {
      n: 4,
      offsets: Int32Array.from([0, 1, 3, 3, 4]),
      neighbors: Int32Array.from([1, 0, 3, 1]),
    }
    const pairs = drawPairs(graph, 1, 2, 9)
    expectWellFormed(graph, pairs, 2)
    expect([...byLearner(pairs).keys()]).toEqual([0, 1, 3])
    expect(byLearner(pairs).get(1)!.sort()).toEqual([0, 3])
  })
})
