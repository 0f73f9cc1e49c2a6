import { Effect, Schema } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { DatasetSource, loadSource, TestSize } from "../TaskSource.js"
import { loadSmsSpamCollection } from "./SmsSpamCollection.js"
import { builtinSpamItems } from "./SpamData.js"
import { splitSpam } from "./SpamSplit.js"
import { makeSpamTask } from "./SpamTask.js"

export const SpamTaskConfig = Schema.Struct({
  kind: Schema.Literal("spam"),
  format: Schema.optionalWith(Schema.Literal("base", "with-class"), {
    default: () => "base" as const,
  }).annotations({
    description: "base is Text:/Class:; with-class lists the classes in the label line (paper Table 5).",
  }),
  dataset: Schema.optionalWith(DatasetSource, { default: () => "builtin" as const }).annotations({
    description: "builtin, or { path } to the SMS Spam Collection file",
  }),
  testSize: Schema.optionalWith(TestSize, { default: () => 100 }).annotations({
    description: "Items in the test split (each costs a model call per student and round).",
  }),
}).annotations({ description: "SMS spam, split class-balanced (paper App. B)." })
export type SpamTaskConfig = typeof SpamTaskConfig.Type

/** SMS spam, split class-balanced (paper App. B); a canary is a harmless SMS. */
export const spamTaskAdapter: TaskAdapter<SpamTaskConfig> = {
  prepare: (config, scenarioFile, seed) =>
    Effect.gen(function* () {
      const examples = yield* loadSource(
        config.dataset,
        scenarioFile,
        () => builtinSpamItems(),
        loadSmsSpamCollection,
      )
      const parts = yield* splitSpam(examples, { testSize: config.testSize, seed })
      const task = makeSpamTask({ format: config.format, examples })
      return {
        task,
        train: parts.train.map(task.toItem),
        test: parts.test.map(task.toItem),
        canaryItem: (text: string) => task.toItem({ id: "canary", text, label: "not spam" }),
      }
    }),
}
