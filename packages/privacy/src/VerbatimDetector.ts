import type { Detector } from "./FilterDecision.js"
import { normalizeText } from "./Normalize.js"

/**
 * Fires when a lesson contains one of the teacher's private texts verbatim (after normalisation). Private
 * texts shorter than `minLength` characters are ignored: a two-word message would match ordinary prose.
 */
export const verbatimDetector = (privateTexts: ReadonlyArray<string>, minLength = 12): Detector => {
  const secrets = privateTexts.map(normalizeText).filter((text) => text.length >= minLength)
  return {
    name: "verbatim",
    inspect: (text) => {
      const candidate = normalizeText(text)
      const index = secrets.findIndex((secret) => candidate.includes(secret))
      return index < 0 ? undefined : `copies private example #${index} (${secrets[index]!.length} characters)`
    },
  }
}
