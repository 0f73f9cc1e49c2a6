import type { Rng } from "@lyceum/core"
import { graphFromEdges } from "./Csr.js"
import { EdgeSet } from "./EdgeSet.js"
import type { Graph } from "./Graph.js"
import { ringEdges } from "./Ring.js"

/**
 * Watts–Strogatz: a ring lattice of `degree`, then each lattice edge `(i, i + j)`, taken in order of `j` then
 * `i`, has its far end moved with probability `rewire` to a uniform node that is neither `i` nor already `i`'s
 * neighbour (no self loops, no repeated edges); a node already linked to every other keeps its edge.
 *
 * Only the rewired edges need a set: whether a lattice edge `(a, a + d)` still stands is read off the edge
 * list itself (its far end is unchanged), so memory stays O(n·k) and small at low `rewire`.
 */
export const smallWorldGraph = (n: number, degree: number, rewire: number, rng: Rng): Graph => {
  const half = degree / 2
  const edges = ringEdges(n, degree)
  const degrees = new Int32Array(n).fill(degree)
  const rewired = new EdgeSet(Math.ceil(n * half * rewire * 1.2) + 16)
  const latticeStands = (a: number, b: number): boolean => {
    const forward = (b - a + n) % n
    if (forward >= 1 && forward <= half) return edges.to(a * half + forward - 1) === b
    const backward = n - forward
    if (backward >= 1 && backward <= half) return edges.to(b * half + backward - 1) === a
    return false
  }
  for (let j = 1; j <= half; j++) {
    for (let i = 0; i < n; i++) {
      if (rng.next() >= rewire || degrees[i]! >= n - 1) continue
      let target = rng.int(n)
      while (target === i || latticeStands(i, target) || rewired.has(i, target)) target = rng.int(n)
      const edge = i * half + j - 1
      degrees[edges.to(edge)]!--
      degrees[target]!++
      edges.setTo(edge, target)
      rewired.add(i, target)
    }
  }
  return graphFromEdges(n, edges)
}
