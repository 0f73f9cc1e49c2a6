export * from "./Scenario.js"
export * from "./ScenarioError.js"
export * from "./ScenarioLoader.js"
