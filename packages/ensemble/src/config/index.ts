export * from "./EnsembleChecks.js"
export * from "./EnsembleConfig.js"
export * from "./EnsembleSchema.js"
