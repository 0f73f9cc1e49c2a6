import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max"
import type { Detector, Match } from "./FilterDecision.js"
import { digitFragments, findChains, wordFragments } from "./Fragments.js"
import { ScanText } from "./ScanText.js"
import { type CompactView, originalSpan } from "./TextView.js"

/**
 * A secret the teacher knows it holds (a canary, a configured secret, a value from its private data), compiled
 * into the canonical forms the lesson views are searched for.
 */
export interface KnownSecret {
  /** Position in the configured list; findings name the secret by it, never by value. */
  readonly index: number
  /** Digits only (a code, a card, a phone number): searched in the digit views. */
  readonly numeric: boolean
  /** Numeric: the digit strings (a phone number also in national and international form). */
  readonly digitForms: ReadonlyArray<string>
  /** Text: leet-folded with leetspeak symbols read as letters, and with them dropped. */
  readonly leetForm: string
  readonly plainForm: string
  /** Text with digits: the form read with spelled-out digits ("DE eight nine ..."), or "" if none. */
  readonly numericForm: string
  /** Short forms must start and end on word boundaries ("Ava" is not in "lava"). */
  readonly bounded: boolean
}

export interface SecretOptions {
  /** Countries for reading phone-number secrets without a + prefix. Default GB and US. */
  readonly phoneCountries?: ReadonlyArray<CountryCode>
  /** Forms shorter than this are ignored as too generic to match. Default 3. */
  readonly minLength?: number
}

/** Forms shorter than this must sit on word boundaries. */
const BOUNDED_BELOW = 8
/** Digit groups allowed between two pieces of a numeric secret ("part one: 12 ... part two: 34"). */
export const NUMERIC_CHAIN_GAP = 3
/** Words allowed between two pieces of a text secret. */
export const TEXT_CHAIN_GAP = 8

const phoneForms = (secret: string, digits: string, countries: ReadonlyArray<CountryCode>): Array<string> => {
  if (digits.length < 7) return []
  const candidates = secret.trim().startsWith("+")
    ? [parsePhoneNumberFromString(secret)]
    : countries.map((country) => parsePhoneNumberFromString(secret, country))
  const forms: Array<string> = []
  for (const phone of candidates) {
    if (phone === undefined || !phone.isValid()) continue
    const national = String(phone.nationalNumber)
    const code = String(phone.countryCallingCode)
    forms.push(national, `0${national}`, `${code}${national}`, `00${code}${national}`)
  }
  return forms
}

/** Compiles secrets; ones too short to match safely are left out (their index is skipped, not reused). */
export const compileSecrets = (
  secrets: ReadonlyArray<string>,
  options: SecretOptions = {},
): ReadonlyArray<KnownSecret> => {
  const minLength = options.minLength ?? 3
  const countries = options.phoneCountries ?? ["GB", "US"]
  const out: Array<KnownSecret> = []
  secrets.forEach((secret, index) => {
    const text = new ScanText(secret)
    const digits = text.digits.text
    if (/^[0-9]+$/.test(digits)) {
      if (digits.length < minLength) return
      const digitForms = [...new Set([digits, ...phoneForms(secret, digits, countries)])]
      out.push({
        index,
        numeric: true,
        digitForms,
        leetForm: "",
        plainForm: "",
        numericForm: "",
        bounded: digits.length < BOUNDED_BELOW,
      })
      return
    }
    const plainForm = text.leetPlain.text
    if (plainForm.length < minLength) return
    out.push({
      index,
      numeric: false,
      digitForms: [],
      leetForm: text.leet.text,
      plainForm,
      numericForm: /[0-9]/.test(digits) ? text.leetNumeric.text : "",
      bounded: plainForm.length < BOUNDED_BELOW,
    })
  })
  return out
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9"

/**
 * Whether `[i, j)` of a view starts and ends on a word boundary: a new word, or (with `byClass`) a switch
 * between letters and digits, so "code1234" still holds 1234 while "12345" does not.
 */
const onBoundary = (view: CompactView, i: number, j: number, byClass: boolean): boolean => {
  const { text, token } = view
  const left = i === 0 || token[i - 1] !== token[i] || (byClass && isDigit(text[i - 1]) !== isDigit(text[i]))
  const right =
    j === text.length || token[j] !== token[j - 1] || (byClass && isDigit(text[j]) !== isDigit(text[j - 1]))
  return left && right
}

const occurrences = (view: CompactView, form: string, bounded: boolean, byClass: boolean) => {
  const spans: Array<readonly [number, number]> = []
  if (form.length === 0) return spans
  for (let i = view.text.indexOf(form); i >= 0; i = view.text.indexOf(form, i + 1)) {
    if (!bounded || onBoundary(view, i, i + form.length, byClass))
      spans.push(originalSpan(view, i, i + form.length))
  }
  return spans
}

/** Every place a compiled secret shows in one text (not its decoded parts), with the view that revealed it. */
export const findSecret = (text: ScanText, secret: KnownSecret): Array<Match> => {
  const out: Array<Match> = []
  const label = `configured secret #${secret.index}`
  const add = (spans: ReadonlyArray<readonly [number, number]>, how: string) => {
    for (const [start, end] of spans) out.push({ start, end, reason: `${label}, seen through: ${how}` })
  }
  if (secret.numeric) {
    for (const form of secret.digitForms) {
      add(
        occurrences(text.digits, form, secret.bounded, true),
        "digits with separators and number words read",
      )
      add(occurrences(text.digitsReversed, form, secret.bounded, true), "reversed digits")
    }
    if (out.length === 0) {
      for (const form of secret.digitForms)
        for (const chain of findChains(digitFragments(text, 0, true), form, NUMERIC_CHAIN_GAP, false))
          for (const piece of chain)
            out.push({
              start: piece.start,
              end: piece.end,
              reason: `${label}, seen through: digits in pieces`,
            })
    }
    return out
  }
  add(occurrences(text.leet, secret.leetForm, secret.bounded, false), "case, separators and leetspeak folded")
  add(
    occurrences(text.leetTrimmed, secret.leetForm, secret.bounded, false),
    "case, separators and leetspeak folded",
  )
  add(occurrences(text.leetPlain, secret.plainForm, secret.bounded, false), "case and separators folded")
  add(occurrences(text.leetReversed, secret.leetForm, secret.bounded, false), "reversed text")
  add(occurrences(text.leetPlainReversed, secret.plainForm, secret.bounded, false), "reversed text")
  add(occurrences(text.leetRot13, secret.plainForm, secret.bounded, false), "ROT13")
  if (secret.numericForm !== "")
    add(occurrences(text.leetNumeric, secret.numericForm, secret.bounded, false), "spelled-out digits")
  if (out.length === 0) {
    const { fragments } = wordFragments(text, [secret.plainForm], 0, true)
    for (const chain of findChains(fragments, secret.plainForm, TEXT_CHAIN_GAP, false))
      for (const piece of chain)
        out.push({ start: piece.start, end: piece.end, reason: `${label}, seen through: word pieces` })
  }
  return out
}

/**
 * The teacher's own secrets (canaries, configured secrets), found after canonicalisation: NFKC, invisible
 * characters, look-alike letters, leetspeak, case, separators, spelled-out digits, reversal, ROT13, base64 and
 * hex (through `ScanText.decoded`, which the filter searches too), and pieces spread over one lesson.
 */
export const secretDetector = (secrets: ReadonlyArray<string>, options: SecretOptions = {}): Detector => {
  const compiled = compileSecrets(secrets, options)
  return {
    name: "secret",
    scan: (text) => {
      // Several views often see the same occurrence; one finding per span is enough.
      const seen = new Set<string>()
      return compiled
        .flatMap((secret) => findSecret(text, secret))
        .filter((m) => {
          const key = `${m.start}:${m.end}`
          if (seen.has(key)) return false
          seen.add(key)
          return true
        })
    },
  }
}
