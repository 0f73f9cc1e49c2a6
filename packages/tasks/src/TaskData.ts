import type { TaskItem } from "@lyceum/core"
import { Effect } from "effect"
import { arithmeticTaskAdapter } from "./arithmetic/ArithmeticConfig.js"
import { clozeTaskAdapter } from "./cloze/ClozeConfig.js"
import { culturalTaskAdapter } from "./cultural/CulturalConfig.js"
import { insertionTaskAdapter } from "./insertion/InsertionConfig.js"
import { spamTaskAdapter } from "./spam/SpamConfig.js"
import type { Task } from "./Task.js"
import type { TaskConfig, TaskKind } from "./TaskConfig.js"
import type { DataFileUnreadable, MalformedLine, NotEnoughExamples, NoUsableData } from "./TaskError.js"
import { yesNoTaskAdapter } from "./yesno/YesNoConfig.js"

/** A task with its data split: the fixed test set and the training pool agents are given shares of. */
export interface TaskData {
  /** The scenario's task kind, e.g. `spam`: names cohorts and selects manual instructions. */
  readonly kind: string
  readonly task: Task
  readonly train: ReadonlyArray<TaskItem>
  readonly test: ReadonlyArray<TaskItem>
  /** Private shares when they are not IID (cultural facts: one culture per teacher). */
  readonly partition?: (teachers: number) => ReadonlyArray<ReadonlyArray<TaskItem>>
  /** The task item a canary text becomes in a teacher's private data (tasks that support canaries). */
  readonly canaryItem?: (text: string) => TaskItem
  /** Culture and topic of test items, for per-culture accuracy. */
  readonly labels?: ReadonlyArray<{
    readonly itemId: string
    readonly culture: string
    readonly topic: string
  }>
}

/** Why a task's data could not be prepared: its file, or too few examples for the test split. */
export type TaskDataError = DataFileUnreadable | MalformedLine | NoUsableData | NotEnoughExamples

/** One task kind's data preparation: loading its examples (built in or from a file) and splitting them. */
export interface TaskAdapter<C> {
  readonly prepare: (
    config: C,
    scenarioFile: string,
    seed: number,
  ) => Effect.Effect<Omit<TaskData, "kind">, TaskDataError>
}

/** Every task kind's adapter; a new task kind is a config in `TaskConfig` and an entry here. */
export const taskAdapters: { readonly [K in TaskKind]: TaskAdapter<Extract<TaskConfig, { kind: K }>> } = {
  spam: spamTaskAdapter,
  cultural: culturalTaskAdapter,
  cloze: clozeTaskAdapter,
  arithmetic: arithmeticTaskAdapter,
  yesno: yesNoTaskAdapter,
  insertion: insertionTaskAdapter,
}

/**
 * Loads a task's examples and splits them. The test split depends only on the run seed, so every repeat and
 * every variant is measured on the same items.
 */
export const prepareTaskData = (
  config: TaskConfig,
  scenarioFile: string,
  seed: number,
): Effect.Effect<TaskData, TaskDataError> => {
  // The record pairs each kind with its config's adapter; TypeScript cannot follow that through the union.
  const adapter = taskAdapters[config.kind] as TaskAdapter<TaskConfig>
  return adapter
    .prepare(config, scenarioFile, seed)
    .pipe(Effect.map((prepared): TaskData => ({ kind: config.kind, ...prepared })))
}
