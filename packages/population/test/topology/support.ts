import { UndirectedGraph } from "graphology"
import type { Graph } from "../../src/topology/index.js"

/**
 * The same graph in graphology, built edge by edge from the CSR rows. graphology's simple undirected graph
 * throws on a self loop or a repeated edge, and each edge must be found from both ends with the same count,
 * so building it checks the CSR's symmetry and simplicity independently of our own code.
 */
export const toGraphology = (graph: Graph): UndirectedGraph => {
  const g = new UndirectedGraph({ allowSelfLoops: false, multi: false })
  for (let i = 0; i < graph.n; i++) g.addNode(String(i))
  for (let i = 0; i < graph.n; i++) {
    for (let e = graph.offsets[i]!; e < graph.offsets[i + 1]!; e++) {
      const j = graph.neighbors[e]!
      if (i < j) g.addEdge(String(i), String(j))
      else if (!g.hasEdge(String(j), String(i))) throw new Error(`edge ${i}-${j} is in ${i}'s row only`)
    }
  }
  return g
}

/** Mean local clustering coefficient, computed naively over graphology's adjacency (no clustering in graphology-metrics). */
export const meanClustering = (g: UndirectedGraph): number => {
  let total = 0
  g.forEachNode((node) => {
    const around = g.neighbors(node)
    const k = around.length
    if (k < 2) return
    let links = 0
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) if (g.hasEdge(around[a]!, around[b]!)) links++
    }
    total += (2 * links) / (k * (k - 1))
  })
  return total / g.order
}
