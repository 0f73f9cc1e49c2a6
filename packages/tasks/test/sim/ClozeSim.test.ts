import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeClozeTask } from "../../src/cloze/ClozeTask.js"
import { splitTrainTest } from "../../src/SplitTrainTest.js"
import { fewShotAccuracy } from "./fewShot.js"

describe("cloze task: in-context learning with the sim model", () => {
  it("answers better with 8 built-in examples than with none", async () => {
    const task = makeClozeTask()
    const { train, test } = Effect.runSync(splitTrainTest(task.examples(), { testSize: 150, seed: 3 }))
    const zero = await Effect.runPromise(fewShotAccuracy(task, train, test, 0))
    const eight = await Effect.runPromise(fewShotAccuracy(task, train, test, 8))
    // The sim model can only answer with a word it saw after "->" in its examples, so it is right when an
    // example with the same answer is among the 8 and resembles the passage. Measured: zero-shot 0.000,
    // 8-shot 0.133 (20 of 150).
    expect(zero.accuracy).toBe(0)
    expect(eight.accuracy).toBeGreaterThanOrEqual(zero.accuracy + 0.05)
  })
})
