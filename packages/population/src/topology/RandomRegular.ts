import type { Rng } from "@lyceum/core"
import { sortRow } from "./Csr.js"
import type { Graph } from "./Graph.js"

// Consecutive unsuitable draws (a self loop or an existing edge) after which the pair is joined by a swap.
const REDRAWS = 50
// Failed swap attempts after which the whole pairing starts again (only tiny, nearly complete graphs get here).
const SWAP_TRIES = 10_000
const RESTARTS = 100

/**
 * A uniform-ish random `degree`-regular simple graph (pairing model, as Steger–Wormald): free stubs are paired
 * at random, a pair that would make a self loop or a repeated edge is drawn again, and a pair still unsuitable
 * after a few draws is joined by a degree-preserving swap with a random edge `(x, y)` -> `(u, x), (v, y)`.
 * Rows are filled in place (`n * degree` slots, every row exactly `degree` long), so memory is O(n·d) and the
 * adjacency test is a scan of at most `degree` entries. Needs `n * degree` even and `degree < n`.
 */
export const randomRegularGraph = (n: number, degree: number, rng: Rng): Graph => {
  for (let attempt = 0; attempt < RESTARTS; attempt++) {
    const graph = tryPairing(n, degree, rng)
    if (graph !== undefined) return graph
  }
  throw new Error(`no ${degree}-regular graph on ${n} nodes found after ${RESTARTS} attempts`)
}

const tryPairing = (n: number, degree: number, rng: Rng): Graph | undefined => {
  const rows = new Int32Array(n * degree)
  const fill = new Int32Array(n)
  const adjacent = (a: number, b: number): boolean => {
    const start = a * degree
    const end = start + fill[a]!
    for (let s = start; s < end; s++) if (rows[s] === b) return true
    return false
  }
  const link = (a: number, b: number) => {
    rows[a * degree + fill[a]!++] = b
    rows[b * degree + fill[b]!++] = a
  }
  const unlink = (a: number, b: number) => {
    const start = a * degree
    const last = start + --fill[a]!
    for (let s = start; s <= last; s++) {
      if (rows[s] === b) {
        rows[s] = rows[last]!
        return
      }
    }
  }
  // Joins stubs of u and v (possibly u === v) by breaking a random edge (x, y) elsewhere.
  const swapIn = (u: number, v: number): boolean => {
    for (let t = 0; t < SWAP_TRIES; t++) {
      const x = rng.int(n)
      if (fill[x] === 0) continue
      const y = rows[x * degree + rng.int(fill[x]!)]!
      if (x === u || x === v || y === u || y === v) continue
      if (adjacent(u, x) || adjacent(v, y)) continue
      unlink(x, y)
      unlink(y, x)
      link(u, x)
      link(v, y)
      return true
    }
    return false
  }
  const stubs = new Int32Array(n * degree)
  for (let s = 0; s < stubs.length; s++) stubs[s] = Math.floor(s / degree)
  let free = stubs.length
  // Removes free stubs i and j (i !== j) by moving the last free stubs into their places.
  const take = (i: number, j: number) => {
    const [high, low] = i > j ? [i, j] : [j, i]
    stubs[high] = stubs[--free]!
    stubs[low] = stubs[--free]!
  }
  while (free > 0) {
    let i = 0
    let j = 0
    let suitable = false
    for (let draw = 0; draw < REDRAWS && !suitable; draw++) {
      i = rng.int(free)
      j = rng.int(free - 1)
      if (j >= i) j++
      suitable = stubs[i] !== stubs[j] && !adjacent(stubs[i]!, stubs[j]!)
    }
    const u = stubs[i]!
    const v = stubs[j]!
    if (suitable) link(u, v)
    else if (!swapIn(u, v)) return undefined
    take(i, j)
  }
  for (let i = 0; i < n; i++) sortRow(rows, i * degree, (i + 1) * degree)
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * degree
  return { n, offsets, neighbors: rows }
}
