import { Either, JSONSchema, ParseResult, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { TopologyConfig, topologyProblem } from "../../src/topology/index.js"

const decode = Schema.decodeUnknownEither(TopologyConfig)
const problem = (input: unknown) =>
  Either.match(decode(input), {
    onLeft: (error) => ParseResult.TreeFormatter.formatErrorSync(error),
    onRight: () => "",
  })

describe("TopologyConfig", () => {
  it("decodes every kind; small-world's rewire defaults to 0.1", () => {
    expect(decode({ kind: "small-world", degree: 10 })).toEqual(
      Either.right({ kind: "small-world", degree: 10, rewire: 0.1 }),
    )
    for (const input of [
      { kind: "ring", degree: 2 },
      { kind: "scale-free", degree: 4 },
      { kind: "random-regular", degree: 3 },
      { kind: "complete" },
      { kind: "edges", file: "net.txt" },
    ]) {
      expect(decode(input)).toEqual(Either.right(input))
    }
  })

  it("refuses odd, zero and huge degrees and out-of-range rewiring, saying what to use", () => {
    expect(problem({ kind: "ring", degree: 3 })).toMatch(/expected an even degree, got 3: use 2 or 4/)
    expect(problem({ kind: "scale-free", degree: 1 })).toMatch(/use 2/)
    expect(problem({ kind: "random-regular", degree: 0 })).toMatch(/positive whole number/)
    expect(problem({ kind: "random-regular", degree: 5000 })).toMatch(/at most 1000/)
    expect(problem({ kind: "small-world", degree: 4, rewire: 1.5 })).toMatch(/between 0 and 1/)
    expect(problem({ kind: "edges", file: "" })).toMatch(/path of an edge list/)
    expect(problem({ kind: "tree" })).not.toBe("")
  })

  it("documents its fields (descriptions reach the scenario's JSON Schema)", () => {
    const schema = JSON.stringify(JSONSchema.make(TopologyConfig))
    expect(schema).toMatch(/Probability that each ring edge's far end moves/)
    expect(schema).toMatch(/Every agent's exact number of neighbours/)
  })
})

describe("topologyProblem (checks against the population size)", () => {
  it("accepts what can be built", () => {
    expect(topologyProblem({ kind: "ring", degree: 4 }, 5)).toBeUndefined()
    expect(topologyProblem({ kind: "random-regular", degree: 3 }, 4)).toBeUndefined()
    expect(topologyProblem({ kind: "complete" }, 20_000)).toBeUndefined()
    expect(topologyProblem({ kind: "edges", file: "x" }, 3)).toBeUndefined()
  })

  it("names the field and the fix", () => {
    expect(topologyProblem({ kind: "small-world", degree: 10, rewire: 0.1 }, 10)).toBe(
      "topology.degree 10 needs at least 11 agents, the population has 10: lower topology.degree or add agents",
    )
    expect(topologyProblem({ kind: "random-regular", degree: 3 }, 5)).toMatch(
      /3 × 5 agents is odd.*make the degree or the number of agents even/,
    )
    expect(topologyProblem({ kind: "complete" }, 20_001)).toMatch(/at most 20000 agents.*use small-world/)
    expect(topologyProblem({ kind: "ring", degree: 2 }, 0)).toMatch(/at least 1 agent/)
    expect(topologyProblem({ kind: "scale-free", degree: 1000 }, 3_000_000)).toMatch(
      /1000 × 3000000 agents is more than 2147483647 link ends.*lower topology.degree/,
    )
  })
})
