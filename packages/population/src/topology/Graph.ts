/**
 * An undirected simple graph in compressed sparse row (CSR) form: the neighbours of node `i`, ascending, are
 * `neighbors[offsets[i] .. offsets[i + 1])`, and every edge appears in both of its endpoints' rows.
 *
 * Two typed arrays rather than an object per node and edge (graphology's shape): at a million agents of degree
 * 10 this is ~44 MB, where an object graph needs gigabytes (figures in the package README).
 */
export interface Graph {
  readonly n: number
  /** `n + 1` row starts; `offsets[n]` is twice the number of edges. */
  readonly offsets: Int32Array
  readonly neighbors: Int32Array
}

/** The neighbours of `node`, ascending (a view, not a copy). */
export const neighborsOf = (graph: Graph, node: number): Int32Array =>
  graph.neighbors.subarray(graph.offsets[node]!, graph.offsets[node + 1]!)

export const degreeOf = (graph: Graph, node: number): number =>
  graph.offsets[node + 1]! - graph.offsets[node]!

export const edgeCount = (graph: Graph): number => graph.neighbors.length / 2

/** Whether `a` and `b` are linked (binary search of `a`'s sorted row). */
export const hasEdge = (graph: Graph, a: number, b: number): boolean => {
  let lo = graph.offsets[a]!
  let hi = graph.offsets[a + 1]! - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const value = graph.neighbors[mid]!
    if (value === b) return true
    if (value < b) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

export interface DegreeStats {
  readonly min: number
  readonly max: number
  readonly mean: number
}

/** Smallest, largest and mean degree (all 0 for an empty graph). */
export const degreeStats = (graph: Graph): DegreeStats => {
  if (graph.n === 0) return { min: 0, max: 0, mean: 0 }
  let min = Number.POSITIVE_INFINITY
  let max = 0
  for (let i = 0; i < graph.n; i++) {
    const degree = graph.offsets[i + 1]! - graph.offsets[i]!
    if (degree < min) min = degree
    if (degree > max) max = degree
  }
  return { min, max, mean: graph.neighbors.length / graph.n }
}
