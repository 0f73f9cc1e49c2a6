import { Effect } from "effect"
import { readDataFile } from "../DataFile.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import { countryAliases, countryMentions, countryOf } from "./CountryAliases.js"
import type { BuiltinCultureId } from "./Culture.js"
import { malformed } from "./LoaderSupport.js"
import { type ProbeItem, probeBlank } from "./ProbeItem.js"

/**
 * CANDLE-style country prediction (Nguyen et al., WWW 2023; as probed by Shen et al.): take a cultural
 * assertion about a country, hide the country's name or demonym, and ask for it back. The gold is the hidden
 * surface form; any alias of the same country (name, demonym, plural, translation) is accepted.
 *
 * `parseCandleAssertions` reads CANDLE's JSON-lines dump (`candle_dataset_v1.jsonl`: one object per line with
 * `domain`, `subject`, `assertion`, optional `combined_score`), keeps the `countries` domain, and masks the
 * first mention of the subject in each assertion. Assertions about countries outside the built-in cultures,
 * that never mention their subject, or that mention it twice (the answer would stay in sight), are skipped.
 */

/**
 * `sentence` with the first mention of `culture` (any alias, found by `countryMentions`) replaced by the blank,
 * and the form it replaced; undefined when none is mentioned.
 */
export const maskCountryMention = (
  sentence: string,
  culture: BuiltinCultureId,
): { readonly question: string; readonly answer: string } | undefined => {
  const mention = countryMentions(sentence).find((m) => m.culture === culture)
  if (mention === undefined) return undefined
  return {
    question:
      sentence.slice(0, mention.index) + probeBlank + sentence.slice(mention.index + mention.form.length),
    answer: mention.form,
  }
}

const expected = 'a JSON object with string "domain", "subject" and "assertion"'

/** Parses CANDLE JSON lines into English country-prediction probes, ids `candle-<line>`, topic `domain/facet`. */
export const parseCandleAssertions = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<ProbeItem>, MalformedLine> =>
  Effect.suspend(() => {
    const lines = text.split("\n")
    const out: Array<ProbeItem> = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (line.length === 0) continue
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        return Effect.fail(malformed(file, i + 1, expected, "a line that is not JSON", line))
      }
      const fields = (typeof record === "object" && record !== null ? record : {}) as Record<string, unknown>
      const { domain, subject, assertion, facet } = fields
      if (typeof domain !== "string" || typeof subject !== "string" || typeof assertion !== "string") {
        return Effect.fail(malformed(file, i + 1, expected, "an object without them", line))
      }
      if (domain !== "countries") continue
      const culture = countryOf(subject)
      const masked = culture === undefined ? undefined : maskCountryMention(assertion, culture)
      if (culture === undefined || masked === undefined) continue
      // A second mention ("Americans ... in America") would show the answer next to the blank.
      if (countryMentions(masked.question).some((mention) => mention.culture === culture)) continue
      out.push({
        id: `candle-${i + 1}`,
        culture,
        topic: typeof facet === "string" && facet.length > 0 ? `${domain}/${facet}` : domain,
        language: "en",
        kind: "cloze",
        question: masked.question,
        options: [],
        answers: [masked.answer],
        aliases: countryAliases[culture].filter((alias) => alias !== masked.answer),
        source: "candle",
      })
    }
    return Effect.succeed(out)
  })

/** Reads and parses a CANDLE JSON-lines file. */
export const loadCandleAssertions = (
  file: string,
): Effect.Effect<ReadonlyArray<ProbeItem>, DataFileUnreadable | MalformedLine> =>
  Effect.flatMap(readDataFile(file, "the CANDLE assertion file"), (text) => parseCandleAssertions(text, file))
