import type { Rng } from "@lyceum/core"
import { graphFromEdges } from "./Csr.js"
import { EdgeBuffer } from "./EdgeBuffer.js"
import type { Graph } from "./Graph.js"

const amongFirst = (values: Int32Array, count: number, value: number): boolean => {
  for (let i = 0; i < count; i++) if (values[i] === value) return true
  return false
}

/**
 * Barabási–Albert: a clique of `m + 1` nodes (`m = degree / 2`), then each later node links to `m` distinct
 * earlier nodes drawn with probability proportional to their degree. The draw is uniform over a list holding
 * every edge's two endpoints, so a node of degree d appears d times: O(1) per draw, O(n·m) memory.
 * Mean degree tends to `degree`; the degree distribution has a power-law tail (exponent 3).
 */
export const scaleFreeGraph = (n: number, degree: number, rng: Rng): Graph => {
  const m = degree / 2
  const seedNodes = Math.min(n, m + 1)
  const edgeTotal = (seedNodes * (seedNodes - 1)) / 2 + Math.max(0, n - seedNodes) * m
  const edges = new EdgeBuffer(edgeTotal)
  const endpoints = new Int32Array(2 * edgeTotal)
  let ends = 0
  const link = (a: number, b: number) => {
    edges.push(a, b)
    endpoints[ends++] = a
    endpoints[ends++] = b
  }
  for (let a = 0; a < seedNodes; a++) {
    for (let b = a + 1; b < seedNodes; b++) link(a, b)
  }
  const chosen = new Int32Array(m)
  for (let node = seedNodes; node < n; node++) {
    // Draw from the endpoints as they stood before this node: its own new edges do not attract it.
    const pool = ends
    for (let c = 0; c < m; c++) {
      let target = endpoints[rng.int(pool)]!
      while (amongFirst(chosen, c, target)) target = endpoints[rng.int(pool)]!
      chosen[c] = target
    }
    for (let c = 0; c < m; c++) link(node, chosen[c]!)
  }
  return graphFromEdges(n, edges)
}
