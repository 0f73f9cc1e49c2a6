import { makeRng } from "@lyceum/core"
import { Effect } from "effect"
import { NotEnoughExamples } from "../TaskError.js"
import type { SpamExample } from "./SpamExample.js"

export interface SpamSplit {
  readonly train: ReadonlyArray<SpamExample>
  readonly test: ReadonlyArray<SpamExample>
}

export interface SpamSplitOptions {
  /** Test items: half spam, half not spam (the odd one, if any, is "not spam"). The paper uses 500. */
  readonly testSize: number
  readonly seed: number
}

/**
 * Undersamples the larger class so both classes have the same size (as the paper does), then takes a fixed,
 * class-balanced test split; every remaining item of the balanced set is training data. Train and test are
 * disjoint and each shuffled. Fails when the test split would leave a class with no training items.
 */
export const splitSpam = (
  items: ReadonlyArray<SpamExample>,
  options: SpamSplitOptions,
): Effect.Effect<SpamSplit, NotEnoughExamples> =>
  Effect.suspend(() => {
    const rng = makeRng(options.seed).fork("split-spam")
    const spam = rng.fork("spam").shuffle(items.filter((item) => item.label === "spam"))
    const ham = rng.fork("not spam").shuffle(items.filter((item) => item.label === "not spam"))
    const perClass = Math.min(spam.length, ham.length)
    const testSpam = Math.floor(options.testSize / 2)
    const testHam = options.testSize - testSpam
    if (!Number.isInteger(options.testSize) || options.testSize < 0 || testHam >= perClass) {
      return Effect.fail(
        new NotEnoughExamples({
          needed: 2 * (testHam + 1),
          available: 2 * perClass,
          message: `a balanced test split of ${options.testSize} needs more than ${testHam} items of each class; the smaller class has ${perClass}`,
        }),
      )
    }
    return Effect.succeed({
      test: rng.fork("test").shuffle([...spam.slice(0, testSpam), ...ham.slice(0, testHam)]),
      train: rng.fork("train").shuffle([...spam.slice(testSpam, perClass), ...ham.slice(testHam, perClass)]),
    })
  })
