export * from "./FilterDecision.js"
export * from "./Normalize.js"
export * from "./PrivacyFilter.js"
export * from "./VerbatimDetector.js"
