import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { builtinSpamItems } from "../src/spam/SpamData.js"
import { splitSpam } from "../src/spam/SpamSplit.js"

describe("builtinSpamItems", () => {
  it("gives 600 distinct, class-balanced, deterministic items", () => {
    const items = builtinSpamItems()
    expect(items).toHaveLength(600)
    expect(items.filter((item) => item.label === "spam")).toHaveLength(300)
    expect(new Set(items.map((item) => item.text)).size).toBe(600)
    expect(new Set(items.map((item) => item.id)).size).toBe(600)
    expect(builtinSpamItems()).toEqual(items)
    expect(builtinSpamItems(1)).not.toEqual(items)
    expect(items.every((item) => !item.text.includes("\n") && !item.text.includes("{"))).toBe(true)
  })

  it("shares vocabulary between the classes", () => {
    const items = builtinSpamItems()
    const has = (label: string, word: RegExp) =>
      items.some((item) => item.label === label && word.test(item.text.toLowerCase()))
    for (const word of [/\bfree\b/, /\bcall\b/, /\bwon\b/, /\btxt\b/, /\bclaim\b/, /\bcode\b/]) {
      expect(has("spam", word) && has("not spam", word)).toBe(true)
    }
  })
})

describe("splitSpam", () => {
  const unbalanced = builtinSpamItems().filter((item, i) => item.label === "not spam" || i % 3 === 0)

  it("undersamples to balanced classes and takes a disjoint, balanced test split", () => {
    const spamCount = unbalanced.filter((item) => item.label === "spam").length
    const { train, test } = Effect.runSync(splitSpam(unbalanced, { testSize: 40, seed: 1 }))
    expect(test).toHaveLength(40)
    expect(test.filter((item) => item.label === "spam")).toHaveLength(20)
    expect(train.filter((item) => item.label === "spam")).toHaveLength(spamCount - 20)
    expect(train.filter((item) => item.label === "not spam")).toHaveLength(spamCount - 20)
    const testIds = new Set(test.map((item) => item.id))
    expect(train.some((item) => testIds.has(item.id))).toBe(false)
  })

  it("is fixed for a seed and differs across seeds", () => {
    const a = Effect.runSync(splitSpam(unbalanced, { testSize: 40, seed: 1 }))
    expect(Effect.runSync(splitSpam(unbalanced, { testSize: 40, seed: 1 }))).toEqual(a)
    expect(Effect.runSync(splitSpam(unbalanced, { testSize: 40, seed: 2 })).test).not.toEqual(a.test)
  })

  it("fails with NotEnoughExamples when the test split would use up a class", () => {
    const error = Effect.runSync(Effect.flip(splitSpam(unbalanced, { testSize: 500, seed: 1 })))
    expect(error._tag).toBe("NotEnoughExamples")
    expect(error.available).toBe(2 * unbalanced.filter((item) => item.label === "spam").length)
  })
})
