import { undirectedSingleSourceLength } from "graphology-shortest-path/unweighted"
import { describe, expect, it } from "vitest"
import {
  degreeOf,
  degreeStats,
  edgeCount,
  type GeneratedTopology,
  type Graph,
  generateGraph,
  hasEdge,
  hopDistances,
  neighborsOf,
} from "../../src/topology/index.js"
import { meanClustering, toGraphology } from "./support.js"

const kinds: ReadonlyArray<GeneratedTopology> = [
  { kind: "ring", degree: 4 },
  { kind: "small-world", degree: 6, rewire: 0.1 },
  { kind: "small-world", degree: 4, rewire: 1 },
  { kind: "scale-free", degree: 4 },
  { kind: "random-regular", degree: 3 },
  { kind: "random-regular", degree: 8 },
  { kind: "complete" },
]

const label = (config: GeneratedTopology) => JSON.stringify(config)
const same = (a: Graph, b: Graph) =>
  a.n === b.n &&
  a.offsets.every((v, i) => v === b.offsets[i]) &&
  a.neighbors.length === b.neighbors.length &&
  a.neighbors.every((v, i) => v === b.neighbors[i])

describe("every generated topology, checked against graphology", () => {
  for (const config of kinds) {
    it(`${label(config)}: simple, symmetric, sorted rows; BFS hops equal graphology's`, () => {
      const n = 60
      const graph = generateGraph(config, n, 7)
      const g = toGraphology(graph) // throws on a self loop, a repeated or a one-sided edge
      expect(g.size).toBe(edgeCount(graph))
      for (let i = 0; i < n; i++) {
        expect(degreeOf(graph, i)).toBe(g.degree(String(i)))
        const row = Array.from(neighborsOf(graph, i))
        expect(row).toEqual([...row].sort((a, b) => a - b))
      }
      // Multi-source hops are the minimum over single-source BFS lengths (graphology's).
      const sources = [0, 17, 42]
      const lengths = sources.map((s) => undirectedSingleSourceLength(g, String(s)))
      const hops = hopDistances(graph, sources)
      for (let i = 0; i < n; i++) {
        const reached = lengths.map((l) => l[String(i)]).filter((d): d is number => d !== undefined)
        expect(hops[i]).toBe(reached.length === 0 ? -1 : Math.min(...reached))
      }
    })

    it(`${label(config)}: the same seed gives the same graph`, () => {
      expect(same(generateGraph(config, 200, 3), generateGraph(config, 200, 3))).toBe(true)
    })
  }

  it("different seeds give different random graphs; the ring and the complete graph ignore the seed", () => {
    for (const config of kinds) {
      const differ = !same(generateGraph(config, 200, 1), generateGraph(config, 200, 2))
      expect(differ, label(config)).toBe(config.kind !== "ring" && config.kind !== "complete")
    }
  })
})

describe("degree invariants", () => {
  it("ring: every degree exactly k, neighbours within k/2 on the circle", () => {
    const graph = generateGraph({ kind: "ring", degree: 6 }, 50, 0)
    expect(degreeStats(graph)).toEqual({ min: 6, max: 6, mean: 6 })
    expect(Array.from(neighborsOf(graph, 0))).toEqual([1, 2, 3, 47, 48, 49])
  })

  it("small-world: n·k/2 edges whatever the rewiring, every node keeps at least its k/2 own edges", () => {
    for (const rewire of [0, 0.1, 0.5, 1]) {
      const graph = generateGraph({ kind: "small-world", degree: 8, rewire }, 500, 5)
      expect(edgeCount(graph)).toBe(2000)
      expect(degreeStats(graph).min).toBeGreaterThanOrEqual(4)
    }
  })

  it("small-world: p = 0 is the ring lattice; nearly complete graphs still rewire without repeats", () => {
    const lattice = generateGraph({ kind: "ring", degree: 4 }, 30, 0)
    expect(same(generateGraph({ kind: "small-world", degree: 4, rewire: 0 }, 30, 9), lattice)).toBe(true)
    // degree n-2: many rewirings find their node already linked to all others and must keep their edge.
    const dense = generateGraph({ kind: "small-world", degree: 10, rewire: 1 }, 12, 4)
    toGraphology(dense)
    expect(edgeCount(dense)).toBe(60)
  })

  it("random-regular: every degree exactly d, also where the pairing needs its swap fallback", () => {
    for (const [n, d] of [
      [1000, 10],
      [11, 10],
      [10, 7],
      [2, 1],
      [9, 4],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const graph = generateGraph({ kind: "random-regular", degree: d }, n, seed)
        toGraphology(graph)
        expect(degreeStats(graph), `n=${n} d=${d}`).toEqual({ min: d, max: d, mean: d })
      }
    }
  })

  it("scale-free: m(m+1)/2 + (n-m-1)·m edges, min degree m, mean near k, a heavy tail of hubs", () => {
    const n = 5000
    const graph = generateGraph({ kind: "scale-free", degree: 6 }, n, 11)
    expect(edgeCount(graph)).toBe(6 + (n - 4) * 3)
    const stats = degreeStats(graph)
    expect(stats.min).toBe(3)
    expect(stats.mean).toBeCloseTo(6, 1)
    // A Poisson graph of mean 6 on 5000 nodes has no node above ~20; BA hubs reach about m·sqrt(n) ≈ 200.
    expect(stats.max).toBeGreaterThan(60)
    const regular = generateGraph({ kind: "random-regular", degree: 6 }, n, 11)
    expect(degreeStats(regular).max).toBe(6)
  })

  it("complete: n-1 neighbours each", () => {
    expect(degreeStats(generateGraph({ kind: "complete" }, 40, 0))).toEqual({ min: 39, max: 39, mean: 39 })
  })
})

describe("structure", () => {
  it("Watts–Strogatz: clustering near the lattice's 3(k-2)/(4(k-1)) at p=0, close to random (k/n) at p=1", () => {
    const n = 2000
    const k = 10
    const c = (rewire: number) =>
      meanClustering(toGraphology(generateGraph({ kind: "small-world", degree: k, rewire }, n, 1)))
    const lattice = c(0)
    expect(lattice).toBeCloseTo((3 * (k - 2)) / (4 * (k - 1)), 5)
    expect(c(0.1)).toBeGreaterThan(0.4) // small world: still clustered
    const random = c(1)
    expect(random).toBeLessThan(0.02) // random graph: ~k/n = 0.005
    expect(lattice / random).toBeGreaterThan(30)
  })

  it("Watts–Strogatz: a little rewiring shrinks the hops across the ring", () => {
    const n = 2000
    const far = (rewire: number) =>
      Math.max(...hopDistances(generateGraph({ kind: "small-world", degree: 10, rewire }, n, 1), [0]))
    expect(far(0)).toBe(200) // n/2 over k/2 hops a step
    expect(far(0.1)).toBeLessThan(15)
  })

  it("hops: -1 where no source reaches, 0 at every source, repeated sources counted once", () => {
    const graph = generateGraph({ kind: "ring", degree: 2 }, 10, 0)
    expect(Array.from(hopDistances(graph, [0, 0, 5]))).toEqual([0, 1, 2, 2, 1, 0, 1, 2, 2, 1])
    expect(Array.from(hopDistances(graph, []))).toEqual(Array(10).fill(-1))
    expect(() => hopDistances(graph, [10])).toThrow(/not a node/)
    expect(hasEdge(graph, 0, 9)).toBe(true)
    expect(hasEdge(graph, 0, 2)).toBe(false)
  })
})
