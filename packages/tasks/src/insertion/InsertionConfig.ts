import { Schema } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { splitExamples, TestSize } from "../TaskSource.js"
import { builtinInsertionItems } from "./InsertionData.js"
import { makeInsertionTask } from "./InsertionTask.js"

/** GPT-3's random insertion: recover a word with a symbol inserted after each character (generated). */
export const InsertionTaskConfig = Schema.Struct({
  kind: Schema.Literal("insertion"),
  testSize: Schema.optionalWith(TestSize, { default: () => 100 }).annotations({
    description: "Items in the test split (each costs a model call per student and round).",
  }),
}).annotations({
  description:
    "GPT-3's random insertion: recover a word with a symbol inserted after each character (generated).",
})
export type InsertionTaskConfig = typeof InsertionTaskConfig.Type

/** Generated items only (no file); no canary template imitates them. */
export const insertionTaskAdapter: TaskAdapter<InsertionTaskConfig> = {
  prepare: (config, _scenarioFile, seed) => {
    const examples = builtinInsertionItems()
    return splitExamples(examples, makeInsertionTask({ examples }), config.testSize, seed)
  },
}
