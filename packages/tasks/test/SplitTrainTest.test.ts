import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { splitTrainTest } from "../src/SplitTrainTest.js"

const items = Array.from({ length: 50 }, (_, i) => i)

describe("splitTrainTest", () => {
  it("takes a disjoint test split and leaves every other item for training", () => {
    const { train, test } = Effect.runSync(splitTrainTest(items, { testSize: 12, seed: 1 }))
    expect(test).toHaveLength(12)
    expect(train).toHaveLength(38)
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(items)
    expect(test).not.toEqual(items.slice(0, 12))
  })

  it("is fixed for a seed and differs across seeds", () => {
    const a = Effect.runSync(splitTrainTest(items, { testSize: 12, seed: 1 }))
    expect(Effect.runSync(splitTrainTest(items, { testSize: 12, seed: 1 }))).toEqual(a)
    expect(Effect.runSync(splitTrainTest(items, { testSize: 12, seed: 2 })).test).not.toEqual(a.test)
  })

  it("fails with NotEnoughExamples unless a training item is left", () => {
    expect(Effect.runSync(splitTrainTest(items, { testSize: 49, seed: 1 })).train).toHaveLength(1)
    const error = Effect.runSync(Effect.flip(splitTrainTest(items, { testSize: 50, seed: 1 })))
    expect(error).toMatchObject({ _tag: "NotEnoughExamples", needed: 51, available: 50 })
    expect(Effect.runSync(Effect.flip(splitTrainTest(items, { testSize: 2.5, seed: 1 })))._tag).toBe(
      "NotEnoughExamples",
    )
  })
})
