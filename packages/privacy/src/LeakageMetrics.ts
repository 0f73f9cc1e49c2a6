import { normalizedDistance } from "./EditDistance.js"
import { normalizeText } from "./Normalize.js"

/**
 * Whether a generated lesson reproduces a private text word for word (after normalisation): it equals one, or
 * contains one at least `minLength` characters long.
 */
export const isVerbatimCopy = (
  generated: string,
  privateTexts: ReadonlyArray<string>,
  minLength = 12,
): boolean => {
  const lesson = normalizeText(generated)
  return privateTexts.some((text) => {
    const secret = normalizeText(text)
    return secret.length > 0 && (lesson === secret || (secret.length >= minLength && lesson.includes(secret)))
  })
}

/** Fraction of generated lessons that are verbatim copies (paper: < 0.1%); 0 for no lessons. */
export const verbatimCopyRate = (
  generated: ReadonlyArray<string>,
  privateTexts: ReadonlyArray<string>,
  minLength = 12,
): number =>
  generated.length === 0
    ? 0
    : generated.filter((g) => isVerbatimCopy(g, privateTexts, minLength)).length / generated.length

/** Leakage measures of one generated lesson. */
export interface LessonLeakage {
  /** Normalised insert/delete distance to the closest substring of the prompt it was generated from. */
  readonly distance: number
  readonly verbatimCopy: boolean
}

/**
 * Per generated lesson: the paper's normalised distance to `prompt` (the private prompt that generated it,
 * both normalised) and whether it copies one of `privateTexts`.
 */
export const lessonLeakage = (
  generated: ReadonlyArray<string>,
  prompt: string,
  privateTexts: ReadonlyArray<string>,
): Array<LessonLeakage> => {
  const source = normalizeText(prompt)
  return generated.map((g) => ({
    distance: normalizedDistance(normalizeText(g), source),
    verbatimCopy: isVerbatimCopy(g, privateTexts),
  }))
}
