export * from "./Kinds.js"
export * from "./Registry.js"
export * from "./ScenarioDocs.js"
export * from "./ScenarioJsonSchema.js"
