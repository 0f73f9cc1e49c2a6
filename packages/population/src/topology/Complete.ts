import type { Graph } from "./Graph.js"

/** Most nodes of a complete graph: its n(n-1) row entries (1.6 GB at this size) grow with the square of n. */
export const MAX_COMPLETE_NODES = 20_000

/** Every node linked to every other: rows written directly, already sorted. */
export const completeGraph = (n: number): Graph => {
  const offsets = new Int32Array(n + 1)
  const neighbors = new Int32Array(n * (n - 1))
  let write = 0
  for (let i = 0; i < n; i++) {
    offsets[i] = write
    for (let j = 0; j < n; j++) if (j !== i) neighbors[write++] = j
  }
  offsets[n] = write
  return { n, offsets, neighbors }
}
