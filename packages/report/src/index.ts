export * from "./Format.js"
export * from "./LearningCurve.js"
export * from "./Statistics.js"
