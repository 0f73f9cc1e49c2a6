import { makeRng } from "@lyceum/core"
import { Effect } from "effect"
import { NotEnoughExamples } from "./TaskError.js"

export interface TrainTestSplit<A> {
  readonly train: ReadonlyArray<A>
  readonly test: ReadonlyArray<A>
}

export interface TrainTestSplitOptions {
  /** Items in the fixed test split; at least one item must be left for training. */
  readonly testSize: number
  readonly seed: number
}

/**
 * A seeded, fixed test split of `testSize` items; every other item is training data. Train and test are
 * disjoint and each in shuffled order. For tasks without classes to balance (spam has `splitSpam`).
 */
export const splitTrainTest = <A>(
  items: ReadonlyArray<A>,
  options: TrainTestSplitOptions,
): Effect.Effect<TrainTestSplit<A>, NotEnoughExamples> =>
  Effect.suspend(() => {
    const { testSize, seed } = options
    if (!Number.isInteger(testSize) || testSize < 0 || testSize >= items.length) {
      return Effect.fail(
        new NotEnoughExamples({
          needed: Math.max(testSize, 0) + 1,
          available: items.length,
          message: `a test split of ${testSize} needs at least ${Math.max(testSize, 0) + 1} items (one left for training); there are ${items.length}`,
        }),
      )
    }
    const shuffled = makeRng(seed).fork("split-train-test").shuffle(items)
    return Effect.succeed({ test: shuffled.slice(0, testSize), train: shuffled.slice(testSize) })
  })
