import { readdir } from "node:fs/promises"
import { basename, join } from "node:path"
import { Effect } from "effect"
import { DataFileUnreadable, type MalformedLine, NoUsableData } from "../TaskError.js"
import { blendProbes, loadBlend } from "./Blend.js"
import { loadCandleAssertions } from "./CandleAssertions.js"
import { countryAliases } from "./CountryAliases.js"
import { loadGeoMlamaFile } from "./GeoMlama.js"
import { malformed } from "./LoaderSupport.js"
import type { ProbeItem } from "./ProbeItem.js"
import { loadShenProbes, type ShenTask } from "./ShenJson.js"

/**
 * One entry point for the public probe formats, for scenarios (`probes: { path, format }`) and for checking a
 * scenario's files before a run. Every probe's culture comes from the file's own data (see each loader).
 */

export const probeFileFormats = ["geomlama", "shen", "candle", "blend"] as const
export type ProbeFileFormat = (typeof probeFileFormats)[number]

export interface ProbeFileOptions {
  /**
   * geomlama: the prompts' language code (default: `<lang>` of a file named `gd_prompt_<lang>.tsv`, else `und`).
   * blend: ask the English questions (`en`, default) or each region's own-language ones (`local`).
   */
  readonly language?: string
  /** shen: which of Shen et al.'s tasks the file holds (`qa`, `country-prediction`, `verification`); required. */
  readonly task?: ShenTask
  /** geomlama: also load the paraphrases, `<name>_aug.tsv` next to the file (4 per prompt). Default false. */
  readonly paraphrases?: boolean
}

const shenTasks = "qa, country-prediction or verification"

/** The BLEnD regions with an annotation file in `<dir>/annotations`, in name order. */
const blendRegionsIn = (dir: string): Effect.Effect<ReadonlyArray<string>, DataFileUnreadable> => {
  const annotations = join(dir, "annotations")
  return Effect.tryPromise({
    try: () => readdir(annotations),
    catch: (cause) =>
      new DataFileUnreadable({
        file: annotations,
        message: `cannot read the BLEnD annotations directory ${annotations} (path should be BLEnD's data directory, holding annotations/ and questions/): ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      }),
  }).pipe(
    Effect.map((names) =>
      names.flatMap((name) => /^(.+)_data\.json$/.exec(name)?.[1] ?? []).sort((a, b) => a.localeCompare(b)),
    ),
    Effect.filterOrFail(
      (regions) => regions.length > 0,
      () =>
        new DataFileUnreadable({
          file: annotations,
          message: `no <Region>_data.json in ${annotations}: path should be BLEnD's data directory`,
        }),
    ),
  )
}

/**
 * The probes of a public probe file: `geomlama` a `gd_prompt_<lang>.tsv` file (with `paraphrases`, also its
 * `_aug.tsv`), `shen` one of Shen et al.'s JSON files (with its `task`), `candle` CANDLE's JSON lines, `blend`
 * BLEnD's `data` directory (every region in `annotations/`, each with `questions/<Region>_questions.csv`).
 */
export const loadProbeFile = (
  file: string,
  format: ProbeFileFormat,
  options: ProbeFileOptions = {},
): Effect.Effect<ReadonlyArray<ProbeItem>, DataFileUnreadable | MalformedLine | NoUsableData> =>
  // A file without probes would let a run "complete" having measured nothing.
  Effect.filterOrFail(
    probesOf(file, format, options),
    (probes) => probes.length > 0,
    () =>
      new NoUsableData({
        file,
        message:
          format === "candle"
            ? `${file}: no probes in it: CANDLE assertions are kept only in the "countries" domain, about a built-in culture (${Object.keys(countryAliases).join(", ")}), naming it once`
            : `${file}: no probes in it (an empty ${format} file?)`,
      }),
  )

const probesOf = (
  file: string,
  format: ProbeFileFormat,
  options: ProbeFileOptions,
): Effect.Effect<ReadonlyArray<ProbeItem>, DataFileUnreadable | MalformedLine> => {
  switch (format) {
    case "geomlama": {
      const named = /^gd_prompt_([A-Za-z-]+)\.tsv$/.exec(basename(file))?.[1]
      return Effect.map(
        loadGeoMlamaFile({
          file,
          language: options.language ?? named ?? "und",
          paraphrases: options.paraphrases ?? false,
        }),
        ({ base, paraphrases }) => [...base, ...paraphrases],
      )
    }
    case "shen":
      return options.task === undefined
        ? Effect.fail(malformed(file, 1, `a Shen et al. file with its task given (${shenTasks})`, "no task"))
        : loadShenProbes(file, options.task)
    case "candle":
      return loadCandleAssertions(file)
    case "blend": {
      const language = options.language ?? "en"
      if (language !== "en" && language !== "local") {
        return Effect.fail(
          malformed(file, 1, 'a language for BLEnD questions: "en" or "local"', `"${language}"`),
        )
      }
      return Effect.flatMap(blendRegionsIn(file), (regions) =>
        Effect.map(
          Effect.forEach(regions, (region) => loadBlend({ dir: file, region })),
          (data) => data.flatMap((region) => blendProbes(region, { language })),
        ),
      )
    }
  }
}
