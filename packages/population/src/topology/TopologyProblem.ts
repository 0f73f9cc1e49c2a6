import { MAX_COMPLETE_NODES } from "./Complete.js"
import type { TopologyConfig } from "./TopologyConfig.js"

/** Most link ends (agents × degree) a graph holds: its row offsets are 32-bit integers. */
export const MAX_ROW_ENTRIES = 2 ** 31 - 1

/**
 * What makes `config` impossible for a population of `n` agents, as a message naming the field and the fix, or
 * `undefined` when `generateGraph` can build it. The Schema checks each field alone; this checks them against n.
 */
export const topologyProblem = (config: TopologyConfig, n: number): string | undefined => {
  if (!Number.isInteger(n) || n < 1) return `a population needs at least 1 agent, got ${n}`
  switch (config.kind) {
    case "ring":
    case "small-world":
    case "scale-free":
    case "random-regular": {
      if (config.degree > n - 1) {
        return (
          `topology.degree ${config.degree} needs at least ${config.degree + 1} agents, the population has ${n}: ` +
          "lower topology.degree or add agents"
        )
      }
      if (n * config.degree > MAX_ROW_ENTRIES) {
        return (
          `topology.degree ${config.degree} × ${n} agents is more than ${MAX_ROW_ENTRIES} link ends, ` +
          "the most one graph holds: lower topology.degree"
        )
      }
      if (config.kind === "random-regular" && (n * config.degree) % 2 !== 0) {
        return (
          `topology.degree ${config.degree} × ${n} agents is odd, and a regular graph needs an even number of ` +
          "edge ends: make the degree or the number of agents even"
        )
      }
      return undefined
    }
    case "complete":
      return n > MAX_COMPLETE_NODES
        ? `topology complete on ${n} agents would have ${n} × ${n - 1} links (at most ${MAX_COMPLETE_NODES} agents): ` +
            "use small-world or random-regular with a degree"
        : undefined
    case "edges":
      return undefined
  }
}
