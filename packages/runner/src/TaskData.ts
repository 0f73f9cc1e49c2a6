import { dirname, resolve } from "node:path"
import type { TaskItem } from "@lyceum/core"
import type { TaskConfig } from "@lyceum/scenario"
import {
  builtinArithmeticItems,
  builtinClozeItems,
  builtinInsertionItems,
  builtinProbes,
  builtinSpamItems,
  builtinYesNoItems,
  culturalFactItems,
  loadBoolQ,
  loadGsm8k,
  loadLambada,
  loadProbeFile,
  loadSmsSpamCollection,
  makeArithmeticTask,
  makeClozeTask,
  makeInsertionTask,
  makeProbeTask,
  makeSpamTask,
  makeYesNoTask,
  splitSpam,
  splitTrainTest,
  type Task,
} from "@lyceum/tasks"
import { Effect } from "effect"

/** A task with its data split: the fixed test set and the training pool teachers are given shares of. */
export interface TaskData {
  /** The scenario's task kind, e.g. `spam`: names cohorts and selects manual instructions. */
  readonly kind: string
  readonly task: Task
  readonly train: ReadonlyArray<TaskItem>
  readonly test: ReadonlyArray<TaskItem>
  /** Teachers' private shares when they are not IID (cultural facts: one culture per teacher). */
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

/** Built-in examples, or the public file the user downloaded (relative to the scenario file). */
const source = <A, E>(
  dataset: "builtin" | { readonly path: string },
  scenarioFile: string,
  builtin: () => ReadonlyArray<A>,
  load: (file: string) => Effect.Effect<ReadonlyArray<A>, E>,
) => (dataset === "builtin" ? Effect.succeed(builtin()) : load(resolve(dirname(scenarioFile), dataset.path)))

/** Adapter, examples and split for one task; spam is class-balanced (paper App. B), the others are not. */
const split = <A>(
  examples: ReadonlyArray<A>,
  task: Task & { readonly toItem: (example: A) => TaskItem },
  testSize: number,
  seed: number,
) =>
  Effect.map(splitTrainTest(examples, { testSize, seed }), (parts) => ({
    task,
    train: parts.train.map(task.toItem),
    test: parts.test.map(task.toItem),
  }))

/**
 * Loads a task's examples and splits them. The test split depends only on the run seed, so every repeat and
 * every method is measured on the same items.
 */
export const prepareTaskData = (config: TaskConfig, scenarioFile: string, seed: number) =>
  Effect.gen(function* () {
    const prepared: Omit<TaskData, "kind"> = yield* (() => {
      switch (config.kind) {
        case "spam":
          return Effect.gen(function* () {
            const examples = yield* source(
              config.dataset,
              scenarioFile,
              () => builtinSpamItems(),
              loadSmsSpamCollection,
            )
            const parts = yield* splitSpam(examples, { testSize: config.testSize, seed })
            const task = makeSpamTask({ format: config.format, examples })
            return {
              task: task as Task,
              train: parts.train.map(task.toItem),
              test: parts.test.map(task.toItem),
              canaryItem: (text: string) => task.toItem({ id: "canary", text, label: "not spam" }),
            }
          })
        case "cloze":
          return Effect.flatMap(
            source(
              config.dataset,
              scenarioFile,
              () => builtinClozeItems(),
              (file) => loadLambada(file),
            ),
            (examples) =>
              Effect.map(split(examples, makeClozeTask({ examples }), config.testSize, seed), (data) => ({
                ...data,
                // Lambada-shaped: the canary's last word is the word to fill in.
                canaryItem: (text: string) => {
                  const cut = text.trimEnd().lastIndexOf(" ")
                  return makeClozeTask({ examples }).toItem({
                    id: "canary",
                    context: text.slice(0, cut),
                    word: text.slice(cut + 1).trim(),
                  })
                },
              })),
          )
        case "arithmetic":
          return Effect.flatMap(
            source(config.dataset, scenarioFile, () => builtinArithmeticItems(), loadGsm8k),
            (examples) =>
              Effect.map(
                split(examples, makeArithmeticTask({ examples }), config.testSize, seed),
                (data) => ({
                  ...data,
                  // GSM8K-shaped: the question, then the answer line `#### n`.
                  canaryItem: (text: string) => {
                    const cut = text.indexOf("####")
                    return makeArithmeticTask({ examples }).toItem({
                      id: "canary",
                      question: text.slice(0, cut).trim(),
                      answer: text.slice(cut).trim(),
                    })
                  },
                }),
              ),
          )
        case "yesno":
          return Effect.flatMap(
            source(config.dataset, scenarioFile, () => builtinYesNoItems(), loadBoolQ),
            (examples) => split(examples, makeYesNoTask({ examples }), config.testSize, seed),
          )
        case "cultural": {
          const cultures = config.cultures
          // Teachers always hold the built-in facts of `cultures`; a probe file only replaces what is measured,
          // so its cultures without a teacher (BLEnD's UK, say) are measured untaught, as a control.
          const probes = (() => {
            if (config.probes === undefined) {
              return Effect.succeed(builtinProbes({ cultures, kinds: config.probeKinds }))
            }
            const { path, format, ...options } = config.probes
            return loadProbeFile(resolve(dirname(scenarioFile), path), format, options)
          })()
          return Effect.map(probes, (probes) => {
            const task = makeProbeTask({ probes })
            const test = task.examples()
            return {
              task: task as Task,
              train: culturalFactItems(cultures),
              test,
              partition: (teachers: number) =>
                Array.from({ length: teachers }, (_, i) => culturalFactItems(cultures[i % cultures.length]!)),
              labels: test.flatMap((item) => {
                const meta = task.metadata(item.id)
                return meta === undefined
                  ? []
                  : [{ itemId: item.id, culture: meta.culture, topic: meta.topic }]
              }),
            }
          })
        }
        case "insertion": {
          const examples = builtinInsertionItems()
          return split(examples, makeInsertionTask({ examples }), config.testSize, seed)
        }
      }
    })()
    return { kind: config.kind, ...prepared } satisfies TaskData
  })
