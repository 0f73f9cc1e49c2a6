import type { Graph } from "./Graph.js"

/**
 * Hops from each node to its nearest source (breadth-first from all sources at once): 0 for a source, -1 for a
 * node no source reaches. O(n + m) time, one queue of n entries. A source outside 0..n-1 is a caller's defect.
 */
export const hopDistances = (graph: Graph, sources: ReadonlyArray<number> | Int32Array): Int32Array => {
  const { n, offsets, neighbors } = graph
  const distance = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  let tail = 0
  for (const source of sources) {
    if (!Number.isInteger(source) || source < 0 || source >= n) {
      throw new RangeError(`hop source ${source} is not a node of a graph of ${n} nodes`)
    }
    if (distance[source] === 0) continue
    distance[source] = 0
    queue[tail++] = source
  }
  for (let head = 0; head < tail; head++) {
    const node = queue[head]!
    const next = distance[node]! + 1
    const end = offsets[node + 1]!
    for (let e = offsets[node]!; e < end; e++) {
      const neighbor = neighbors[e]!
      if (distance[neighbor] !== -1) continue
      distance[neighbor] = next
      queue[tail++] = neighbor
    }
  }
  return distance
}
