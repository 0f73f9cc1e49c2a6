import { Effect, Schema } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { DatasetSource, loadSource, TestSize } from "../TaskSource.js"
import { loadSmsSpamCollection } from "./SmsSpamCollection.js"
import { builtinSpamItems } from "./SpamData.js"
import { splitSpam } from "./SpamSplit.js"
import { makeSpamTask } from "./SpamTask.js"

export const SpamTaskConfig = Schema.Struct({
  kind: Schema.Literal("spam"),
  /** `base` is `Text:`/`Class:`; `with-class` lists the classes in the label line (paper Table 5). */
  format: Schema.optionalWith(Schema.Literal("base", "with-class"), { default: () => "base" as const }),
  dataset: Schema.optionalWith(DatasetSource, { default: () => "builtin" as const }),
  testSize: Schema.optionalWith(TestSize, { default: () => 100 }),
})
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
