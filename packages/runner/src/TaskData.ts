import { dirname, resolve } from "node:path"
import type { TaskItem } from "@lyceum/core"
import type { TaskConfig } from "@lyceum/scenario"
import { builtinSpamItems, loadSmsSpamCollection, makeSpamTask, splitSpam, type Task } from "@lyceum/tasks"
import { Effect } from "effect"

/** A task with its data split: the fixed test set and the training pool teachers are given shares of. */
export interface TaskData {
  /** The scenario's task kind, e.g. `spam`: names cohorts and selects manual instructions. */
  readonly kind: string
  readonly task: Task
  readonly train: ReadonlyArray<TaskItem>
  readonly test: ReadonlyArray<TaskItem>
}

/**
 * Loads the task's examples (built-in or a file the user downloaded, relative to the scenario file) and splits
 * them. The test split depends only on the run seed, so every repeat is measured on the same items.
 */
export const prepareTaskData = (config: TaskConfig, scenarioFile: string, seed: number) =>
  Effect.gen(function* () {
    const examples =
      config.dataset === "builtin"
        ? builtinSpamItems()
        : yield* loadSmsSpamCollection(resolve(dirname(scenarioFile), config.dataset.path))
    const split = yield* splitSpam(examples, { testSize: config.testSize, seed })
    const task = makeSpamTask({ format: config.format, examples })
    return {
      kind: config.kind,
      task,
      train: split.train.map(task.toItem),
      test: split.test.map(task.toItem),
    } satisfies TaskData
  })
