import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeInsertionTask } from "../../src/insertion/InsertionTask.js"
import { splitTrainTest } from "../../src/SplitTrainTest.js"
import { fewShotAccuracy } from "./fewShot.js"

describe("random insertion task: in-context learning with the sim model", () => {
  it("answers with a bare word after 8 examples, and recovers recurring words with 16", async () => {
    const task = makeInsertionTask()
    const { train, test } = Effect.runSync(splitTrainTest(task.examples(), { testSize: 100, seed: 3 }))
    const zero = await Effect.runPromise(fewShotAccuracy(task, train, test, 0))
    const eight = await Effect.runPromise(fewShotAccuracy(task, train, test, 8))
    const sixteen = await Effect.runPromise(fewShotAccuracy(task, train, test, 16))
    const words = (answers: ReadonlyArray<string>) =>
      answers.filter((answer) => /^ ?\p{L}+$/u.test(answer)).length / answers.length
    // The sim model works on whole tokens and cannot join letters into a new word; it can only copy an answer
    // from an example, which is right when the same word recurs among the examples (the built-in items draw
    // words with replacement). Measured: bare words 0.00 → 1.00; accuracy 0.00 / 0.00 / 0.09 with 0 / 8 / 16 examples.
    expect(words(zero.answers)).toBe(0)
    expect(words(eight.answers)).toBeGreaterThanOrEqual(0.9)
    expect(eight.accuracy).toBeGreaterThanOrEqual(zero.accuracy)
    expect(sixteen.accuracy).toBeGreaterThan(zero.accuracy)
  })
})
