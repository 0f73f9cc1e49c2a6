import { Effect } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { datasetTask, loadSource, splitExamples } from "../TaskSource.js"
import { loadBoolQ } from "./BoolQ.js"
import { builtinYesNoItems } from "./YesNoData.js"
import { makeYesNoTask } from "./YesNoTask.js"

/** BoolQ-style yes/no questions about a passage. */
export const YesNoTaskConfig = datasetTask(
  "yesno",
  "BoolQ jsonl",
  "BoolQ-style yes/no questions about a passage.",
)
export type YesNoTaskConfig = typeof YesNoTaskConfig.Type

/** No canary template imitates a BoolQ item, so no `canaryItem`. */
export const yesNoTaskAdapter: TaskAdapter<YesNoTaskConfig> = {
  prepare: (config, scenarioFile, seed) =>
    Effect.flatMap(
      loadSource(config.dataset, scenarioFile, () => builtinYesNoItems(), loadBoolQ),
      (examples) => splitExamples(examples, makeYesNoTask({ examples }), config.testSize, seed),
    ),
}
