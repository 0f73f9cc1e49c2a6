import type { Match } from "./FilterDecision.js"
import { digitFragments, type Fragment, findChains, wordFragments } from "./Fragments.js"
import type { ScanText } from "./ScanText.js"
import { compileSecrets, NUMERIC_CHAIN_GAP, type SecretOptions } from "./SecretDetector.js"

/** Words allowed between two pieces of a text secret across lessons: the pieces are rare words. */
const SESSION_TEXT_GAP = 40
/**
 * Digit groups allowed between two pieces of a numeric secret across lessons. A short code (4 digits, 13 bits)
 * split among unrelated numbers is indistinguishable from coincidence, so its pieces must be close; pieces of a
 * long number (a card, a phone number) may be anywhere in the remembered session.
 */
const numericGap = (form: string, history: number): number => (form.length >= 8 ? history : NUMERIC_CHAIN_GAP)

interface StudentState {
  digits: Array<Fragment>
  nextDigit: number
  words: Array<Fragment>
  nextWord: number
}

/**
 * Watches everything one student has received from a teacher, so a secret split across lessons ("part one:
 * 73", later "part two: 91") is caught in the lesson that completes it. It keeps only the pieces that could
 * belong to a secret (digit groups, rare words inside a secret), never whole lessons.
 */
export interface SessionScanner {
  /** Spans of this lesson that complete a secret begun in lessons the student already received. */
  readonly scan: (student: string, text: ScanText) => ReadonlyArray<Match>
  /** Records a lesson the student actually received (after redaction). */
  readonly record: (student: string, text: ScanText) => void
  /** Forgets a student (end of a repeat). */
  readonly forget: (student: string) => void
}

export interface SessionOptions extends SecretOptions {
  /** Pieces remembered per student and kind. Default 256. */
  readonly history?: number
}

export const sessionScanner = (
  secrets: ReadonlyArray<string>,
  options: SessionOptions = {},
): SessionScanner => {
  const compiled = compileSecrets(secrets, options)
  const numeric = compiled.filter((s) => s.numeric)
  const textual = compiled.filter((s) => !s.numeric)
  const forms = textual.map((s) => s.plainForm)
  const history = options.history ?? 256
  const students = new Map<string, StudentState>()
  const stateOf = (student: string): StudentState => {
    let state = students.get(student)
    if (state === undefined) {
      state = { digits: [], nextDigit: 0, words: [], nextWord: 0 }
      students.set(student, state)
    }
    return state
  }

  const scan = (student: string, text: ScanText): ReadonlyArray<Match> => {
    const state = students.get(student)
    if (state === undefined) return []
    const out: Array<Match> = []
    const report = (chain: ReadonlyArray<Fragment>, index: number) => {
      if (!chain.some((f) => !f.fresh)) return
      for (const piece of chain.filter((f) => f.fresh))
        out.push({
          start: piece.start,
          end: piece.end,
          reason: `configured secret #${index}, completed across lessons to this student`,
        })
    }
    if (numeric.length > 0 && state.digits.length > 0) {
      const fragments = [...state.digits, ...digitFragments(text, state.nextDigit, true)]
      for (const secret of numeric)
        for (const form of secret.digitForms)
          for (const chain of findChains(fragments, form, numericGap(form, history), true))
            report(chain, secret.index)
    }
    if (textual.length > 0 && state.words.length > 0) {
      const fragments = [...state.words, ...wordFragments(text, forms, state.nextWord, true).fragments]
      for (const secret of textual)
        for (const chain of findChains(fragments, secret.plainForm, SESSION_TEXT_GAP, true))
          report(chain, secret.index)
    }
    return out
  }

  const record = (student: string, text: ScanText): void => {
    const state = stateOf(student)
    if (numeric.length > 0) {
      const fresh = digitFragments(text, state.nextDigit, false)
      state.digits = [...state.digits, ...fresh].slice(-history)
      state.nextDigit += fresh.length
    }
    if (textual.length > 0) {
      const { fragments, words } = wordFragments(text, forms, state.nextWord, false)
      state.words = [...state.words, ...fragments].slice(-history)
      state.nextWord += words
    }
  }

  return { scan, record, forget: (student) => void students.delete(student) }
}
