/**
 * Interpolated Kneser–Ney trigram model over integer token ids (Chen & Goodman 1998, one discount per order
 * estimated as n1 / (n1 + 2 n2)). Lower orders use continuation counts; the unigram interpolates with the
 * uniform distribution over the vocabulary, so every id has a probability.
 */

interface Context {
  /** Mass left to the lower order: D * (distinct followers) / (total count). */
  readonly backoff: number
  readonly words: Int32Array
  /** max(count - D, 0) / total, per follower. */
  readonly weights: Float64Array
  readonly lookup: Map<number, number>
}

const discount = (countsOfCounts: Iterable<number>): number => {
  let n1 = 0
  let n2 = 0
  for (const count of countsOfCounts) {
    if (count === 1) n1++
    else if (count === 2) n2++
  }
  const d = n1 + 2 * n2 === 0 ? 0.75 : n1 / (n1 + 2 * n2)
  return Math.min(0.95, Math.max(0.1, d))
}

const buildContexts = (counts: Map<number, number>, size: number, d: number): Map<number, Context> => {
  const grouped = new Map<number, Array<[number, number]>>()
  for (const [key, count] of counts) {
    const context = Math.floor(key / size)
    const word = key - context * size
    let list = grouped.get(context)
    if (list === undefined) {
      list = []
      grouped.set(context, list)
    }
    list.push([word, count])
  }
  const out = new Map<number, Context>()
  for (const [context, list] of grouped) {
    list.sort((a, b) => a[0] - b[0])
    const total = list.reduce((sum, [, count]) => sum + count, 0)
    const words = Int32Array.from(list, ([word]) => word)
    const weights = Float64Array.from(list, ([, count]) => Math.max(count - d, 0) / total)
    const lookup = new Map<number, number>()
    list.forEach(([word], i) => {
      lookup.set(word, weights[i]!)
    })
    out.set(context, { backoff: (d * list.length) / total, words, weights, lookup })
  }
  return out
}

export class KneserNey {
  private readonly unigram: Float64Array
  private readonly bigrams: Map<number, Context>
  private readonly trigrams: Map<number, Context>

  /** `stream` is the training text as ids in [0, size). */
  constructor(
    stream: ArrayLike<number>,
    readonly size: number,
  ) {
    const trigramCounts = new Map<number, number>()
    for (let i = 2; i < stream.length; i++) {
      const key = (stream[i - 2]! * size + stream[i - 1]!) * size + stream[i]!
      trigramCounts.set(key, (trigramCounts.get(key) ?? 0) + 1)
    }
    // Continuation counts: in how many distinct contexts each shorter n-gram appears.
    const bigramContinuations = new Map<number, number>()
    for (const key of trigramCounts.keys()) {
      const bigram = key % (size * size)
      bigramContinuations.set(bigram, (bigramContinuations.get(bigram) ?? 0) + 1)
    }
    const unigramContinuations = new Float64Array(size)
    for (const bigram of bigramContinuations.keys()) unigramContinuations[bigram % size]!++

    const d1 = discount(unigramContinuations)
    const total = unigramContinuations.reduce((sum, count) => sum + count, 0)
    const types = unigramContinuations.reduce((sum, count) => sum + (count > 0 ? 1 : 0), 0)
    this.unigram = unigramContinuations.map(
      (count) => Math.max(count - d1, 0) / total + (d1 * types) / total / size,
    )
    this.bigrams = buildContexts(bigramContinuations, size, discount(bigramContinuations.values()))
    this.trigrams = buildContexts(trigramCounts, size, discount(trigramCounts.values()))
  }

  /** The lowest-order (continuation) probability of w, independent of context. */
  unigramProbability(w: number): number {
    return this.unigram[w]!
  }

  /** P(w | u v). */
  probability(u: number, v: number, w: number): number {
    let p = this.unigram[w]!
    const bigram = this.bigrams.get(v)
    if (bigram !== undefined) p = bigram.backoff * p + (bigram.lookup.get(w) ?? 0)
    const trigram = this.trigrams.get(u * this.size + v)
    if (trigram !== undefined) p = trigram.backoff * p + (trigram.lookup.get(w) ?? 0)
    return p
  }

  /** Writes P(· | u v) for every id into `out` (length `size`). */
  distribution(u: number, v: number, out: Float64Array): void {
    out.set(this.unigram)
    for (const context of [this.bigrams.get(v), this.trigrams.get(u * this.size + v)]) {
      if (context === undefined) continue
      for (let i = 0; i < out.length; i++) out[i]! *= context.backoff
      for (let i = 0; i < context.words.length; i++) out[context.words[i]!]! += context.weights[i]!
    }
  }
}
