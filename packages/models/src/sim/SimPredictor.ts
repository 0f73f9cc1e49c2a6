import type { Rng } from "@lyceum/core"
import { type Background, longNumberContinue, maxNumberClass, unknownKey } from "./Background.js"
import {
  availableShapes,
  isBoundary,
  Lower,
  Mixed,
  mixedSurfaceProbability,
  type Shape,
  ShapeTable,
  seenMixedSpellingShare,
  seenMixedSpellings,
  shapeDistribution,
  shapeOf,
  standardSurface,
} from "./Casing.js"
import { defaultInContextParameters, InContextIndex, type InContextParameters } from "./InContext.js"
import { Lexicon } from "./Lexicon.js"
import { pickIndex } from "./Sampling.js"
import { tokenize, tokenKey } from "./Tokenizer.js"

/** Prompt occurrences count this many times as much as corpus occurrences when choosing a word's case. */
const promptShapeWeight = 3
const maxSpellingAttempts = 64
/** Tokens at least this surprising (in nats, by the background unigram) count fully in window similarity. */
const rareSurprisal = 10

/**
 * The sim model's next-token distribution over one growing token sequence (prompt, then continuation):
 * P(token) = [(1 - λ) P_background(key) + λ P_inContext(key)] · P(case | key), where λ is the in-context
 * component's confidence at this position (see `InContextIndex`). `logProbability` (for scoring) and `sample`
 * (for generating) use the same distribution; `push`/`pop` extend and shorten the sequence so that n samples
 * share one indexed prompt.
 */
export class SimPredictor {
  private readonly lexicon: Lexicon
  private readonly index: InContextIndex
  private readonly surfaces: Array<string> = []
  /** `extraIds[p]`: how many ids the lexicon had added once position p was pushed (see `rewind`). */
  private readonly extraIds: Array<number> = []
  private readonly promptShapes = new ShapeTable()
  private readonly shapeTables: ReadonlyArray<ShapeTable>
  private readonly dense: Float64Array

  constructor(
    private readonly background: Background,
    parameters: InContextParameters = defaultInContextParameters,
  ) {
    this.lexicon = new Lexicon(background)
    this.index = new InContextIndex(background.newlineId, (id) => this.rarityOf(id), parameters)
    this.shapeTables = [background.shapes, this.promptShapes]
    this.dense = new Float64Array(background.vocabulary.length)
  }

  /** How informative a feature is: background unigram surprisal, scaled to [0, 1]; shapes count fully. */
  private rarityOf(id: number): number {
    if (id < 0) return 1
    const logProbability =
      Math.log(this.background.ngram.unigramProbability(this.lexicon.classOf(id))) +
      this.lexicon.spellingLogProbability(id)
    return Math.min(1, -logProbability / rareSurprisal)
  }

  get length(): number {
    return this.surfaces.length
  }

  push(surface: string): void {
    const key = tokenKey(surface)
    const shape = shapeOf(surface, key)
    this.promptShapes.add(key, surface, isBoundary(this.surfaces.at(-1)), promptShapeWeight, shape)
    this.surfaces.push(surface)
    const id = this.lexicon.idOf(key)
    this.extraIds.push(this.lexicon.extraCount)
    this.index.push(id, this.features(id, shape))
  }

  /**
   * What a token contributes to window similarity: itself; for unknown words and numbers also their class
   * (`<unk>`, `<num:11>`); for words not in lower case their shape. Coarse features let windows resemble each
   * other in kind (many unfamiliar words, long numbers, capitals) when they share few exact words.
   */
  private features(id: number, shape: Shape): ReadonlyArray<number> {
    const out = [id]
    const classId = this.lexicon.classOf(id)
    if (classId !== id) out.push(classId)
    if (shape !== Lower) out.push(shapeFeature(shape))
    return out
  }

  pop(): void {
    const surface = this.surfaces.pop()
    if (surface === undefined) return
    this.extraIds.pop()
    this.index.pop()
    this.promptShapes.add(tokenKey(surface), surface, isBoundary(this.surfaces.at(-1)), -promptShapeWeight)
  }

  /**
   * Shortens the sequence to its first `length` tokens and forgets the lexicon ids met after them (in later
   * tokens, or only asked about by `logProbability`), so that the predictor is then in the state of a fresh one
   * that was pushed those `length` tokens — provided it was built by pushes and rewinds only, never by a `pop`
   * below a position later pushed again with other lexicon ids in between (`SimModel` pops only what it
   * pushed after the prompt, then rewinds). What prompt indexes share across calls (`PrefixCache`) relies on it.
   */
  rewind(length: number): void {
    while (this.surfaces.length > length) this.pop()
    const extra = length === 0 ? 0 : this.extraIds[length - 1]!
    if (extra < this.lexicon.extraCount) {
      this.lexicon.truncate(extra)
      this.index.forgetIdsFrom(this.lexicon.vocabularySize + extra)
    }
  }

  /** Background context: the classes of the last two tokens (a blank line before the start). */
  private context(): readonly [number, number] {
    const ids = this.index.ids
    const t = ids.length
    const newline = this.background.newlineId
    return [
      t >= 2 ? this.lexicon.classOf(ids[t - 2]!) : newline,
      t >= 1 ? this.lexicon.classOf(ids[t - 1]!) : newline,
    ]
  }

  private shapes(key: string): Map<Shape, number> {
    return shapeDistribution(
      key,
      isBoundary(this.surfaces.at(-1)),
      this.background.shapePrior,
      this.shapeTables,
    )
  }

  /** P(next token has `key`), before its case is chosen. */
  keyProbability(key: string): number {
    const id = this.lexicon.idOf(key)
    const [u, v] = this.context()
    const { share, distribution } = this.index.predict()
    const background =
      this.background.ngram.probability(u, v, this.lexicon.classOf(id)) *
      Math.exp(this.lexicon.spellingLogProbability(id))
    return (1 - share) * background + share * (distribution.get(id) ?? 0)
  }

  /** Natural-log probability that the next token is `surface`. */
  logProbability(surface: string): number {
    const key = tokenKey(surface)
    const shapes = this.shapes(key)
    const shape = shapeOf(surface, key)
    const shapeProbability =
      (shapes.get(shape) ?? 0) *
      (shape === Mixed ? mixedSurfaceProbability(key, surface, this.shapeTables) : 1)
    return Math.log(this.keyProbability(key)) + Math.log(shapeProbability)
  }

  /** Samples the next token's surface (greedy at temperature 0). Does not push it. */
  sample(rng: Rng, temperature: number, topP: number): string {
    const key = this.sampleKey(rng, temperature, topP)
    const shapes = this.shapes(key)
    const options = [...shapes.keys()]
    const shape =
      options[
        pickIndex(
          options.map((s) => shapes.get(s)!),
          temperature,
          1,
          rng,
        )
      ]!
    if (shape !== Mixed) return standardSurface(key, shape)!
    const seen = seenMixedSpellings(key, this.shapeTables)
    if (seen.size > 0 && (temperature <= 0 || rng.next() < seenMixedSpellingShare)) {
      const forms = [...seen.keys()]
      return forms[
        pickIndex(
          forms.map((form) => seen.get(form)!),
          temperature,
          1,
          rng,
        )
      ]!
    }
    return randomMixedSpelling(key, rng)
  }

  /**
   * The next key's full distribution: one entry per vocabulary id (an entry for `<unk>` or `<num:L>` holds the
   * mass of every word or number of that class without an entry of its own) plus one per unknown word or
   * number the in-context component predicts. `probabilities` sums to one.
   */
  keyDistribution(): { readonly ids: Int32Array; readonly probabilities: Float64Array } {
    const { lexicon, dense } = this
    const size = lexicon.vocabularySize
    const [u, v] = this.context()
    const { share, distribution } = this.index.predict()
    this.background.ngram.distribution(u, v, dense)
    let extra = 0
    for (const id of distribution.keys()) if (id >= size) extra++
    const probabilities = new Float64Array(size + extra)
    const ids = new Int32Array(size + extra)
    for (let i = 0; i < size; i++) {
      probabilities[i] = (1 - share) * dense[i]!
      ids[i] = i
    }
    let n = size
    for (const [id, mass] of distribution) {
      if (id < size) {
        probabilities[id]! += share * mass
        continue
      }
      // An unknown word or number seen in the prompt: its background mass moves out of its class entry.
      const classId = lexicon.classOf(id)
      const own = dense[classId]! * Math.exp(lexicon.spellingLogProbability(id))
      probabilities[classId] = Math.max(0, probabilities[classId]! - (1 - share) * own)
      probabilities[n] = (1 - share) * own + share * mass
      ids[n] = id
      n++
    }
    return { ids, probabilities }
  }

  private sampleKey(rng: Rng, temperature: number, topP: number): string {
    const { lexicon } = this
    const size = lexicon.vocabularySize
    const { ids, probabilities } = this.keyDistribution()
    const chosen =
      ids[pickIndex(probabilities, temperature, topP, rng, this.background.classLogMultiplicity)]!
    const chosenKey = lexicon.keyOf(chosen)
    if (chosen >= size || !isClassKey(chosenKey)) return chosenKey
    const ownEntries = new Set<string>()
    for (let i = size; i < ids.length; i++) ownEntries.add(lexicon.keyOf(ids[i]!))
    return this.spellNew(chosenKey, ownEntries, rng)
  }

  /** The key of a token id (vocabulary, class, or met in this sequence). */
  keyOf(id: number): string {
    return this.lexicon.keyOf(id)
  }

  /**
   * A concrete word or number for a class entry: not a vocabulary word and none of `ownEntries` (whose mass
   * was taken out of the class), by rejection.
   */
  private spellNew(classKey: string, ownEntries: ReadonlySet<string>, rng: Rng): string {
    const { background } = this
    let candidate = ""
    for (let attempt = 0; attempt < maxSpellingAttempts; attempt++) {
      if (classKey === unknownKey) {
        candidate = background.spelling.sample(rng)
        const tokens = tokenize(candidate)
        if (tokens.length !== 1 || tokenKey(tokens[0]!) !== candidate || background.ids.has(candidate))
          continue
      } else {
        let digits = Number(classKey.slice("<num:".length, -1))
        if (digits === maxNumberClass) while (rng.next() < longNumberContinue) digits++
        candidate = background.digits.sample(rng, digits)
      }
      if (!ownEntries.has(candidate)) return candidate
    }
    return candidate
  }
}

/** Shape features get negative ids, apart from token ids. */
const shapeFeature = (shape: Shape): number => -1 - shape

const isClassKey = (key: string): boolean => key === unknownKey || /^<num:\d+>$/.test(key)

const randomMixedSpelling = (key: string, rng: Rng): string => {
  const standard = new Set(availableShapes(key).map((shape) => standardSurface(key, shape)))
  for (let attempt = 0; attempt < maxSpellingAttempts; attempt++) {
    const surface = [...key].map((char) => (rng.next() < 0.5 ? char.toUpperCase() : char)).join("")
    if (!standard.has(surface)) return surface
  }
  return key.toUpperCase()
}
