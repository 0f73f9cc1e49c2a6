import { TaskItem } from "@lyceum/core"
import { Effect, Schema } from "effect"
import type { TaskAdapter } from "../TaskData.js"
import { besideScenario } from "../TaskSource.js"
import { builtinProbes } from "./BuiltinProbes.js"
import { builtinCultureIds } from "./Culture.js"
import { loadProbeFile } from "./ProbeFile.js"
import { ProbeKind } from "./ProbeItem.js"
import { makeProbeTask } from "./ProbeTask.js"
import { culturalFactItems } from "./TeachingData.js"

const probePath = {
  path: Schema.String.annotations({
    description: "path to the probe file (BLEnD: its data directory), relative to the scenario file",
  }),
}

/**
 * A public cultural-probe file; its probes and their cultures replace the built-in probes. `geomlama`: a
 * `gd_prompt_<lang>.tsv` (`paraphrases: true` adds its `_aug.tsv`); `shen`: one of Shen et al.'s JSON files
 * with its `task`; `candle`: CANDLE's JSON lines; `blend`: BLEnD's `data` directory, every region in it.
 */
export const ProbeSource = Schema.Union(
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("geomlama"),
    language: Schema.optionalWith(Schema.Literal("en", "zh", "hi", "fa", "sw"), { exact: true }),
    paraphrases: Schema.optionalWith(Schema.Boolean, { exact: true }),
  }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("shen"),
    task: Schema.Literal("qa", "country-prediction", "verification"),
  }),
  Schema.Struct({ ...probePath, format: Schema.Literal("candle") }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("blend"),
    language: Schema.optionalWith(Schema.Literal("en", "local"), { exact: true }),
  }),
)
export type ProbeSource = typeof ProbeSource.Type

/**
 * Cultural commonsense: teacher i privately holds the fact sentences of `cultures[i mod n]`; students are
 * measured on the built-in probes of those cultures (`probeKinds` of them), or on every probe of a public
 * `probes` file, whose cultures come from the file (per culture and topic, see the probe_accuracy view).
 */
export const CulturalTaskConfig = Schema.Struct({
  kind: Schema.Literal("cultural"),
  cultures: Schema.NonEmptyArray(Schema.Literal(...builtinCultureIds)),
  probeKinds: Schema.optionalWith(
    Schema.NonEmptyArray(ProbeKind.pipe(Schema.pickLiteral("cloze", "multiple-choice", "true-false"))),
    { default: () => ["cloze" as const] },
  ),
  probes: Schema.optionalWith(ProbeSource, { exact: true }),
})
export type CulturalTaskConfig = typeof CulturalTaskConfig.Type

/**
 * Teachers always hold the built-in facts of `cultures` (one culture per teacher, not IID); a probe file only
 * replaces what is measured, so its cultures without a teacher (BLEnD's UK, say) are measured untaught, as a
 * control. No canary template imitates a probe.
 */
export const culturalTaskAdapter: TaskAdapter<CulturalTaskConfig> = {
  prepare: (config, scenarioFile) => {
    const cultures = config.cultures
    const probes = (() => {
      if (config.probes === undefined) {
        return Effect.succeed(builtinProbes({ cultures, kinds: config.probeKinds }))
      }
      const { path, format, ...options } = config.probes
      return loadProbeFile(besideScenario(scenarioFile, path), format, options)
    })()
    return Effect.map(probes, (probes) => {
      const task = makeProbeTask({ probes })
      const test = task.examples()
      return {
        task,
        train: culturalFactItems(cultures),
        test,
        partition: (teachers: number) =>
          Array.from({ length: teachers }, (_, i) => culturalFactItems(cultures[i % cultures.length]!)),
        // A sentence like the facts: a canary's last word is the word to fill in, its stem the fact's stem.
        canaryItem: (text: string) => {
          const cut = text.trimEnd().lastIndexOf(" ")
          return new TaskItem({
            id: "canary",
            input: text.slice(0, cut),
            target: ` ${text.slice(cut + 1).trim()}`,
          })
        },
        labels: test.flatMap((item) => {
          const meta = task.metadata(item.id)
          return meta === undefined ? [] : [{ itemId: item.id, culture: meta.culture, topic: meta.topic }]
        }),
      }
    })
  },
}
