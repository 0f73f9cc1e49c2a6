import type { Background } from "./Background.js"

/**
 * Token ids for one call: the background's vocabulary ids, extended with ids for the unknown words and
 * numbers met in this prompt (so the in-context component can copy them exactly), each with the background
 * class it is predicted through and its spelling log-probability within that class.
 */
export class Lexicon {
  private readonly extraIds = new Map<string, number>()
  private readonly extraKeys: Array<string> = []
  private readonly extraClasses: Array<number> = []
  private readonly extraSpelling: Array<number> = []

  constructor(readonly background: Background) {}

  get vocabularySize(): number {
    return this.background.vocabulary.length
  }

  idOf(key: string): number {
    const known = this.background.ids.get(key) ?? this.extraIds.get(key)
    if (known !== undefined) return known
    const id = this.vocabularySize + this.extraKeys.length
    this.extraIds.set(key, id)
    this.extraKeys.push(key)
    this.extraClasses.push(this.background.classOf(key))
    this.extraSpelling.push(this.background.spellingLogProbability(key))
    return id
  }

  /** How many ids this lexicon added to the vocabulary's (see `truncate`). */
  get extraCount(): number {
    return this.extraKeys.length
  }

  /**
   * Forgets the ids added after the first `count`, so that ids are handed out again exactly as in a fresh
   * lexicon that met only those `count` keys (used to rewind a reused prompt index).
   */
  truncate(count: number): void {
    for (let i = count; i < this.extraKeys.length; i++) this.extraIds.delete(this.extraKeys[i]!)
    this.extraKeys.length = Math.min(count, this.extraKeys.length)
    this.extraClasses.length = this.extraKeys.length
    this.extraSpelling.length = this.extraKeys.length
  }

  keyOf(id: number): string {
    const size = this.vocabularySize
    return id < size ? this.background.vocabulary[id]! : this.extraKeys[id - size]!
  }

  /** The background id this token is predicted through (itself for vocabulary words). */
  classOf(id: number): number {
    const size = this.vocabularySize
    return id < size ? id : this.extraClasses[id - size]!
  }

  spellingLogProbability(id: number): number {
    const size = this.vocabularySize
    return id < size ? 0 : this.extraSpelling[id - size]!
  }
}
