import * as path from "node:path"
import { deriveSeed, makeRng } from "@lyceum/core"
import { Effect } from "effect"
import { completeGraph } from "./Complete.js"
import { readEdgeList } from "./EdgeList.js"
import type { EdgeListError } from "./EdgeListError.js"
import type { Graph } from "./Graph.js"
import { randomRegularGraph } from "./RandomRegular.js"
import { ringGraph } from "./Ring.js"
import { scaleFreeGraph } from "./ScaleFree.js"
import { smallWorldGraph } from "./SmallWorld.js"
import type { GeneratedTopology, TopologyConfig } from "./TopologyConfig.js"
import { topologyProblem } from "./TopologyProblem.js"

/**
 * The network of `n` agents that `config` and `seed` determine (the same seed, the same graph). Randomness comes
 * only from the `topology` stream of the seed. A config `topologyProblem` refuses is a caller's defect.
 */
export const generateGraph = (config: GeneratedTopology, n: number, seed: number): Graph => {
  const problem = topologyProblem(config, n)
  if (problem !== undefined) throw new RangeError(problem)
  const rng = makeRng(deriveSeed(seed, "topology"))
  switch (config.kind) {
    case "ring":
      return ringGraph(n, config.degree)
    case "small-world":
      return smallWorldGraph(n, config.degree, config.rewire, rng)
    case "scale-free":
      return scaleFreeGraph(n, config.degree, rng)
    case "random-regular":
      return randomRegularGraph(n, config.degree, rng)
    case "complete":
      return completeGraph(n)
  }
}

/** Any topology: generated from the seed, or read from its edge list, `file` resolved against `baseDir`. */
export const loadGraph = (
  config: TopologyConfig,
  n: number,
  seed: number,
  baseDir: string,
): Effect.Effect<Graph, EdgeListError> =>
  config.kind === "edges"
    ? readEdgeList(path.resolve(baseDir, config.file), n)
    : Effect.sync(() => generateGraph(config, n, seed))
