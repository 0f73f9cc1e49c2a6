export * from "./Kinds.js"
export * from "./Registry.js"
