import { normaliseAnswer } from "./AnswerText.js"
import type { BuiltinCultureId } from "./Culture.js"

/**
 * Surface forms that name a country or its people, for grading country prediction (CANDLE-style probes, whose
 * gold is whichever form the source sentence used: American, Americans, America, U.S., ...) and for mapping
 * dataset labels to culture ids. English names, demonyms and plurals first, then the names in the languages of
 * Shen et al.'s probes (Chinese, Hindi, Persian, Swahili).
 */
export const countryAliases: Readonly<Record<BuiltinCultureId, ReadonlyArray<string>>> = {
  us: [
    "United States",
    "the United States",
    "United States of America",
    "the United States of America",
    "USA",
    "U.S.A.",
    "US",
    "U.S.",
    "America",
    "American",
    "Americans",
    "美国",
    "美國",
    "अमेरिका",
    "अमरीका",
    "संयुक्त राज्य अमेरिका",
    "آمریکا",
    "امریکا",
    "ایالات متحده",
    "अमेरिकी",
    "Marekani",
    "Wamarekani",
    "Mmarekani",
    "Kimarekani",
  ],
  china: [
    "China",
    "Chinese",
    "People's Republic of China",
    "PRC",
    "中国",
    "中國",
    "中国人",
    "चीन",
    "चीनी",
    "چین",
    "چینی",
    "Uchina",
    "Wachina",
    "Mchina",
    "Kichina",
  ],
  india: [
    "India",
    "Indian",
    "Indians",
    "Bharat",
    "Republic of India",
    "印度",
    "भारत",
    "भारतीय",
    "इंडिया",
    "هند",
    "هندی",
    "هندوستان",
    "Uhindi",
    "Wahindi",
    "Mhindi",
    "Kihindi",
  ],
  iran: [
    "Iran",
    "Iranian",
    "Iranians",
    "Persia",
    "Persian",
    "Persians",
    "Islamic Republic of Iran",
    "伊朗",
    "ईरान",
    "ईरानी",
    "फारस",
    "फारसी",
    "फ़ारसी",
    "ایران",
    "ایرانی",
    "ایرانیان",
    "Uajemi",
    "Waajemi",
    "Mwajemi",
    "Kiajemi",
    "Wairani",
    "Muirani",
  ],
  kenya: ["Kenya", "Kenyan", "Kenyans", "肯尼亚", "肯亞", "केन्या", "کنیا", "Mkenya", "Wakenya", "Kikenya"],
  japan: [
    "Japan",
    "Japanese",
    "Nippon",
    "Nihon",
    "日本",
    "जापान",
    "जापानी",
    "ژاپن",
    "ژاپنی",
    "Japani",
    "Wajapani",
  ],
  brazil: ["Brazil", "Brazilian", "Brazilians", "Brasil", "巴西", "ब्राज़ील", "ब्राजील", "برزیل", "Brazili"],
  germany: [
    "Germany",
    "German",
    "Germans",
    "Deutschland",
    "德国",
    "德國",
    "जर्मनी",
    "آلمان",
    "آلمانی",
    "Ujerumani",
    "Wajerumani",
  ],
}

const byForm: ReadonlyMap<string, BuiltinCultureId> = new Map(
  (Object.entries(countryAliases) as ReadonlyArray<[BuiltinCultureId, ReadonlyArray<string>]>).flatMap(
    ([id, forms]) => forms.map((form) => [normaliseAnswer(form), id] as const),
  ),
)

/** One place a text names a country: the culture, where the name starts, and the form used. */
export interface CountryMention<C extends string = BuiltinCultureId> {
  readonly culture: C
  readonly index: number
  readonly form: string
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
const notWord = "[\\p{L}\\p{M}\\p{N}]"

/**
 * The pattern of one surface form. Scripts that separate words match whole words only, so "Iran" is not in
 * "Irangate", "भारत" not in "भारतीय" (a vowel sign is part of the word) and "هند" not in "میدهند"; Hindi and
 * Persian names may carry their adjectival ending -ī (केन्या → केन्याई, آمریکا → آمریکایی, کنیا → کنیای), which
 * the datasets' own translations use. Chinese has no word breaks: anywhere. Letter case is ignored except in
 * abbreviations ("US", "PRC"), so that the pronoun "us" is not the US.
 */
const formPattern = (form: string): RegExp => {
  const abbreviation = /^[A-Z.]+$/.test(form)
  const flags = abbreviation ? "gu" : "giu"
  if (/\p{Script=Devanagari}/u.test(form)) {
    return new RegExp(`(?<!${notWord})${escapeRegExp(form)}(?:ी|ई)?(?!${notWord})`, flags)
  }
  if (/\p{Script=Arabic}/u.test(form)) {
    return new RegExp(`(?<!${notWord})${escapeRegExp(form)}(?:ایی|ای|یی|ی|ي)?(?!${notWord})`, flags)
  }
  if (/\p{Script=Latin}/u.test(form)) {
    return new RegExp(`(?<!${notWord})${escapeRegExp(form)}(?!${notWord})`, flags)
  }
  return new RegExp(escapeRegExp(form), flags)
}

/**
 * A finder for the names in `table` (culture → surface forms; see `formPattern` for how a form matches).
 * Where matches overlap ("the United States", "States"; "North Korea", "Korea"), the longest at the earliest
 * position wins. Returns every mention in text order, with the text it matched.
 */
export const mentionFinder = <C extends string>(
  table: Readonly<Record<C, ReadonlyArray<string>>>,
): ((text: string) => ReadonlyArray<CountryMention<C>>) => {
  const patterns = (Object.entries(table) as unknown as ReadonlyArray<[C, ReadonlyArray<string>]>).flatMap(
    ([culture, forms]) => forms.map((form) => ({ culture, pattern: formPattern(form) })),
  )
  return (text) => {
    const found: Array<CountryMention<C>> = []
    for (const { culture, pattern } of patterns) {
      for (const match of text.matchAll(pattern)) found.push({ culture, index: match.index, form: match[0] })
    }
    found.sort((a, b) => a.index - b.index || b.form.length - a.form.length)
    const out: Array<CountryMention<C>> = []
    let end = -1
    for (const mention of found) {
      if (mention.index < end) continue
      out.push(mention)
      end = mention.index + mention.form.length
    }
    return out
  }
}

/** Every mention of a built-in culture in `text`, in text order (see `mentionFinder`). */
export const countryMentions: (text: string) => ReadonlyArray<CountryMention> = mentionFinder(countryAliases)

const regionPatterns = new Map<string, ReadonlyArray<RegExp>>()

/**
 * The first name of any country or territory in `text` (ISO 3166 region names from ICU, in `language` and in
 * English), to tell a text that names some other country from one that names none. One pattern per kind of
 * script (whole words, or anywhere in scripts without word breaks): compiling one per name took seconds.
 */
export const regionNamedIn = (text: string, language: string): string | undefined => {
  let patterns = regionPatterns.get(language)
  if (patterns === undefined) {
    const names = new Set<string>()
    for (const locale of new Set(["en", language])) {
      let display: Intl.DisplayNames
      try {
        display = new Intl.DisplayNames([locale], { type: "region", fallback: "none" })
      } catch {
        continue // not a locale ICU knows ("und", a made-up code): English names only
      }
      for (let a = 65; a <= 90; a++)
        for (let b = 65; b <= 90; b++) {
          const code = String.fromCharCode(a, b)
          const name = display.of(code)
          if (name !== undefined && name !== code) names.add(name)
        }
    }
    // Longest first, so "South Africa" wins over "Africa"-like prefixes.
    const sorted = [...names].sort((a, b) => b.length - a.length)
    const alternation = (list: ReadonlyArray<string>) => list.map(escapeRegExp).join("|")
    const worded = sorted.filter((name) => !/\p{Script=Han}/u.test(name))
    const unbroken = sorted.filter((name) => /\p{Script=Han}/u.test(name))
    patterns = [
      ...(worded.length > 0
        ? [new RegExp(`(?<!${notWord})(?:${alternation(worded)})(?!${notWord})`, "iu")]
        : []),
      ...(unbroken.length > 0 ? [new RegExp(alternation(unbroken), "u")] : []),
    ]
    regionPatterns.set(language, patterns)
  }
  for (const pattern of patterns) {
    const match = pattern.exec(text)
    if (match !== null) return match[0]
  }
  return undefined
}

/** The distinct cultures a list of mentions names, in order of first mention. */
export const culturesOf = <C extends string>(
  mentions: ReadonlyArray<CountryMention<C>>,
): ReadonlyArray<C> => [...new Set(mentions.map((mention) => mention.culture))]

/** The built-in culture a surface form names ("Americans" → `us`, "Persia" → `iran`), if any. */
export const countryOf = (form: string): BuiltinCultureId | undefined => byForm.get(normaliseAnswer(form))

/**
 * The culture id for a dataset's country or region label: a built-in culture when the label names one
 * ("the United States", "us", "中国"), else the label in lower case with `-` between words ("North_Korea" →
 * `north-korea`, "UK" → `uk`).
 */
export const cultureIdOf = (label: string): string =>
  countryOf(label) ??
  label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
