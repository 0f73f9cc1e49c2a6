/**
 * How a token's key is written: the sim model predicts keys (lower case) and then one of four shapes — lower,
 * Capitalised, UPPER, or some other mix — from counts of how that key was written in the corpus and in the
 * prompt, backed off to how words are written after a sentence boundary or not. Shapes that would spell the same
 * surface (e.g. "A" is both Capitalised and UPPER) are merged, so the probabilities over surfaces sum to one.
 */

export const Lower = 0
export const Capital = 1
export const Upper = 2
export const Mixed = 3
export type Shape = 0 | 1 | 2 | 3

const shapes: ReadonlyArray<Shape> = [Lower, Capital, Upper, Mixed]

const capitalise = (key: string): string => {
  const i = key.search(/\p{Ll}/u)
  return i < 0 ? key : key.slice(0, i) + key.charAt(i).toUpperCase() + key.slice(i + 1)
}

const casedLetters = (key: string): number => key.match(/\p{Ll}/gu)?.length ?? 0

/** The surface of a key written in a standard shape; `undefined` for `Mixed`. */
export const standardSurface = (key: string, shape: Shape): string | undefined =>
  shape === Lower
    ? key
    : shape === Capital
      ? capitalise(key)
      : shape === Upper
        ? key.toUpperCase()
        : undefined

/** Which shapes are distinct for this key (a shape spelling the same as an earlier one is not available). */
export const availableShapes = (key: string): ReadonlyArray<Shape> => {
  const letters = casedLetters(key)
  if (letters === 0) return [Lower]
  const out: Array<Shape> = []
  const seen = new Set<string>()
  for (const shape of [Lower, Capital, Upper] as const) {
    const surface = standardSurface(key, shape)!
    if (!seen.has(surface)) {
      seen.add(surface)
      out.push(shape)
    }
  }
  if (2 ** letters > out.length) out.push(Mixed)
  return out
}

/** The shape a surface is written in, relative to its key. */
export const shapeOf = (surface: string, key: string): Shape => {
  const normal = surface.replace(/’/g, "'")
  if (normal === key) return Lower
  for (const shape of availableShapes(key)) if (standardSurface(key, shape) === normal) return shape
  return Mixed
}

/** How many distinct mixed-case spellings a key has (all case patterns minus the standard ones). */
export const mixedSpellings = (key: string): number => {
  const available = availableShapes(key)
  return 2 ** casedLetters(key) - (available.includes(Mixed) ? available.length - 1 : available.length)
}

/** Whether a token after `previous` usually starts a sentence (shapes are counted separately there). */
export const isBoundary = (previous: string | undefined): boolean =>
  previous === undefined ||
  previous === "\n" ||
  previous === "." ||
  previous === "!" ||
  previous === "?" ||
  previous === ":" ||
  previous === '"'

/** Counts of shapes per key, split by boundary: index `boundary * 4 + shape`. */
export type ShapeCounts = Float64Array

export const newShapeCounts = (): ShapeCounts => new Float64Array(8)

/** Counts of shapes for keys, with the mixed spellings seen, so the table can be trained and extended. */
export class ShapeTable {
  readonly counts = new Map<string, ShapeCounts>()
  readonly mixedForms = new Map<string, Map<string, number>>()

  add(key: string, surface: string, boundary: boolean, weight: number, shape = shapeOf(surface, key)): void {
    let counts = this.counts.get(key)
    if (counts === undefined) {
      counts = newShapeCounts()
      this.counts.set(key, counts)
    }
    counts[(boundary ? 4 : 0) + shape]! += weight
    if (shape === Mixed) {
      let forms = this.mixedForms.get(key)
      if (forms === undefined) {
        forms = new Map()
        this.mixedForms.set(key, forms)
      }
      const next = (forms.get(surface) ?? 0) + weight
      if (next <= 1e-9) forms.delete(surface)
      else forms.set(surface, next)
    }
  }
}

/** Dirichlet smoothing strengths: key-and-boundary counts back off to key counts, which back off to the prior. */
const keyStrength = 1
const priorStrength = 2
/** Share of a mixed shape's mass that goes to spellings already seen; the rest is spread over all others. */
const seenMixedShare = 0.9

/**
 * P(shape | key, boundary) from corpus counts plus prompt counts, normalised over the key's available shapes.
 * `prior` is P(shape | boundary) from the corpus.
 */
export const shapeDistribution = (
  key: string,
  boundary: boolean,
  prior: Float64Array,
  tables: ReadonlyArray<ShapeTable>,
): Map<Shape, number> => {
  const available = availableShapes(key)
  const out = new Map<Shape, number>()
  if (available.length === 1) {
    out.set(available[0]!, 1)
    return out
  }
  const offset = boundary ? 4 : 0
  const here = new Float64Array(4)
  const both = new Float64Array(4)
  for (const table of tables) {
    const counts = table.counts.get(key)
    if (counts === undefined) continue
    for (const shape of shapes) {
      here[shape]! += counts[offset + shape]!
      both[shape]! += counts[shape]! + counts[4 + shape]!
    }
  }
  let priorTotal = 0
  let hereTotal = 0
  let bothTotal = 0
  for (const shape of available) {
    priorTotal += prior[offset + shape]!
    hereTotal += here[shape]!
    bothTotal += both[shape]!
  }
  let total = 0
  for (const shape of available) {
    const backoff =
      (both[shape]! + (priorStrength * prior[offset + shape]!) / priorTotal) / (bothTotal + priorStrength)
    const p = (here[shape]! + keyStrength * backoff) / (hereTotal + keyStrength)
    out.set(shape, p)
    total += p
  }
  for (const [shape, p] of out) out.set(shape, p / total)
  return out
}

/** P(surface | key, mixed shape): mostly the spellings seen so far, a little for every other mixed spelling. */
export const mixedSurfaceProbability = (
  key: string,
  surface: string,
  tables: ReadonlyArray<ShapeTable>,
): number => {
  let seenTotal = 0
  let seenHere = 0
  for (const table of tables) {
    const forms = table.mixedForms.get(key)
    if (forms === undefined) continue
    for (const [form, count] of forms) {
      seenTotal += count
      if (form === surface) seenHere += count
    }
  }
  const uniform = 1 / mixedSpellings(key)
  return seenTotal === 0 ? uniform : seenMixedShare * (seenHere / seenTotal) + (1 - seenMixedShare) * uniform
}

/** Mixed spellings seen for a key, with their (weighted) counts across tables. */
export const seenMixedSpellings = (key: string, tables: ReadonlyArray<ShapeTable>): Map<string, number> => {
  const totals = new Map<string, number>()
  for (const table of tables) {
    for (const [form, count] of table.mixedForms.get(key) ?? [])
      totals.set(form, (totals.get(form) ?? 0) + count)
  }
  return totals
}

/** The share of a mixed shape's mass that goes to the spellings already seen. */
export const seenMixedSpellingShare = seenMixedShare
