export * from "./LanguageModel.js"
export * from "./ModelError.js"
