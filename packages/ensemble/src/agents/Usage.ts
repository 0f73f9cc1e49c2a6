import { costOf, type ModelPrices, type TokenUsage } from "@lyceum/models"
import type { ItemUsage } from "../Protocol.js"

export const noUsage: ItemUsage = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 }

/** One call's usage, priced as metering prices it (`model_usage.cost_usd`). */
export const callUsage = (usage: TokenUsage, prices: ModelPrices | undefined): ItemUsage => ({
  calls: 1,
  promptTokens: usage.promptTokens,
  completionTokens: usage.completionTokens,
  costUsd: costOf(usage, prices),
})

export const addUsage = (...usages: ReadonlyArray<ItemUsage>): ItemUsage =>
  usages.reduce(
    (sum, u) => ({
      calls: sum.calls + u.calls,
      promptTokens: sum.promptTokens + u.promptTokens,
      completionTokens: sum.completionTokens + u.completionTokens,
      costUsd: sum.costUsd + u.costUsd,
    }),
    noUsage,
  )
