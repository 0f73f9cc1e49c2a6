/**
 * The router's features and neighbours: TF-IDF vectors of item inputs (word unigrams, lower case, smoothed
 * idf fitted on the held-out items only) and cosine similarity. Small on purpose: a router must be cheaper than
 * the models it saves, and these features cost no model call.
 */

const words = (text: string): Array<string> => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []

export type SparseVector = ReadonlyMap<string, number>

export interface TfIdf {
  readonly vector: (text: string) => SparseVector
}

/** Fits idf = ln((1 + N) / (1 + df)) + 1 on `documents`; vectors are L2-normalised term frequency × idf. */
export const fitTfIdf = (documents: ReadonlyArray<string>): TfIdf => {
  const df = new Map<string, number>()
  for (const document of documents)
    for (const word of new Set(words(document))) df.set(word, (df.get(word) ?? 0) + 1)
  const n = documents.length
  // A word the held-out items never used weighs like the rarest seen one: it still tells items apart.
  const idf = (word: string) => Math.log((1 + n) / (1 + (df.get(word) ?? 0))) + 1
  return {
    vector: (text) => {
      const tf = new Map<string, number>()
      for (const word of words(text)) tf.set(word, (tf.get(word) ?? 0) + 1)
      const weighted = new Map([...tf].map(([word, count]) => [word, count * idf(word)] as const))
      const norm = Math.sqrt([...weighted.values()].reduce((sum, w) => sum + w * w, 0))
      return norm === 0 ? weighted : new Map([...weighted].map(([word, w]) => [word, w / norm] as const))
    },
  }
}

export const cosine = (a: SparseVector, b: SparseVector): number => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let dot = 0
  for (const [word, w] of small) dot += w * (large.get(word) ?? 0)
  return dot
}

/** Indexes of the `k` most similar of `candidates`, most similar first; ties by index (stable). */
export const nearest = (
  query: SparseVector,
  candidates: ReadonlyArray<SparseVector>,
  k: number,
): Array<number> =>
  candidates
    .map((vector, i) => ({ i, similarity: cosine(query, vector) }))
    .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
    .slice(0, k)
    .map((entry) => entry.i)

/**
 * The proposer to ask for an item: the one right most often on the item's neighbours; ties go to the one
 * right most often on all held-out items, then to the first declared. `correct[p][h]`: proposer p was right on
 * held-out item h. Returns the proposer and its accuracy on the neighbours (the router's confidence).
 */
export const route = (
  correct: ReadonlyArray<ReadonlyArray<boolean>>,
  neighbours: ReadonlyArray<number>,
): { readonly proposer: number; readonly confidence: number } => {
  const score = (row: ReadonlyArray<boolean>, on: ReadonlyArray<number>) => on.filter((h) => row[h]).length
  const all = correct[0]?.map((_, h) => h) ?? []
  let best = 0
  for (let p = 1; p < correct.length; p++) {
    const local = score(correct[p]!, neighbours) - score(correct[best]!, neighbours)
    const global = score(correct[p]!, all) - score(correct[best]!, all)
    if (local > 0 || (local === 0 && global > 0)) best = p
  }
  return {
    proposer: best,
    confidence: neighbours.length === 0 ? 0 : score(correct[best]!, neighbours) / neighbours.length,
  }
}
