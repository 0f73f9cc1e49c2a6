import { makeRng } from "@lyceum/core"
import { sampleDistinct } from "../agents/Holdings.js"
import type { Graph } from "../topology/index.js"

/** Who asks whom this round: `learners[p]` asks `teachers[p]`, learners ascending. */
export interface Pairs {
  readonly learners: Int32Array
  readonly teachers: Int32Array
  readonly length: number
}

/**
 * Each agent learns with probability `fraction` and asks `k` distinct neighbours (all of them when it has
 * fewer), drawn from one stream in agent order: O(N·k), the same wherever the agents live.
 */
export const drawPairs = (graph: Graph, fraction: number, k: number, seed: number): Pairs => {
  const rng = makeRng(seed)
  const capacity = graph.n * k
  const learners = new Int32Array(capacity)
  const teachers = new Int32Array(capacity)
  let length = 0
  for (let a = 0; a < graph.n; a++) {
    if (fraction < 1 && rng.next() >= fraction) continue
    const start = graph.offsets[a]!
    const degree = graph.offsets[a + 1]! - start
    if (degree === 0) continue
    if (k === 1) {
      learners[length] = a
      teachers[length++] = graph.neighbors[start + rng.int(degree)]!
    } else {
      const picks = degree <= k ? Array.from({ length: degree }, (_, i) => i) : sampleDistinct(degree, k, rng)
      for (const pick of picks) {
        learners[length] = a
        teachers[length++] = graph.neighbors[start + pick]!
      }
    }
  }
  return { learners: learners.subarray(0, length), teachers: teachers.subarray(0, length), length }
}
