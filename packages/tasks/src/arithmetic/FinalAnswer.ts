/** The number after the first `####` in a solution or a model's answer, normalised; undefined when absent. */
export const finalAnswer = (text: string): string | undefined => {
  const match = text.match(/####\s*([-+]?\s*[$£€]?\s*[-+]?[\d,]*\.?\d+)/u)
  return match === null ? undefined : normaliseNumber(match[1]!)
}

/**
 * A number as grading compares it: no thousands separators, currency signs, "+" or spaces, and no trailing
 * zeros after the point ("1,000" and "1000.0" are "1000"); undefined when it is not a number.
 */
export const normaliseNumber = (text: string): string | undefined => {
  const cleaned = text.replace(/[\s,$£€+]/gu, "")
  if (!/^-?(\d+\.?\d*|\.\d+)$/u.test(cleaned)) return undefined
  const value = Number(cleaned)
  return Number.isFinite(value) ? String(value === 0 ? 0 : value) : undefined
}

/** GSM8K's calculator annotations (`<<48/2=24>>`) removed; the result printed after them stays. */
export const stripCalculatorAnnotations = (text: string): string => text.replace(/<<[^<>\n]*>>/gu, "")
