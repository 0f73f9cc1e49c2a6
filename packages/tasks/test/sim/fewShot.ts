import { makeRng, type TaskItem } from "@lyceum/core"
import { Effect } from "effect"
// The tasks package cannot depend on @lyceum/models (models depends on tasks for its own tests), so the sim
// model is imported from its source for these in-context learning checks.
import { makeSimModel } from "../../../models/src/sim/SimModel.js"
import { fewShotContext, type Task } from "../../src/Task.js"

export const simModel = makeSimModel({ name: "sim", seed: 1 })

export interface FewShotResult {
  /** Share of test items answered correctly. */
  readonly accuracy: number
  /** The answers, one per test item. */
  readonly answers: ReadonlyArray<string>
}

/**
 * Greedy answers of the sim model to every test item with `shots` random training examples (drawn anew per
 * item, seeded) as context, graded by the task.
 */
export const fewShotAccuracy = (
  task: Task,
  train: ReadonlyArray<TaskItem>,
  test: ReadonlyArray<TaskItem>,
  shots: number,
  options: { readonly seed?: number; readonly maxTokens?: number } = {},
) =>
  Effect.gen(function* () {
    const rng = makeRng(options.seed ?? 5).fork("shots", shots)
    const answers: Array<string> = []
    let correct = 0
    for (const item of test) {
      const context = shots === 0 ? "" : fewShotContext(task, rng.shuffle(train).slice(0, shots))
      const response = yield* simModel.generate({
        prompt: task.prompt(item, context),
        temperature: 0,
        maxTokens: options.maxTokens ?? 8,
        stop: task.stop,
      })
      const answer = response.texts[0]!
      answers.push(answer)
      if (task.grade(answer, item)) correct++
    }
    return { accuracy: correct / test.length, answers } satisfies FewShotResult
  })
