import { graphFromEdges } from "./Csr.js"
import { EdgeBuffer } from "./EdgeBuffer.js"
import type { Graph } from "./Graph.js"

/**
 * The ring lattice's edges: node `i` linked to `i + 1 .. i + degree/2` (mod n). Edge `i * (degree/2) + (j - 1)`
 * joins `i` and `i + j`, an order the Watts–Strogatz rewiring relies on. Needs `degree` even and `< n`.
 */
export const ringEdges = (n: number, degree: number): EdgeBuffer => {
  const half = degree / 2
  const edges = new EdgeBuffer(n * half)
  for (let i = 0; i < n; i++) {
    for (let j = 1; j <= half; j++) edges.push(i, (i + j) % n)
  }
  return edges
}

/** A ring lattice: every node linked to its `degree/2` nearest neighbours on each side. */
export const ringGraph = (n: number, degree: number): Graph => graphFromEdges(n, ringEdges(n, degree))
