import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { degreeOf, edgeCount, hasEdge, loadGraph, readEdgeList } from "../../src/topology/index.js"
import { toGraphology } from "./support.js"

const dir = mkdtempSync(path.join(tmpdir(), "lyceum-edges-"))
const write = (name: string, text: string) => {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}
const runRead = (file: string, n: number) => Effect.runPromise(Effect.either(readEdgeList(file, n)))

describe("edge list files", () => {
  it("reads pairs with comments, blank lines, tabs and CRLF; merges repeats in either direction", async () => {
    const file = write(
      "ok.txt",
      "# a triangle and a tail\r\n0 1\r\n1\t2  # inline comment\n\n2 0\n1 0\n3   2\n",
    )
    const result = await runRead(file, 5)
    const graph = Either.getOrThrow(result)
    toGraphology(graph)
    expect(edgeCount(graph)).toBe(4)
    expect(hasEdge(graph, 0, 1) && hasEdge(graph, 1, 0) && hasEdge(graph, 2, 3)).toBe(true)
    expect(degreeOf(graph, 4)).toBe(0) // an agent in no line is isolated, not an error
  })

  const bad: ReadonlyArray<[string, string, number, RegExp]> = [
    ["one field", "0 1\n2\n", 2, /expected two agent indexes.*1 field/],
    ["three fields", "0 1 2\n", 1, /3 field/],
    ["not a number", "0 1\n# c\n1 x\n", 3, /"x" is not an agent index: write a whole number from 0 to 3/],
    ["negative", "-1 2\n", 1, /"-1" is not an agent index/],
    ["fraction", "1.5 2\n", 1, /"1.5" is not an agent index/],
    [
      "out of range",
      "0 1\n1 4\n",
      2,
      /agent 4 is out of range: the population has 4 agents, numbered 0 to 3/,
    ],
    ["self loop", "2 2\n", 1, /agent 2 is linked to itself/],
  ]
  for (const [name, text, line, message] of bad) {
    it(`refuses ${name}, naming file:line`, async () => {
      const file = write(`${name.replace(/ /g, "-")}.txt`, text)
      const error = Either.flip(await runRead(file, 4)).pipe(Either.getOrThrow)
      expect(error._tag).toBe("EdgeListError")
      expect(error.file).toBe(file)
      expect(error.line).toBe(line)
      expect(error.message).toMatch(message)
      expect(error.message.startsWith(`${file}:${line}: `)).toBe(true)
    })
  }

  it("a missing file is an EdgeListError without a line, saying where the path is resolved from", async () => {
    const error = Either.flip(await runRead(path.join(dir, "absent.txt"), 4)).pipe(Either.getOrThrow)
    expect(error.line).toBeUndefined()
    expect(error.message).toMatch(/cannot read the edge list .*absent\.txt.*relative to the scenario file/)
    expect(error.cause).toBeDefined()
  })

  it("loadGraph resolves an edges file against the scenario's directory", async () => {
    write("net.txt", "0 1\n")
    const graph = await Effect.runPromise(loadGraph({ kind: "edges", file: "net.txt" }, 2, 1, dir))
    expect(edgeCount(graph)).toBe(1)
    const ring = await Effect.runPromise(loadGraph({ kind: "ring", degree: 2 }, 5, 1, dir))
    expect(edgeCount(ring)).toBe(5)
  })
})
