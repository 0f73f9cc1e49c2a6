import { LocalTransport } from "../src/index.js"
import { transportContract } from "./TransportContract.js"

transportContract({
  name: "LocalTransport",
  network: LocalTransport.networkLayer,
  node: LocalTransport.node(),
})

transportContract({
  name: "LocalTransport (serialize: every envelope and reply through JSON)",
  network: LocalTransport.networkLayer,
  node: LocalTransport.node({ serialize: true }),
})
