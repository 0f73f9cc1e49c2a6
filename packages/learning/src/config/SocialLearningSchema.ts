import type { KindSchema } from "@lyceum/scenario"
import { methodCount, socialLearningChecks } from "./CrossChecks.js"
import { socialLearningFields } from "./SocialLearningConfig.js"

/**
 * The social-learning scenario kind (`kind: social-learning`, the default): teachers holding private data
 * teach students over rounds of growing prompts, with each of `methods`. Its scenarios decode to
 * `SocialLearningScenario`.
 */
export const socialLearningSchema: KindSchema = {
  name: "social-learning",
  fields: socialLearningFields,
  crossChecks: socialLearningChecks,
  variantCount: methodCount,
}
