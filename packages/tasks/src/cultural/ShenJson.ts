import { Effect } from "effect"
import { readDataFile } from "../DataFile.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import { countryAliases, countryMentions, countryOf, cultureIdOf, culturesOf } from "./CountryAliases.js"
import type { BuiltinCultureId } from "./Culture.js"
import { type JsonNode, malformed, parseJsonWithLines } from "./LoaderSupport.js"
import { parseTrueFalse } from "./ProbeGrading.js"
import { type ProbeItem, probeBlank } from "./ProbeItem.js"

/**
 * Loader for the probe files of Shen et al. (NAACL 2024, "Understanding the Capabilities and Limitations of
 * Large Language Models for Cultural Commonsense"): `{lang: {country: [{"prompt": str, "answer": str}, ...]}}`.
 * Every prompt carries its own instruction to answer as `{"Answer": }`, so probes keep it verbatim (`prompt`).
 * - `qa` (`geomlama/inputs_lang_country.json`): fill the blank with one of the listed options; the options are
 *   on the prompt's second-to-last line after its colon; the gold may list several, comma-separated.
 * - `country-prediction` (`candle/inputs_lang_country.json`, from CANDLE): name the masked country or demonym;
 *   graded with the country's alias list, since the gold is whichever form the sentence used.
 * - `verification` (`genericskb/inputs_lang_country_verification.json`): is a universal statement true in a
 *   country; gold `True` (or its translation).
 * The association file (no gold) parses with `parseShenJson` but makes no probes.
 */

/** One `{prompt, answer}` entry with its place in the file. */
export interface ShenEntry {
  readonly lang: string
  readonly country: string
  /** 0-based position in its (lang, country) list. */
  readonly index: number
  /** The line the entry starts on. */
  readonly line: number
  readonly prompt: string
  readonly answer: string
}

export type ShenTask = "qa" | "country-prediction" | "verification"

const layout = '{lang: {country: [{"prompt": string, "answer": string}, ...]}}'

const kindOf = (node: JsonNode): string => (node.kind === "array" ? "an array" : `a ${node.kind}`)

/** Parses a Shen et al. probe file's text into its entries, in file order. */
export const parseShenJson = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<ShenEntry>, MalformedLine> =>
  Effect.flatMap(parseJsonWithLines(text, file), (root) => {
    const wrong = (node: JsonNode, expected: string) =>
      Effect.fail(malformed(file, node.line, `${expected} (layout ${layout})`, kindOf(node)))
    if (root.kind !== "object") return wrong(root, "an object of languages")
    const out: Array<ShenEntry> = []
    for (const [lang, countries] of root.entries) {
      if (countries.kind !== "object") return wrong(countries, `an object of countries for "${lang}"`)
      for (const [country, list] of countries.entries) {
        if (list.kind !== "array") return wrong(list, `an array of entries for "${lang}"/"${country}"`)
        for (const [index, entry] of list.items.entries()) {
          if (entry.kind !== "object") return wrong(entry, "an entry object")
          const field = (name: string) => entry.entries.find(([key]) => key === name)?.[1]
          const prompt = field("prompt")
          const answer = field("answer")
          if (prompt?.kind !== "string" || answer?.kind !== "string") {
            return Effect.fail(
              malformed(
                file,
                entry.line,
                'an entry with string "prompt" and "answer"',
                "an entry without them",
              ),
            )
          }
          out.push({ lang, country, index, line: entry.line, prompt: prompt.value, answer: answer.value })
        }
      }
    }
    return Effect.succeed(out)
  })

/** Reads and parses a Shen et al. probe file. */
export const loadShenJson = (
  file: string,
): Effect.Effect<ReadonlyArray<ShenEntry>, DataFileUnreadable | MalformedLine> =>
  Effect.flatMap(readDataFile(file, "the Shen et al. probe file"), (text) => parseShenJson(text, file))

const afterColon = (text: string): string => {
  const at = text.search(/[:：]/)
  return at < 0 ? text : text.slice(at + 1)
}

/** The prompt's text before its JSON instruction, without the sentence that introduces it. */
const beforeInstruction = (text: string): string => {
  const brace = text.lastIndexOf("{")
  const head = brace < 0 ? text : text.slice(0, brace)
  const ends = [...head.matchAll(/[.。।?؟!]\s/g)]
  const last = ends.at(-1)
  return (last === undefined ? head : head.slice(0, last.index + 1)).trim()
}

const firstSentence = (text: string): string => {
  const end = text.search(/[.。।?؟!]\s/)
  return (end < 0 ? text : text.slice(0, end + 1)).trim()
}

const splitList = (text: string): ReadonlyArray<string> =>
  text
    .split(/[,，、]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)

const topics: Record<ShenTask, string> = {
  qa: "geomlama qa",
  "country-prediction": "country prediction",
  verification: "general commonsense",
}

/**
 * The probes of one Shen et al. task, ids `shen2024-<task>-<lang>-<culture>-<n>` (n from 1 per language and
 * culture, in file order).
 * A probe's culture is its list's country key; the entry's own text must agree with it, so a list filed under
 * the wrong country is an error rather than a wrong label. Fails at an entry's line when its gold does not fit
 * the task (no options line for qa, a gold that is neither true nor false for verification) or contradicts the
 * key: a qa sentence that names countries but not the key's, a country-prediction gold naming no known country
 * or another one, a verification prompt that does not ask about the key's country. (A key outside the
 * built-in cultures, e.g. "Atlantis", becomes the culture `atlantis`; only its gold is checked.)
 */
export const shenProbes = (
  entries: ReadonlyArray<ShenEntry>,
  task: ShenTask,
  file: string,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.suspend(() => {
    const out: Array<ProbeItem> = []
    // Numbered per language and culture, so two keys naming one country ("US", "the United States") do not
    // give two probes the same id.
    const numbers = new Map<string, number>()
    for (const entry of entries) {
      const culture = cultureIdOf(entry.country)
      const keyed = countryOf(entry.country)
      const cell = `${entry.lang}-${culture}`
      const n = (numbers.get(cell) ?? 0) + 1
      numbers.set(cell, n)
      const base = {
        id: `shen2024-${task}-${cell}-${n}`,
        culture,
        topic: topics[task],
        language: entry.lang,
        prompt: entry.prompt,
        source: `shen2024-${task}`,
      }
      const bad = (expected: string, problem: string) =>
        Effect.fail(malformed(file, entry.line, expected, problem, entry.prompt))
      switch (task) {
        case "qa": {
          const lines = entry.prompt.split("\n").filter((line) => line.trim().length > 0)
          const options = lines.length >= 3 ? splitList(afterColon(lines.at(-2)!)) : []
          const answers = splitList(entry.answer)
          if (options.length < 2 || answers.length === 0) {
            return bad("a fill-in prompt with an options line and a gold answer", "no options or no gold")
          }
          const question = afterColon(lines[0]!).trim()
          const named = culturesOf(countryMentions(question))
          if (keyed !== undefined && named.length > 0 && !named.includes(keyed)) {
            return bad(`a prompt about ${entry.country}, its key`, `a sentence about ${named.join(" and ")}`)
          }
          out.push({
            ...base,
            kind: "multiple-choice",
            question: question.replace("<mask>", probeBlank),
            options,
            answers,
            aliases: answers.length > 1 ? [entry.answer] : [],
          })
          break
        }
        case "country-prediction": {
          const named: BuiltinCultureId | undefined = countryOf(entry.answer)
          if (named === undefined) return bad("a gold that names a known country", `"${entry.answer}"`)
          if (named !== culture) {
            return bad(`a gold naming ${entry.country}, its key`, `"${entry.answer}" (${named})`)
          }
          out.push({
            ...base,
            kind: "cloze",
            question: beforeInstruction(afterColon(entry.prompt)).replace("<mask>", probeBlank),
            options: [],
            answers: [entry.answer],
            aliases: countryAliases[named].filter((alias) => alias !== entry.answer),
          })
          break
        }
        case "verification": {
          const truth = parseTrueFalse(entry.answer)
          if (truth === undefined) return bad("a gold True or False", `"${entry.answer}"`)
          const named = culturesOf(countryMentions(entry.prompt))
          if (keyed !== undefined && !named.includes(keyed)) {
            return bad(
              `a prompt asking about ${entry.country}, its key`,
              named.length === 0 ? "a prompt naming no country" : `one naming ${named.join(" and ")}`,
            )
          }
          out.push({
            ...base,
            kind: "true-false",
            question: firstSentence(entry.prompt),
            options: [],
            answers: [truth ? "True" : "False"],
            aliases: [entry.answer],
          })
          break
        }
      }
    }
    return Effect.succeed(out)
  })

/** Reads a Shen et al. probe file and makes the probes of `task`. */
export const loadShenProbes = (
  file: string,
  task: ShenTask,
): Effect.Effect<ReadonlyArray<ProbeItem>, DataFileUnreadable | MalformedLine> =>
  Effect.flatMap(loadShenJson(file), (entries) => shenProbes(entries, task, file))
