import { normalizedDistance } from "./EditDistance.js"
import type { Detector } from "./FilterDecision.js"
import { normalizeText } from "./Normalize.js"

const GRAM = 4

const grams = (text: string): Set<string> => {
  const out = new Set<string>()
  for (let i = 0; i + GRAM <= text.length; i++) out.add(text.slice(i, i + GRAM))
  return out
}

export interface DistanceOptions {
  /** Fire at or below this normalised distance. Default 0.1 (a near copy). */
  readonly threshold?: number
  /** Private texts compared exactly, chosen by shared 4-grams. Default 8. */
  readonly candidates?: number
}

/**
 * Fires when a lesson is a near copy of a private text: Social Learning's normalised insert/delete distance
 * (to the closest substring, divided by the lesson's length) at or below `threshold`, on normalised text. The
 * exact distance is computed against the private texts sharing the most character 4-grams with the lesson,
 * which keeps a check fast when the private partition is large.
 */
export const distanceDetector = (
  privateTexts: ReadonlyArray<string>,
  options: DistanceOptions = {},
): Detector => {
  const threshold = options.threshold ?? 0.1
  const candidates = options.candidates ?? 8
  const privates = privateTexts.map((text, index) => {
    const normal = normalizeText(text)
    return { index, normal, grams: grams(normal) }
  })
  return {
    name: "distance",
    scan: (text) => {
      const lesson = normalizeText(text.original)
      if (lesson.length === 0 || privates.length === 0) return []
      const mine = grams(lesson)
      const ranked = privates
        .map((p) => {
          let shared = 0
          for (const g of mine) if (p.grams.has(g)) shared++
          return { p, shared }
        })
        .filter((r) => r.shared > 0)
        .sort((a, b) => b.shared - a.shared)
        .slice(0, candidates)
      let best: { readonly index: number; readonly distance: number } | undefined
      for (const { p } of ranked) {
        const distance = normalizedDistance(lesson, p.normal)
        if (best === undefined || distance < best.distance) best = { index: p.index, distance }
      }
      if (best === undefined || best.distance > threshold) return []
      return [
        {
          start: 0,
          end: text.original.length,
          reason: `normalised distance ${best.distance.toFixed(3)} to private example #${best.index} (threshold ${threshold})`,
        },
      ]
    },
  }
}
