import { normalizedDistance } from "./EditDistance.js"
import { normalizeText } from "./Normalize.js"

/** Private texts shorter than this count as copied only when a lesson equals one (not merely contains it). */
const MIN_CONTAINED = 12

/** Leakage measures of one generated lesson (paper §3: verbatim copies, App. D normalised distance). */
export interface LessonLeakage {
  /** Normalised insert/delete distance to the closest substring of the prompt it was generated from. */
  readonly distance: number
  readonly verbatimCopy: boolean
}

/**
 * Measures a teacher's generated lessons against its private data. The private texts are normalised once
 * (a teacher checks every candidate it writes), so each lesson costs one normalisation and one distance.
 */
export const makeLeakageMeter = (privateTexts: ReadonlyArray<string>, minLength = MIN_CONTAINED) => {
  const secrets = privateTexts.map(normalizeText).filter((text) => text.length > 0)

  /** Whether the lesson equals a private text, or contains one at least `minLength` characters long. */
  const isCopy = (generated: string): boolean => {
    const lesson = normalizeText(generated)
    return secrets.some((s) => lesson === s || (s.length >= minLength && lesson.includes(s)))
  }

  /** Both measures of a lesson; `prompt` is what the teacher's model saw when it wrote the lesson. */
  const measure = (generated: string, prompt: string): LessonLeakage => ({
    distance: normalizedDistance(normalizeText(generated), normalizeText(prompt)),
    verbatimCopy: isCopy(generated),
  })

  return { isCopy, measure }
}

export type LeakageMeter = ReturnType<typeof makeLeakageMeter>

/** Whether a generated lesson reproduces a private text word for word (after normalisation). */
export const isVerbatimCopy = (
  generated: string,
  privateTexts: ReadonlyArray<string>,
  minLength = MIN_CONTAINED,
): boolean => makeLeakageMeter(privateTexts, minLength).isCopy(generated)

/** Fraction of generated lessons that are verbatim copies (paper: < 0.1%); 0 for no lessons. */
export const verbatimCopyRate = (
  generated: ReadonlyArray<string>,
  privateTexts: ReadonlyArray<string>,
  minLength = MIN_CONTAINED,
): number => {
  const meter = makeLeakageMeter(privateTexts, minLength)
  return generated.length === 0 ? 0 : generated.filter(meter.isCopy).length / generated.length
}

/** Both measures for each of several lessons generated from one prompt. */
export const lessonLeakage = (
  generated: ReadonlyArray<string>,
  prompt: string,
  privateTexts: ReadonlyArray<string>,
): Array<LessonLeakage> => {
  const meter = makeLeakageMeter(privateTexts)
  return generated.map((g) => meter.measure(g, prompt))
}
