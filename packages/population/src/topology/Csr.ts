import type { EdgeBuffer } from "./EdgeBuffer.js"
import type { Graph } from "./Graph.js"

// Rows are short (about the degree): insertion sort beats creating a million subarray views to sort.
export const sortRow = (values: Int32Array, start: number, end: number): void => {
  if (end - start > 32) {
    values.subarray(start, end).sort()
    return
  }
  for (let i = start + 1; i < end; i++) {
    const value = values[i]!
    let j = i - 1
    while (j >= start && values[j]! > value) {
      values[j + 1] = values[j]!
      j--
    }
    values[j + 1] = value
  }
}

/**
 * The CSR graph of `n` nodes and the buffer's undirected edges: each edge in both rows, rows sorted, repeated
 * edges merged. Self loops must not be in the buffer (every caller refuses or never makes them). O(n + m) memory
 * beyond the result, O(m log k) time.
 */
export const graphFromEdges = (n: number, edges: EdgeBuffer): Graph => {
  const offsets = new Int32Array(n + 1)
  for (let e = 0; e < edges.length; e++) {
    offsets[edges.from(e) + 1]!++
    offsets[edges.to(e) + 1]!++
  }
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!
  const neighbors = new Int32Array(offsets[n]!)
  const cursor = offsets.slice(0, n)
  for (let e = 0; e < edges.length; e++) {
    const a = edges.from(e)
    const b = edges.to(e)
    neighbors[cursor[a]!++] = b
    neighbors[cursor[b]!++] = a
  }
  // Sort each row, then squeeze out repeats in place (rows only move left, so one pass suffices).
  let write = 0
  let rowStart = 0
  for (let i = 0; i < n; i++) {
    const rowEnd = offsets[i + 1]!
    sortRow(neighbors, rowStart, rowEnd)
    offsets[i] = write
    for (let r = rowStart; r < rowEnd; r++) {
      const value = neighbors[r]!
      if (r === rowStart || value !== neighbors[r - 1]!) neighbors[write++] = value
    }
    rowStart = rowEnd
  }
  offsets[n] = write
  return { n, offsets, neighbors: write === neighbors.length ? neighbors : neighbors.slice(0, write) }
}
