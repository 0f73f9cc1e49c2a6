import { Schema } from "effect"

/** Largest degree accepted: memory and every round's work grow with n × degree. */
export const MAX_DEGREE = 1000

const Degree = Schema.Int.pipe(
  Schema.positive({ message: () => "expected a positive whole number of neighbours" }),
  Schema.lessThanOrEqualTo(MAX_DEGREE, {
    message: () => `expected a degree of at most ${MAX_DEGREE} (memory and work grow with agents × degree)`,
  }),
)
// Ring-based and preferential-attachment graphs add neighbours in pairs (degree/2 each side, m = degree/2).
const EvenDegree = Degree.pipe(
  Schema.filter((degree) => degree % 2 === 0, {
    message: (issue) => {
      const odd = Number(issue.actual)
      return `expected an even degree, got ${odd}: use ${odd === 1 ? "2" : `${odd - 1} or ${odd + 1}`}`
    },
  }),
)

export const RingTopology = Schema.Struct({
  kind: Schema.Literal("ring"),
  degree: EvenDegree.annotations({
    description: "Neighbours per agent: degree/2 on each side of the ring (even, 2 or more).",
  }),
}).annotations({
  identifier: "RingTopology",
  description: "A ring lattice: agent i linked to the degree/2 nearest agents on each side.",
})

export const SmallWorldTopology = Schema.Struct({
  kind: Schema.Literal("small-world"),
  degree: EvenDegree.annotations({ description: "Neighbours per agent in the ring before rewiring (even)." }),
  rewire: Schema.optionalWith(
    Schema.Number.pipe(
      Schema.finite(),
      Schema.between(0, 1, { message: () => "expected a rewiring probability between 0 and 1" }),
    ).annotations({
      description: "Probability that each ring edge's far end moves to a uniformly drawn agent. Default 0.1.",
    }),
    { default: () => 0.1 },
  ),
}).annotations({
  identifier: "SmallWorldTopology",
  description:
    "Watts–Strogatz: a ring lattice whose edges are rewired at random (short paths, high clustering).",
})

export const ScaleFreeTopology = Schema.Struct({
  kind: Schema.Literal("scale-free"),
  degree: EvenDegree.annotations({
    description:
      "Mean degree: each new agent links to degree/2 existing agents, preferring well-linked ones.",
  }),
}).annotations({
  identifier: "ScaleFreeTopology",
  description: "Barabási–Albert preferential attachment: a few hubs, a heavy-tailed degree distribution.",
})

export const RandomRegularTopology = Schema.Struct({
  kind: Schema.Literal("random-regular"),
  degree: Degree.annotations({
    description: "Every agent's exact number of neighbours (agents × degree even).",
  }),
}).annotations({
  identifier: "RandomRegularTopology",
  description: "A random graph in which every agent has exactly `degree` neighbours.",
})

export const CompleteTopology = Schema.Struct({
  kind: Schema.Literal("complete"),
}).annotations({
  identifier: "CompleteTopology",
  description: "Every agent linked to every other (agents² edges: small populations only).",
})

export const EdgesTopology = Schema.Struct({
  kind: Schema.Literal("edges"),
  file: Schema.String.pipe(
    Schema.minLength(1, { message: () => "expected the path of an edge list file" }),
  ).annotations({
    description:
      "An edge list, relative to the scenario file: one `a b` pair of 0-based agent indexes per line; `#` comments.",
  }),
}).annotations({ identifier: "EdgesTopology", description: "A network read from an edge list file." })

/** The network agents learn over, discriminated by `kind`. */
export const TopologyConfig = Schema.Union(
  RingTopology,
  SmallWorldTopology,
  ScaleFreeTopology,
  RandomRegularTopology,
  CompleteTopology,
  EdgesTopology,
).annotations({ identifier: "TopologyConfig", description: "The network agents learn over." })
export type TopologyConfig = typeof TopologyConfig.Type

/** The topologies built from the seed alone (every kind but `edges`). */
export type GeneratedTopology = Exclude<TopologyConfig, { readonly kind: "edges" }>
