export * from "./CrossChecks.js"
export * from "./Methods.js"
export * from "./SocialLearningConfig.js"
export * from "./SocialLearningSchema.js"
