import { join } from "node:path"
import { Effect } from "effect"
import { readDataFile, splitLines } from "../DataFile.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import { countryMentions, culturesOf, regionNamedIn } from "./CountryAliases.js"
import type { BuiltinCultureId } from "./Culture.js"
import { malformed } from "./LoaderSupport.js"
import { type ProbeItem, probeBlank } from "./ProbeItem.js"

/**
 * Loader for GeoMLaMA (Yin et al., EMNLP 2022): geo-diverse commonsense prompts with a `<mask>`, in English,
 * Chinese, Hindi, Persian and Swahili, as multiple-choice probes.
 *
 * `gd_prompt_<lang>.tsv`: a header row (`Prompt`, `Corresponding Questions`, `Ans`, `Candidate Ans`, `Context`,
 * then GPT-3 columns), then 125 prompts = 25 questions x 5 countries (United States, China, India, Iran,
 * Kenya), one question's prompts together with a blank row between questions. `Ans` holds one or more
 * comma-separated gold answers from the comma-separated `Candidate Ans`; `Context` names the concept (the
 * probe's topic). Fields are split at tabs, unquoted. Probe ids: `geomlama-<lang>-<n>`, n = 1.. in file order.
 *
 * A prompt's culture is the country its text names (any of `countryAliases`' forms, in the file's language),
 * else the one its `Corresponding Questions` text names; when neither names one (the Hindi prompts about
 * "Hindu" weddings) and it names no other country either, the one of the five countries its question group lacks. Never the row's position: a file
 * in another order is labelled the same, and a row whose country cannot be told is an error at its line.
 *
 * `gd_prompt_<lang>_aug.tsv`: no header, one paraphrased prompt per line, 4 per base prompt, question by
 * question in the base file's order (4 x 5 = 20 lines per question). Its only link to the base file is that
 * order, so each line is matched to the base prompt of its question group that names the same country; a line
 * naming no country, or one its group has no single prompt for, is an error. A paraphrase inherits its base
 * prompt's answers and options; id `<base id>-p<1..4>`.
 */

/** The five countries of every GeoMLaMA question. */
export const geoMlamaCountries: ReadonlyArray<BuiltinCultureId> = ["us", "china", "india", "iran", "kenya"]

export const geoMlamaLanguages = ["en", "zh", "hi", "fa", "sw"] as const

/** Paraphrases per base prompt in a `_aug.tsv` file. */
const paraphrasesPerPrompt = 4

/** The base and paraphrase files of one language in a GeoMLaMA directory. */
export const geoMlamaFiles = (dir: string, language: string): { base: string; paraphrases: string } => ({
  base: join(dir, `gd_prompt_${language}.tsv`),
  paraphrases: join(dir, `gd_prompt_${language}_aug.tsv`),
})

/** A base prompt with where it stands: its line and its question group (0-based, blank-row separated). */
export interface GeoMlamaPrompt {
  readonly probe: ProbeItem
  readonly line: number
  readonly group: number
}

const header = ["Prompt", "Corresponding Questions", "Ans", "Candidate Ans", "Context"]
const expectedRow = "`Prompt<TAB>Question<TAB>Ans<TAB>Candidate Ans<TAB>Context...` with one <mask>"
const mask = "<mask>"
const countryNames = "United States, China, India, Iran or Kenya, in the file's language"

/** Comma-separated values (ASCII, full-width or ideographic commas), trimmed, without empties. */
const splitList = (text: string): ReadonlyArray<string> =>
  text
    .split(/[,，、]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)

/** The one culture `text` names; `several` when it names more than one. */
const namedCulture = (text: string): BuiltinCultureId | "several" | undefined => {
  const named = culturesOf(countryMentions(text))
  return named.length > 1 ? "several" : named[0]
}

/** Parses a `gd_prompt_<lang>.tsv` file's text into its prompts, with their lines and question groups. */
export const parseGeoMlamaPrompts = (
  text: string,
  file: string,
  language: string,
): Effect.Effect<ReadonlyArray<GeoMlamaPrompt>, MalformedLine> =>
  Effect.suspend(() => {
    const rows = splitLines(text)
    const head = (rows[0] ?? "").split("\t")
    if (!header.every((name, i) => head[i]?.trim() === name)) {
      return Effect.fail(
        malformed(file, 1, `the header ${header.join("<TAB>")}...`, "another header", rows[0] ?? ""),
      )
    }
    const out: Array<{
      prompt: GeoMlamaPrompt
      culture: BuiltinCultureId | undefined
      row: string
      /** The prompt and question texts, where a country may be named. */
      texts: ReadonlyArray<string>
    }> = []
    let group = 0
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i]!
      if (row.replace(/\t/g, "").trim() === "") {
        if (out.at(-1)?.prompt.group === group) group++
        continue
      }
      const fields = row.split("\t").map((field) => field.trim())
      const [prompt = "", question = "", gold = "", candidates = "", context = ""] = fields
      const answers = splitList(gold)
      const options = splitList(candidates)
      const missing = answers.filter((answer) => !options.includes(answer))
      const inPrompt = namedCulture(prompt)
      const inQuestion = namedCulture(question)
      const problem =
        fields.length < header.length
          ? `${fields.length} fields`
          : prompt.split(mask).length !== 2
            ? "a prompt without exactly one <mask>"
            : answers.length === 0 || options.length === 0 || context.length === 0
              ? "an empty answer, candidate or context field"
              : missing.length > 0
                ? `the answer "${missing[0]}" missing from the candidates`
                : inPrompt === "several" || (inPrompt === undefined && inQuestion === "several")
                  ? "a prompt naming several countries"
                  : inPrompt !== undefined && inQuestion !== undefined && inPrompt !== inQuestion
                    ? `a prompt naming ${inPrompt} and a question naming ${inQuestion}`
                    : undefined
      if (problem !== undefined) return Effect.fail(malformed(file, i + 1, expectedRow, problem, row))
      const culture = [inPrompt, inQuestion].find((named) => named !== undefined && named !== "several") as
        | BuiltinCultureId
        | undefined
      const n = out.length + 1
      out.push({
        row,
        culture,
        texts: [prompt, question],
        prompt: {
          line: i + 1,
          group,
          probe: {
            id: `geomlama-${language}-${n}`,
            culture: culture ?? "",
            topic: context,
            language,
            kind: "multiple-choice",
            question: prompt.replace(mask, probeBlank),
            options,
            answers,
            aliases: answers.length > 1 ? [gold] : [],
            source: "geomlama",
          },
        },
      })
    }
    for (const entry of out) {
      if (entry.culture !== undefined) continue
      // Only a row that names no country at all: one naming France is not about the country its group lacks.
      const other = entry.texts
        .map((text) => regionNamedIn(text, language))
        .find((name) => name !== undefined)
      if (other !== undefined) {
        return Effect.fail(
          malformed(
            file,
            entry.prompt.line,
            `a prompt or question naming one of GeoMLaMA's countries (${countryNames})`,
            `a prompt or question naming ${other}`,
            entry.row,
          ),
        )
      }
      // The country no prompt names: the one its question group lacks, when that is unambiguous.
      const groupmates = out.filter((other) => other.prompt.group === entry.prompt.group)
      const named = groupmates.flatMap((other) => (other.culture === undefined ? [] : [other.culture]))
      const lacking = geoMlamaCountries.filter((country) => !named.includes(country))
      if (groupmates.length !== geoMlamaCountries.length || lacking.length !== 1) {
        return Effect.fail(
          malformed(
            file,
            entry.prompt.line,
            `a prompt or question naming its country (${countryNames}), or a question group of five that names the other four`,
            "no country",
            entry.row,
          ),
        )
      }
      entry.prompt = { ...entry.prompt, probe: { ...entry.prompt.probe, culture: lacking[0]! } }
    }
    return Effect.succeed(out.map((entry) => entry.prompt))
  })

/** Parses a `gd_prompt_<lang>.tsv` file's text into multiple-choice probes, in file order. */
export const parseGeoMlama = (
  text: string,
  file: string,
  language: string,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.map(parseGeoMlamaPrompts(text, file, language), (prompts) => prompts.map((prompt) => prompt.probe))

/**
 * Parses a `gd_prompt_<lang>_aug.tsv` file's text: 4 paraphrases per prompt of `base`, question group by
 * question group, each matched to the prompt of its group that names the same country.
 */
export const parseGeoMlamaParaphrases = (
  text: string,
  file: string,
  base: ReadonlyArray<GeoMlamaPrompt>,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.suspend(() => {
    const rows = splitLines(text)
    const groups = [...new Set(base.map((prompt) => prompt.group))].map((group) =>
      base.filter((prompt) => prompt.group === group),
    )
    const expected = paraphrasesPerPrompt * base.length
    const layout = `${expected} paraphrases (${paraphrasesPerPrompt} per base prompt, in the base file's question order)`
    const counts = new Map<GeoMlamaPrompt, number>()
    const out: Array<ProbeItem> = []
    let group = 0
    let groupEnd = paraphrasesPerPrompt * (groups[0]?.length ?? 0)
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!.trim()
      const bad = (wanted: string, problem: string) =>
        Effect.fail(malformed(file, i + 1, wanted, problem, row))
      if (i >= expected) return bad(layout, "a paraphrase beyond them")
      while (i >= groupEnd) groupEnd += paraphrasesPerPrompt * (groups[++group]?.length ?? 0)
      if (row.split(mask).length !== 2 || row.includes("\t")) {
        return bad("one paraphrased prompt with exactly one <mask>", "another line")
      }
      const culture = namedCulture(row)
      if (culture === undefined || culture === "several") {
        return bad(
          `a paraphrase naming one country (${countryNames})`,
          culture === undefined ? "none" : "several",
        )
      }
      const prompts = groups[group]!
      const matches = prompts.filter((prompt) => prompt.probe.culture === culture)
      if (matches.length !== 1) {
        const lines = `${prompts[0]!.line}-${prompts.at(-1)!.line}`
        return bad(
          `a paraphrase of one of the prompts at base lines ${lines} (question group ${group + 1})`,
          `${matches.length} prompts there for ${culture}`,
        )
      }
      const source = matches[0]!
      const count = (counts.get(source) ?? 0) + 1
      counts.set(source, count)
      if (count > paraphrasesPerPrompt) {
        return bad(`${paraphrasesPerPrompt} paraphrases of the base prompt at line ${source.line}`, "a fifth")
      }
      out.push({
        ...source.probe,
        id: `${source.probe.id}-p${count}`,
        question: row.replace(mask, probeBlank),
      })
    }
    if (out.length < expected)
      return Effect.fail(malformed(file, rows.length + 1, layout, `only ${out.length}`))
    return Effect.succeed(out)
  })

/** One language of GeoMLaMA: the base prompts and, when loaded, their paraphrases. */
export interface GeoMlamaProbes {
  readonly base: ReadonlyArray<ProbeItem>
  readonly paraphrases: ReadonlyArray<ProbeItem>
}

/**
 * Loads a GeoMLaMA prompt file and, unless `paraphrases` is false, its paraphrase file (`<name>_aug.tsv`
 * next to it).
 */
export const loadGeoMlamaFile = (options: {
  readonly file: string
  readonly language: string
  readonly paraphrases?: boolean
}): Effect.Effect<GeoMlamaProbes, DataFileUnreadable | MalformedLine> =>
  Effect.gen(function* () {
    const baseText = yield* readDataFile(options.file, "the GeoMLaMA prompt file")
    const prompts = yield* parseGeoMlamaPrompts(baseText, options.file, options.language)
    const base = prompts.map((prompt) => prompt.probe)
    if (options.paraphrases === false) return { base, paraphrases: [] }
    const augFile = options.file.replace(/(\.tsv)?$/, "_aug.tsv")
    const augText = yield* readDataFile(augFile, "the GeoMLaMA paraphrase file")
    const paraphrases = yield* parseGeoMlamaParaphrases(augText, augFile, prompts)
    return { base, paraphrases }
  })

/**
 * Loads one language of a GeoMLaMA directory (`gd_prompt_<lang>.tsv` and, unless `paraphrases` is false,
 * `gd_prompt_<lang>_aug.tsv`).
 */
export const loadGeoMlama = (options: {
  readonly dir: string
  readonly language: string
  readonly paraphrases?: boolean
}): Effect.Effect<GeoMlamaProbes, DataFileUnreadable | MalformedLine> =>
  loadGeoMlamaFile({
    file: geoMlamaFiles(options.dir, options.language).base,
    language: options.language,
    ...(options.paraphrases === undefined ? {} : { paraphrases: options.paraphrases }),
  })
