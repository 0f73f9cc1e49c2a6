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
    language: Schema.optionalWith(Schema.Literal("en", "zh", "hi", "fa", "sw"), { exact: true }).annotations({
      description: "The language of the gd_prompt_<lang>.tsv file.",
    }),
    paraphrases: Schema.optionalWith(Schema.Boolean, { exact: true }).annotations({
      description: "true adds the file's _aug.tsv paraphrases.",
    }),
  }).annotations({ description: "A GeoMLaMA gd_prompt_<lang>.tsv file." }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("shen"),
    task: Schema.propertySignature(Schema.Literal("qa", "country-prediction", "verification")).annotations({
      description: "Which of Shen et al.'s tasks the file holds.",
    }),
  }).annotations({ description: "One of Shen et al.'s JSON files." }),
  Schema.Struct({ ...probePath, format: Schema.Literal("candle") }).annotations({
    description: "CANDLE's JSON lines.",
  }),
  Schema.Struct({
    ...probePath,
    format: Schema.Literal("blend"),
    language: Schema.optionalWith(Schema.Literal("en", "local"), { exact: true }).annotations({
      description: "The questions in English or in each region's local language.",
    }),
  }).annotations({ description: "BLEnD's data directory, every region in it." }),
)
export type ProbeSource = typeof ProbeSource.Type

/**
 * Cultural commonsense: teacher i privately holds the fact sentences of `cultures[i mod n]`; students are
 * measured on the built-in probes of those cultures (`probeKinds` of them), or on every probe of a public
 * `probes` file, whose cultures come from the file (per culture and topic, see the probe_accuracy view).
 */
export const CulturalTaskConfig = Schema.Struct({
  kind: Schema.Literal("cultural"),
  cultures: Schema.propertySignature(Schema.NonEmptyArray(Schema.Literal(...builtinCultureIds))).annotations({
    description: "Teacher i privately holds the fact sentences of cultures[i mod n].",
  }),
  probeKinds: Schema.optionalWith(
    Schema.NonEmptyArray(ProbeKind.pipe(Schema.pickLiteral("cloze", "multiple-choice", "true-false"))),
    { default: () => ["cloze" as const] },
  ).annotations({ description: "Which of the built-in probes of those cultures students are measured on." }),
  probes: Schema.optionalWith(ProbeSource, { exact: true }).annotations({
    description:
      "A public cultural-probe file; its probes and their cultures replace the built-in probes (per culture " +
      "and topic, see the probe_accuracy view).",
  }),
}).annotations({
  description:
    "Cultural commonsense: teacher i privately holds the fact sentences of cultures[i mod n]; students are " +
    "measured on the built-in probes of those cultures, or on every probe of a public probes file.",
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
