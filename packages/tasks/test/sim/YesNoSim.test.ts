import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { splitTrainTest } from "../../src/SplitTrainTest.js"
import { makeYesNoTask } from "../../src/yesno/YesNoTask.js"
import { fewShotAccuracy } from "./fewShot.js"

describe("yes/no task: in-context learning with the sim model", () => {
  it("answers yes or no after 8 examples, which it never does zero-shot", async () => {
    const task = makeYesNoTask()
    const { train, test } = Effect.runSync(splitTrainTest(task.examples(), { testSize: 150, seed: 3 }))
    const zero = await Effect.runPromise(fewShotAccuracy(task, train, test, 0))
    const eight = await Effect.runPromise(fewShotAccuracy(task, train, test, 8))
    const labelled = (answers: ReadonlyArray<string>) =>
      answers.filter((answer) => /^\s*(yes|no)\s*$/i.test(answer)).length / answers.length
    // The sim model copies the label of the examples that look most like the item. Whether the passage says
    // yes is a relation between passage and question that it cannot see, so beyond the format it is near
    // chance (the data is balanced). Measured: labelled 0.00 → 1.00; accuracy 0.000 → 0.507.
    expect(labelled(zero.answers)).toBe(0)
    expect(labelled(eight.answers)).toBeGreaterThanOrEqual(0.95)
    expect(eight.accuracy).toBeGreaterThan(zero.accuracy + 0.3)
  })
})
