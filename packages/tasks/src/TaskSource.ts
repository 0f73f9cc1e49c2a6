import { dirname, resolve } from "node:path"
import type { TaskItem } from "@lyceum/core"
import { Effect, Schema } from "effect"
import { splitTrainTest } from "./SplitTrainTest.js"
import type { Task } from "./Task.js"

/**
 * Hard limits of task configs (the scenario's `Limits` lists them with its own): a larger value cannot be
 * meant, and is refused before anything runs.
 */
export const TaskLimits = {
  /** Test items of one task. */
  testSize: 100_000,
} as const

/** A task's test split size, within `TaskLimits.testSize`. */
export const TestSize = Schema.Int.pipe(
  Schema.positive(),
  Schema.lessThanOrEqualTo(TaskLimits.testSize, {
    message: () =>
      `expected a positive integer up to ${TaskLimits.testSize} (each test item costs a model call per student and round)`,
  }),
)

/** Where a task's examples come from: the built-in dataset, or a public file the user downloaded. */
export const DatasetSource = Schema.Union(
  Schema.Literal("builtin"),
  Schema.Struct({
    path: Schema.String.annotations({
      description: "path to the dataset file, relative to the scenario file",
    }),
  }),
)
export type DatasetSource = typeof DatasetSource.Type

/**
 * A task whose data is built in or read from the public file format named in the README; `description` says
 * what the task is (the JSON Schema of scenario files shows it).
 */
export const datasetTask = <K extends string>(kind: K, file: string, description: string) =>
  Schema.Struct({
    kind: Schema.Literal(kind),
    dataset: Schema.optionalWith(
      DatasetSource.annotations({ description: `builtin, or { path } to ${file}` }),
      {
        default: () => "builtin" as const,
      },
    ),
    testSize: Schema.optionalWith(TestSize, { default: () => 100 }).annotations({
      description: "Items in the test split (each costs a model call per student and round).",
    }),
  }).annotations({ description })

/** A path in a scenario, relative to the scenario file. */
export const besideScenario = (scenarioFile: string, path: string) => resolve(dirname(scenarioFile), path)

/** Built-in examples, or the public file the user downloaded (relative to the scenario file). */
export const loadSource = <A, E>(
  dataset: DatasetSource,
  scenarioFile: string,
  builtin: () => ReadonlyArray<A>,
  load: (file: string) => Effect.Effect<ReadonlyArray<A>, E>,
): Effect.Effect<ReadonlyArray<A>, E> =>
  dataset === "builtin" ? Effect.succeed(builtin()) : load(besideScenario(scenarioFile, dataset.path))

/**
 * The task's examples split into test and training items (not class-balanced: spam has its own split). The
 * test split depends only on the seed.
 */
export const splitExamples = <A>(
  examples: ReadonlyArray<A>,
  task: Task & { readonly toItem: (example: A) => TaskItem },
  testSize: number,
  seed: number,
) =>
  Effect.map(splitTrainTest(examples, { testSize, seed }), (parts) => ({
    task: task as Task,
    train: parts.train.map(task.toItem),
    test: parts.test.map(task.toItem),
  }))
