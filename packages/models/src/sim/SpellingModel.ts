import type { Rng } from "@lyceum/core"

/**
 * Character bigram model of how unknown words are spelled, so that a word the background has never seen still
 * gets a proper, spelling-dependent probability. Trained on the corpus's word types (lower case); characters
 * never seen share a small reserved mass, as if there were `unseenCharacters` of them.
 */

const end = "\u0000"
const start = "\u0001"
const unseenCharacters = 1000
/** Strength of the back-off from the bigram to the character unigram. */
const backoffStrength = 4
const maxSampledLength = 24

export class SpellingModel {
  private readonly unigram = new Map<string, number>()
  private readonly bigram = new Map<string, Map<string, number>>()
  private readonly contextTotals = new Map<string, number>()
  private unigramTotal = 0

  constructor(words: Iterable<string>) {
    for (const word of words) {
      let previous = start
      for (const char of [...word, end]) {
        this.unigram.set(char, (this.unigram.get(char) ?? 0) + 1)
        this.unigramTotal++
        let row = this.bigram.get(previous)
        if (row === undefined) {
          row = new Map()
          this.bigram.set(previous, row)
        }
        row.set(char, (row.get(char) ?? 0) + 1)
        this.contextTotals.set(previous, (this.contextTotals.get(previous) ?? 0) + 1)
        previous = char
      }
    }
  }

  /** Add-one unigram over the seen characters plus one shared slot for all unseen ones. */
  private unigramProbability(char: string): number {
    const denominator = this.unigramTotal + this.unigram.size + 1
    const count = this.unigram.get(char)
    return count === undefined ? 1 / denominator / unseenCharacters : (count + 1) / denominator
  }

  private charProbability(previous: string, char: string): number {
    const total = this.contextTotals.get(previous) ?? 0
    const count = this.bigram.get(previous)?.get(char) ?? 0
    return (count + backoffStrength * this.unigramProbability(char)) / (total + backoffStrength)
  }

  /** Natural-log probability of spelling `word` (then ending). */
  logProbability(word: string): number {
    let previous = start
    let sum = 0
    for (const char of [...word, end]) {
      sum += Math.log(this.charProbability(previous, char))
      previous = char
    }
    return sum
  }

  /** Samples a spelling among the seen characters (at least one character). */
  sample(rng: Rng): string {
    const chars = [...this.unigram.keys()]
    let previous = start
    let word = ""
    while (word.length < maxSampledLength) {
      let u = rng.next() * chars.reduce((sum, c) => sum + this.charProbability(previous, c), 0)
      let chosen = chars[chars.length - 1]!
      for (const c of chars) {
        u -= this.charProbability(previous, c)
        if (u <= 0) {
          chosen = c
          break
        }
      }
      if (chosen === end) {
        if (word.length > 0) break
        continue
      }
      word += chosen
      previous = chosen
    }
    return word
  }
}

/**
 * Digit bigram model for numbers of a given length: the background predicts "a number of L digits" and this
 * spells it, so different 4-digit codes get similar but not identical probabilities. Add-one smoothing.
 */
const otherDigitShare = 1e-3
const otherDigits = 1000

export class DigitModel {
  private readonly counts = new Float64Array(11 * 10)

  constructor(numbers: Iterable<string>) {
    for (const number of numbers) {
      let previous = 10
      for (const char of number) {
        const digit = char.charCodeAt(0) - 48
        if (digit < 0 || digit > 9) continue
        this.counts[previous * 10 + digit]!++
        previous = digit
      }
    }
  }

  private probability(previous: number, digit: number): number {
    let total = 0
    for (let d = 0; d < 10; d++) total += this.counts[previous * 10 + d]!
    return (this.counts[previous * 10 + digit]! + 1) / (total + 10)
  }

  /** Natural-log probability of the digits given their count. Other scripts' digits share 1/1000 of the mass. */
  logProbability(number: string): number {
    let previous = 10
    let sum = 0
    for (const char of number) {
      const digit = char.charCodeAt(0) - 48
      if (digit < 0 || digit > 9) {
        sum += Math.log(otherDigitShare / otherDigits)
        previous = 10
        continue
      }
      sum += Math.log((1 - otherDigitShare) * this.probability(previous, digit))
      previous = digit
    }
    return sum
  }

  /** Samples `length` digits. */
  sample(rng: Rng, length: number): string {
    let previous = 10
    let out = ""
    for (let i = 0; i < length; i++) {
      let u = rng.next()
      let digit = 9
      for (let d = 0; d < 10; d++) {
        u -= this.probability(previous, d)
        if (u <= 0) {
          digit = d
          break
        }
      }
      out += String(digit)
      previous = digit
    }
    return out
  }
}
