/**
 * The sim model's in-context component (a cache / kNN-LM over the prompt itself). To predict the next token it
 * looks at the earlier places where the previous token occurred and takes the token that followed there,
 * weighted by
 * - how long the exact match of the contexts is (the longer the suffix the two places share, the more weight:
 *   this is what makes text seen in the prompt likely again, i.e. memorisation); places matching less than
 *   half as long as the best one are left out, backing off to the longest matching contexts as PPM and
 *   infini-gram do, and
 * - how similar the two places' recent windows are (tf-idf cosine of the tokens since the start of the current
 *   segment, segments being separated by blank lines; besides the tokens themselves the windows hold coarse
 *   features such as "an unknown word", "an 11-digit number", "a capitalised word", and each feature is
 *   weighted by how rare it is in general English): in a few-shot prompt the label after `Class:` is thus
 *   taken mostly from the examples that resemble the current one, which is what makes in-context learning work.
 * How much the model trusts this component (its share λ of the mixture) is Witten–Bell-like: more for more and
 * longer matches, less when the places disagree about what comes next.
 * Indexes are updated per token (`push`/`pop`), so a prompt is indexed once (and a prompt prefix shared by
 * several calls once for all of them, see `PrefixCache`) and each step only visits the places that share the
 * previous token.
 */

export interface InContextParameters {
  /** Weight per matched token: a candidate's log-weight grows by this for each token of exact match. */
  readonly matchWeight: number
  /** Matches are counted up to this length. */
  readonly maxMatch: number
  /** Only places whose match is at least this share of the longest match are used. */
  readonly minMatchShare: number
  /** Log-weight per unit of window cosine similarity. */
  readonly similarityWeight: number
  /** Window (in tokens) compared for similarity, at most back to the segment start. */
  readonly window: number
  /** At most this many most recent candidate places are visited per step. */
  readonly maxCandidates: number
  /**
   * The in-context share λ is `maxShare * e / (e + diversityPenalty * k)`, Witten–Bell style: the evidence e is
   * the sum over the places used of match length / `shareScale`, and k = exp(entropy) is the effective number
   * of different next tokens they predict.
   */
  readonly maxShare: number
  readonly shareScale: number
  readonly diversityPenalty: number
}

export const defaultInContextParameters: InContextParameters = {
  matchWeight: 0.6,
  maxMatch: 24,
  minMatchShare: 0.5,
  similarityWeight: 40,
  window: 64,
  maxCandidates: 512,
  maxShare: 0.95,
  shareScale: 2,
  diversityPenalty: 1,
}

/** The in-context prediction at one position: its mixture share and its distribution over token ids. */
export interface InContextPrediction {
  readonly share: number
  /** Token id to probability (sums to 1), empty when there is nothing to copy. */
  readonly distribution: ReadonlyMap<number, number>
}

interface Segment {
  readonly start: number
  /** The position of the newline that opened this segment (-1 for the first). */
  readonly openedBy: number
  readonly counts: Map<number, number>
}

const noPrediction: InContextPrediction = { share: 0, distribution: new Map() }

export class InContextIndex {
  readonly ids: Array<number> = []
  /** Per position, the features its token contributes to window bags (its id, and coarser classes). */
  private readonly features: Array<ReadonlyArray<number>> = []
  private readonly occurrences = new Map<number, Array<number>>()
  /** `windowStart[p]`: where the window for predicting position p starts (its segment start). */
  private readonly windowStart: Array<number> = [0]
  private readonly segments: Array<Segment> = [{ start: 0, openedBy: -1, counts: new Map() }]
  private readonly documentFrequency = new Map<number, number>()
  private readonly windowBags: Array<Map<number, number> | undefined> = []
  private readonly informativeness = new Map<number, number>()

  /** `rarity(feature)` in [0, 1]: how informative a feature is in general (low for function words). */
  constructor(
    private readonly newlineId: number,
    private readonly rarity: (id: number) => number,
    private readonly parameters: InContextParameters = defaultInContextParameters,
  ) {}

  get length(): number {
    return this.ids.length
  }

  /** Appends a token; `features` (default: just the id) are what window similarity compares. */
  push(id: number, features: ReadonlyArray<number> = [id]): void {
    const position = this.ids.length
    this.ids.push(id)
    this.features.push(features)
    let list = this.occurrences.get(id)
    if (list === undefined) {
      list = []
      this.occurrences.set(id, list)
    }
    list.push(position)
    const counts = this.segments.at(-1)!.counts
    for (const feature of features) {
      const count = (counts.get(feature) ?? 0) + 1
      counts.set(feature, count)
      if (count === 1) this.documentFrequency.set(feature, (this.documentFrequency.get(feature) ?? 0) + 1)
    }
    if (id === this.newlineId && position > 0 && this.ids[position - 1] === this.newlineId) {
      this.segments.push({ start: position + 1, openedBy: position, counts: new Map() })
    }
    this.windowStart.push(this.segments.at(-1)!.start)
  }

  pop(): void {
    const position = this.ids.length - 1
    if (position < 0) return
    const id = this.ids.pop()!
    const features = this.features.pop()!
    this.windowStart.pop()
    if (this.segments.at(-1)!.openedBy === position) this.segments.pop()
    const counts = this.segments.at(-1)!.counts
    for (const feature of features) {
      const count = counts.get(feature)! - 1
      if (count === 0) {
        counts.delete(feature)
        const df = this.documentFrequency.get(feature)! - 1
        if (df === 0) this.documentFrequency.delete(feature)
        else this.documentFrequency.set(feature, df)
      } else counts.set(feature, count)
    }
    this.occurrences.get(id)!.pop()
    if (this.windowBags.length > position + 1) this.windowBags.length = position + 1
  }

  /**
   * Drops the cached informativeness of every id from `firstId` on: after the lexicon hands those ids out again
   * (see `Lexicon.truncate`) they may name other words. Shape features (negative ids) are kept.
   */
  forgetIdsFrom(firstId: number): void {
    for (const id of this.informativeness.keys()) if (id >= firstId) this.informativeness.delete(id)
  }

  /** Inverse document frequency over the prompt's segments, times the feature's general rarity. */
  private tokenWeight(id: number, segments: number): number {
    let rarity = this.informativeness.get(id)
    if (rarity === undefined) {
      rarity = this.rarity(id)
      this.informativeness.set(id, rarity)
    }
    // A flat idf: words in every segment (the format's "Text", "Class", newlines) still count a little, so
    // windows of similar length and shape resemble each other.
    return rarity * Math.log(1 + segments / Math.max(1, this.documentFrequency.get(id) ?? 0))
  }

  /** Token counts of the window before position `j`. */
  private windowBag(j: number): Map<number, number> {
    const cached = this.windowBags[j]
    if (cached !== undefined) return cached
    const bag = new Map<number, number>()
    for (let i = Math.max(this.windowStart[j]!, j - this.parameters.window); i < j; i++) {
      for (const feature of this.features[i]!) bag.set(feature, (bag.get(feature) ?? 0) + 1)
    }
    this.windowBags[j] = bag
    return bag
  }

  private weighted(
    bag: Map<number, number>,
    segments: number,
  ): { readonly vector: Map<number, number>; readonly norm: number } {
    const vector = new Map<number, number>()
    let squares = 0
    for (const [id, count] of bag) {
      const weight = (1 + Math.log(count)) * this.tokenWeight(id, segments)
      vector.set(id, weight)
      squares += weight * weight
    }
    return { vector, norm: Math.sqrt(squares) }
  }

  /** The in-context prediction for the next position. */
  predict(): InContextPrediction {
    const t = this.ids.length
    if (t === 0) return noPrediction
    const { ids, parameters } = this
    const previous = ids[t - 1]!
    const places = this.occurrences.get(previous)!
    if (places.length < 2) return noPrediction
    const segments = this.segments.length - (this.segments.at(-1)!.counts.size === 0 ? 1 : 0)
    // First the exact match length of every candidate place; only the places whose match is at least half the
    // longest are used (backing off to the longest matching contexts, as PPM or infini-gram do, but keeping
    // near misses so that e.g. every label line of a few-shot prompt counts).
    const oldest = Math.max(0, places.length - 1 - parameters.maxCandidates)
    const matches: Array<number> = []
    let longest = 0
    // The last place is t - 1 itself, whose next token is what we are predicting.
    for (let k = places.length - 2; k >= oldest; k--) {
      const p = places[k]!
      let match = 1
      while (match < parameters.maxMatch && p - match >= 0 && ids[p - match] === ids[t - 1 - match]) match++
      matches.push(match)
      if (match > longest) longest = match
    }
    const query = this.weighted(this.windowBag(t), segments)
    const shortest = Math.ceil(longest * parameters.minMatchShare)
    const masses = new Map<number, number>()
    let total = 0
    let evidence = 0
    for (let k = places.length - 2, c = 0; k >= oldest; k--, c++) {
      const match = matches[c]!
      if (match < shortest) continue
      const p = places[k]!
      let similarity = 0
      if (query.norm > 0) {
        let dot = 0
        let squares = 0
        for (const [id, count] of this.windowBag(p + 1)) {
          const weight = (1 + Math.log(count)) * this.tokenWeight(id, segments)
          squares += weight * weight
          const q = query.vector.get(id)
          if (q !== undefined) dot += q * weight
        }
        if (squares > 0) similarity = dot / (query.norm * Math.sqrt(squares))
      }
      const weight = Math.exp(parameters.matchWeight * match + parameters.similarityWeight * similarity)
      const next = ids[p + 1]!
      masses.set(next, (masses.get(next) ?? 0) + weight)
      total += weight
      evidence += match / parameters.shareScale
    }
    let entropy = 0
    for (const [id, mass] of masses) {
      const p = mass / total
      masses.set(id, p)
      if (p > 0) entropy -= p * Math.log(p)
    }
    // Witten–Bell-like trust: more for more places and longer matches, less when they disagree.
    return {
      share: (parameters.maxShare * evidence) / (evidence + parameters.diversityPenalty * Math.exp(entropy)),
      distribution: masses,
    }
  }
}
