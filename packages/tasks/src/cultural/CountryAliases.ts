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
    "Marekani",
    "Wamarekani",
    "Mmarekani",
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
    "ایران",
    "ایرانی",
    "ایرانیان",
    "Uajemi",
    "Wairani",
    "Muirani",
  ],
  kenya: ["Kenya", "Kenyan", "Kenyans", "肯尼亚", "肯亞", "केन्या", "کنیا", "Mkenya", "Wakenya"],
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
