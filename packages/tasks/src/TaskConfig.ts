import { Schema } from "effect"
import { ArithmeticTaskConfig } from "./arithmetic/ArithmeticConfig.js"
import { ClozeTaskConfig } from "./cloze/ClozeConfig.js"
import { CulturalTaskConfig } from "./cultural/CulturalConfig.js"
import { InsertionTaskConfig } from "./insertion/InsertionConfig.js"
import { SpamTaskConfig } from "./spam/SpamConfig.js"
import { YesNoTaskConfig } from "./yesno/YesNoConfig.js"

/** A scenario's `tasks:` entry: one config per task kind, each defined next to its adapter. */
export const TaskConfig = Schema.Union(
  SpamTaskConfig,
  CulturalTaskConfig,
  ClozeTaskConfig,
  ArithmeticTaskConfig,
  YesNoTaskConfig,
  InsertionTaskConfig,
).annotations({
  identifier: "TaskConfig",
  description:
    "A task every variant is played on; kind: picks one (spam, cultural, cloze, arithmetic, yesno, insertion).",
})
export type TaskConfig = typeof TaskConfig.Type
export type TaskKind = TaskConfig["kind"]
