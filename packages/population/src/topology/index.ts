export { MAX_COMPLETE_NODES } from "./Complete.js"
export { parseEdgeList, readEdgeList } from "./EdgeList.js"
export { EdgeListError } from "./EdgeListError.js"
export { generateGraph, loadGraph } from "./Generate.js"
export {
  type DegreeStats,
  degreeOf,
  degreeStats,
  edgeCount,
  type Graph,
  hasEdge,
  neighborsOf,
} from "./Graph.js"
export { hopDistances } from "./Hops.js"
export {
  CompleteTopology,
  EdgesTopology,
  type GeneratedTopology,
  MAX_DEGREE,
  RandomRegularTopology,
  RingTopology,
  ScaleFreeTopology,
  SmallWorldTopology,
  TopologyConfig,
} from "./TopologyConfig.js"
export { MAX_ROW_ENTRIES, topologyProblem } from "./TopologyProblem.js"
