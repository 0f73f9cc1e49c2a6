import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { graphFromEdges } from "./Csr.js"
import { EdgeBuffer } from "./EdgeBuffer.js"
import { EdgeListError } from "./EdgeListError.js"
import type { Graph } from "./Graph.js"

const INDEX = /^\d+$/

const preview = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}...` : text)

/**
 * Parses an edge list: one `a b` pair of 0-based agent indexes per line, separated by whitespace; `#` starts a
 * comment; blank lines are skipped; `a b` and `b a` or a repeated pair are one edge. Any other line is an
 * error naming `file:line`: not two numbers, an index outside 0..n-1, or a self loop.
 */
export const parseEdgeList = (file: string, text: string, n: number): Effect.Effect<Graph, EdgeListError> =>
  Effect.suspend(() => {
    const edges = new EdgeBuffer()
    let start = 0
    let lineNo = 0
    const fail = (message: string) =>
      Effect.fail(new EdgeListError({ file, line: lineNo, message: `${file}:${lineNo}: ${message}` }))
    while (start < text.length) {
      let end = text.indexOf("\n", start)
      if (end === -1) end = text.length
      lineNo++
      const raw = text.slice(start, end)
      start = end + 1
      const hash = raw.indexOf("#")
      const content = (hash === -1 ? raw : raw.slice(0, hash)).trim()
      if (content === "") continue
      const fields = content.split(/\s+/)
      if (fields.length !== 2) {
        return fail(
          `expected two agent indexes "a b" separated by whitespace, found ${fields.length} field(s) in "${preview(content)}"`,
        )
      }
      const ends: Array<number> = []
      for (const field of fields) {
        if (!INDEX.test(field)) {
          return fail(`"${preview(field)}" is not an agent index: write a whole number from 0 to ${n - 1}`)
        }
        const index = Number(field)
        if (index >= n) {
          return fail(
            `agent ${field} is out of range: the population has ${n} agents, numbered 0 to ${n - 1}; ` +
              "fix the file or raise the number of agents",
          )
        }
        ends.push(index)
      }
      const [a, b] = ends as [number, number]
      if (a === b)
        return fail(`agent ${a} is linked to itself: an agent cannot teach itself, remove the line`)
      edges.push(a, b)
    }
    return Effect.succeed(graphFromEdges(n, edges))
  })

/** Reads and parses an edge list file for a population of `n` agents (see `parseEdgeList`). */
export const readEdgeList = (file: string, n: number): Effect.Effect<Graph, EdgeListError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new EdgeListError({
        file,
        message: `cannot read the edge list ${file}: ${cause instanceof Error ? cause.message : String(cause)}; check topology.file (a path relative to the scenario file)`,
        cause,
      }),
  }).pipe(Effect.flatMap((text) => parseEdgeList(file, text.replace(/^\uFEFF/, ""), n)))
