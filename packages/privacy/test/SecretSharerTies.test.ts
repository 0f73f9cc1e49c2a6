import { makeSimModel } from "@lyceum/models"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { canaryTemplate } from "../src/Canary.js"
import { likelihoodScorer, sameScore, secretSharerRank } from "../src/SecretSharer.js"
import { canaryRank } from "./support/CanaryRank.js"

describe("Secret Sharer ties are equal scores up to rounding", () => {
  it("counts scores a few ulps apart as ties, and nothing coarser", () => {
    // -(0.1 + 0.2) is -0.30000000000000004: the same sum in another order, not a lower score.
    expect(secretSharerRank(-0.3, [-(0.1 + 0.2)])).toBe(0.5)
    expect(secretSharerRank(-(0.1 + 0.2), [-0.3], "canary-first")).toBe(0)
    expect(secretSharerRank(-(0.1 + 0.2), [-0.3], "canary-last")).toBe(1)
    // Sim's smallest real difference between two codes' scores is ~2e-7 relative: still an order.
    expect(secretSharerRank(-9.4, [-9.4 * (1 - 1e-7)])).toBe(1)
    expect(sameScore(Number.NEGATIVE_INFINITY, -1e308)).toBe(false)
    expect(sameScore(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(true)
    expect(secretSharerRank(Number.NaN, [Number.NEGATIVE_INFINITY])).toBe(0.5)
  })

  // These five codes are equally likely to sim (equal digit-bigram probabilities): a tie of five. After a
  // prompt that holds none of them their mean log-probabilities differ in the last bits (-6.256923761944842
  // against ...844), and exact comparison ranked 1012 first among them: rank 0.5 instead of 2.
  const template = canaryTemplate("spam-code")!
  const model = makeSimModel({ name: "sim", seed: 1 })
  const asExample = (prompt: string) => (text: string) =>
    likelihoodScorer(model, prompt)(`Text: ${text}\nClass: not spam`)
  const draw = { canary: "1012", alternatives: ["1017", "1123", "1127", "1281"] }
  const noCode = [
    "Text: WIN a holiday, txt GO to 87121 now. Calls cost £1.50/min\nClass: spam",
    "Text: Are we still on for dinner tomorrow?\nClass: not spam",
    "",
  ].join("\n\n")

  it("a prompt without any of the codes leaves a tied canary tied", async () => {
    const rank = (prompt: string) => Effect.runPromise(canaryRank(asExample(prompt), template, draw))
    expect(await rank("")).toBe(2)
    expect(await rank(noCode)).toBe(2)
  })
})
