import { join } from "node:path"
import { Effect } from "effect"
import { readDataFile } from "../DataFile.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import type { BuiltinCultureId } from "./Culture.js"
import { malformed } from "./LoaderSupport.js"
import { type ProbeItem, probeBlank } from "./ProbeItem.js"

/**
 * Loader for GeoMLaMA (Yin et al., EMNLP 2022): geo-diverse commonsense prompts with a `<mask>`, in English,
 * Chinese, Hindi, Persian and Swahili, as multiple-choice probes.
 *
 * `gd_prompt_<lang>.tsv`: a header row (`Prompt`, `Corresponding Questions`, `Ans`, `Candidate Ans`, `Context`,
 * then GPT-3 columns), then 125 prompts = 25 questions x 5 countries, always in the order United States, China,
 * India, Iran, Kenya, with a blank row between questions. `Ans` holds one or more comma-separated gold answers
 * from the comma-separated `Candidate Ans`; `Context` names the concept (the probe's topic). Fields are split at
 * tabs, unquoted. Probe ids: `geomlama-<lang>-<n>`, n = 1..125 in file order.
 *
 * `gd_prompt_<lang>_aug.tsv`: no header, one paraphrased prompt per line, 4 per base prompt: line i (0-based)
 * paraphrases base prompt `5 * floor(i / 20) + i % 5` (each question's 20 lines cycle the 5 countries 4 times).
 * A paraphrase inherits its base prompt's answers and options; id `<base id>-p<1..4>`.
 */

/** The countries of GeoMLaMA's rows, in the order they repeat. */
export const geoMlamaCountries: ReadonlyArray<BuiltinCultureId> = ["us", "china", "india", "iran", "kenya"]

export const geoMlamaLanguages = ["en", "zh", "hi", "fa", "sw"] as const

/** The base and paraphrase files of one language in a GeoMLaMA directory. */
export const geoMlamaFiles = (dir: string, language: string): { base: string; paraphrases: string } => ({
  base: join(dir, `gd_prompt_${language}.tsv`),
  paraphrases: join(dir, `gd_prompt_${language}_aug.tsv`),
})

const header = ["Prompt", "Corresponding Questions", "Ans", "Candidate Ans", "Context"]
const expectedRow = "`Prompt<TAB>Question<TAB>Ans<TAB>Candidate Ans<TAB>Context...` with one <mask>"
const mask = "<mask>"

/** Comma-separated values (ASCII, full-width or ideographic commas), trimmed, without empties. */
const splitList = (text: string): ReadonlyArray<string> =>
  text
    .split(/[,，、]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)

const lines = (text: string): ReadonlyArray<string> => {
  const out = text.split("\n").map((line) => line.replace(/\r$/, ""))
  if (out.at(-1) === "") out.pop()
  return out
}

/** Parses a `gd_prompt_<lang>.tsv` file's text into multiple-choice probes. */
export const parseGeoMlama = (
  text: string,
  file: string,
  language: string,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.suspend(() => {
    const rows = lines(text)
    const head = (rows[0] ?? "").split("\t")
    if (!header.every((name, i) => head[i]?.trim() === name)) {
      return Effect.fail(
        malformed(file, 1, `the header ${header.join("<TAB>")}...`, "another header", rows[0] ?? ""),
      )
    }
    const out: Array<ProbeItem> = []
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i]!
      if (row.replace(/\t/g, "").trim() === "") continue
      const fields = row.split("\t").map((field) => field.trim())
      const [prompt = "", , gold = "", candidates = "", context = ""] = fields
      const answers = splitList(gold)
      const options = splitList(candidates)
      const missing = answers.filter((answer) => !options.includes(answer))
      const problem =
        fields.length < header.length
          ? `${fields.length} fields`
          : prompt.split(mask).length !== 2
            ? "a prompt without exactly one <mask>"
            : answers.length === 0 || options.length === 0 || context.length === 0
              ? "an empty answer, candidate or context field"
              : missing.length > 0
                ? `the answer "${missing[0]}" missing from the candidates`
                : undefined
      if (problem !== undefined) return Effect.fail(malformed(file, i + 1, expectedRow, problem, row))
      const n = out.length + 1
      out.push({
        id: `geomlama-${language}-${n}`,
        culture: geoMlamaCountries[(n - 1) % geoMlamaCountries.length]!,
        topic: context,
        language,
        kind: "multiple-choice",
        question: prompt.replace(mask, probeBlank),
        options,
        answers,
        aliases: answers.length > 1 ? [gold] : [],
        source: "geomlama",
      })
    }
    return Effect.succeed(out)
  })

/** Parses a `gd_prompt_<lang>_aug.tsv` file's text: 4 paraphrases per probe of `base`, in the file's order. */
export const parseGeoMlamaParaphrases = (
  text: string,
  file: string,
  base: ReadonlyArray<ProbeItem>,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.suspend(() => {
    const rows = lines(text)
    const expected = 4 * base.length
    const out: Array<ProbeItem> = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!.trim()
      if (i >= expected) {
        return Effect.fail(
          malformed(
            file,
            i + 1,
            `${expected} paraphrases (4 per base prompt)`,
            "a paraphrase beyond them",
            row,
          ),
        )
      }
      if (row.split(mask).length !== 2 || row.includes("\t")) {
        return Effect.fail(
          malformed(file, i + 1, "one paraphrased prompt with exactly one <mask>", "another line", row),
        )
      }
      const source = base[5 * Math.floor(i / 20) + (i % 5)]
      if (source === undefined) {
        return Effect.fail(malformed(file, i + 1, "a paraphrase of an existing base prompt", "none", row))
      }
      out.push({
        ...source,
        id: `${source.id}-p${Math.floor((i % 20) / 5) + 1}`,
        question: row.replace(mask, probeBlank),
      })
    }
    if (out.length < expected) {
      return Effect.fail(
        malformed(file, rows.length + 1, `${expected} paraphrases (4 per base prompt)`, `only ${out.length}`),
      )
    }
    return Effect.succeed(out)
  })

/** One language of GeoMLaMA: the base prompts and, when loaded, their paraphrases. */
export interface GeoMlamaProbes {
  readonly base: ReadonlyArray<ProbeItem>
  readonly paraphrases: ReadonlyArray<ProbeItem>
}

/**
 * Loads one language of a GeoMLaMA directory (`gd_prompt_<lang>.tsv` and, unless `paraphrases` is false,
 * `gd_prompt_<lang>_aug.tsv`).
 */
export const loadGeoMlama = (options: {
  readonly dir: string
  readonly language: string
  readonly paraphrases?: boolean
}): Effect.Effect<GeoMlamaProbes, DataFileUnreadable | MalformedLine> =>
  Effect.gen(function* () {
    const files = geoMlamaFiles(options.dir, options.language)
    const baseText = yield* readDataFile(files.base, "the GeoMLaMA prompt file")
    const base = yield* parseGeoMlama(baseText, files.base, options.language)
    if (options.paraphrases === false) return { base, paraphrases: [] }
    const augText = yield* readDataFile(files.paraphrases, "the GeoMLaMA paraphrase file")
    const paraphrases = yield* parseGeoMlamaParaphrases(augText, files.paraphrases, base)
    return { base, paraphrases }
  })
