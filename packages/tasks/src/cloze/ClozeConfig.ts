import { Effect } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { datasetTask, loadSource, splitExamples } from "../TaskSource.js"
import { builtinClozeItems } from "./ClozeData.js"
import { makeClozeTask } from "./ClozeTask.js"
import { loadLambada } from "./Lambada.js"

/** Lambada-style cloze: `Fill in blank: ... ____ -> word`. */
export const ClozeTaskConfig = datasetTask(
  "cloze",
  "LAMBADA plain text (one passage per line)",
  "Lambada-style cloze: Fill in blank: ... ____ -> word.",
)
export type ClozeTaskConfig = typeof ClozeTaskConfig.Type

export const clozeTaskAdapter: TaskAdapter<ClozeTaskConfig> = {
  prepare: (config, scenarioFile, seed) =>
    Effect.flatMap(
      loadSource(
        config.dataset,
        scenarioFile,
        () => builtinClozeItems(),
        (file) => loadLambada(file),
      ),
      (examples) => {
        const task = makeClozeTask({ examples })
        return Effect.map(splitExamples(examples, task, config.testSize, seed), (data) => ({
          ...data,
          // Lambada-shaped: the canary's last word is the word to fill in.
          canaryItem: (text: string) => {
            const cut = text.trimEnd().lastIndexOf(" ")
            return task.toItem({
              id: "canary",
              context: text.slice(0, cut),
              word: text.slice(cut + 1).trim(),
            })
          },
        }))
      },
    ),
}
