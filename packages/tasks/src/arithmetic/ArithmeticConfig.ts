import { Effect } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { datasetTask, loadSource, splitExamples } from "../TaskSource.js"
import { builtinArithmeticItems } from "./ArithmeticData.js"
import { makeArithmeticTask } from "./ArithmeticTask.js"
import { loadGsm8k } from "./Gsm8k.js"

/** GSM8K-style arithmetic: the answer after `####`. */
export const ArithmeticTaskConfig = datasetTask(
  "arithmetic",
  "GSM8K jsonl",
  "GSM8K-style arithmetic: the answer after ####.",
)
export type ArithmeticTaskConfig = typeof ArithmeticTaskConfig.Type

export const arithmeticTaskAdapter: TaskAdapter<ArithmeticTaskConfig> = {
  prepare: (config, scenarioFile, seed) =>
    Effect.flatMap(
      loadSource(config.dataset, scenarioFile, () => builtinArithmeticItems(), loadGsm8k),
      (examples) => {
        const task = makeArithmeticTask({ examples })
        return Effect.map(splitExamples(examples, task, config.testSize, seed), (data) => ({
          ...data,
          // GSM8K-shaped: the question, then the answer line `#### n`.
          canaryItem: (text: string) => {
            const cut = text.indexOf("####")
            return task.toItem({
              id: "canary",
              question: text.slice(0, cut).trim(),
              answer: text.slice(cut).trim(),
            })
          },
        }))
      },
    ),
}
