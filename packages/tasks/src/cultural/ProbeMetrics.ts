/**
 * Accuracy on cultural probes, per culture, per topic and per (culture, topic), and the cultural gap, from
 * per-item outcomes. Pure: item metadata comes from a lookup (such as `ProbeTask.metadata`). Outcomes whose
 * item the lookup does not know are left out; `unknownOutcomes` lists them.
 */

/** Whether one probe item was answered correctly. */
export interface ProbeOutcome {
  readonly itemId: string
  readonly correct: boolean
}

/** Culture and topic of a probe item id; undefined for an unknown id. */
export type ProbeLookup = (itemId: string) => { readonly culture: string; readonly topic: string } | undefined

export interface AccuracyCell {
  readonly correct: number
  readonly n: number
  /** `correct / n`. */
  readonly accuracy: number
}
export interface CultureAccuracy extends AccuracyCell {
  readonly culture: string
}
export interface TopicAccuracy extends AccuracyCell {
  readonly topic: string
}
/** One row of the `probe_accuracy` view's grain: a culture's accuracy on one topic. */
export interface CultureTopicAccuracy extends AccuracyCell {
  readonly culture: string
  readonly topic: string
}

export interface CulturalGap {
  /** The culture with the highest accuracy (the first such in culture order on ties). */
  readonly best: CultureAccuracy
  /** The culture with the lowest accuracy (the first such in culture order on ties). */
  readonly worst: CultureAccuracy
  /** `best.accuracy - worst.accuracy`. */
  readonly gap: number
  /** Every culture, in culture order, with how far it is behind the best (0 for the best). */
  readonly behindBest: ReadonlyArray<{
    readonly culture: string
    readonly accuracy: number
    readonly gap: number
  }>
}

const tally = <K extends string>(
  outcomes: ReadonlyArray<ProbeOutcome>,
  lookup: ProbeLookup,
  keyOf: (meta: { readonly culture: string; readonly topic: string }) => K,
): ReadonlyArray<readonly [K, AccuracyCell]> => {
  const counts = new Map<K, { correct: number; n: number }>()
  for (const outcome of outcomes) {
    const meta = lookup(outcome.itemId)
    if (meta === undefined) continue
    const key = keyOf(meta)
    const cell = counts.get(key) ?? { correct: 0, n: 0 }
    cell.n++
    if (outcome.correct) cell.correct++
    counts.set(key, cell)
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { correct, n }]) => [key, { correct, n, accuracy: correct / n }] as const)
}

/** Accuracy per culture, sorted by culture id. */
export const accuracyByCulture = (
  outcomes: ReadonlyArray<ProbeOutcome>,
  lookup: ProbeLookup,
): ReadonlyArray<CultureAccuracy> =>
  tally(outcomes, lookup, (meta) => meta.culture).map(([culture, cell]) => ({ culture, ...cell }))

/** Accuracy per topic over all cultures, sorted by topic. */
export const accuracyByTopic = (
  outcomes: ReadonlyArray<ProbeOutcome>,
  lookup: ProbeLookup,
): ReadonlyArray<TopicAccuracy> =>
  tally(outcomes, lookup, (meta) => meta.topic).map(([topic, cell]) => ({ topic, ...cell }))

/** Accuracy per (culture, topic), sorted by culture then topic. */
export const accuracyByCultureAndTopic = (
  outcomes: ReadonlyArray<ProbeOutcome>,
  lookup: ProbeLookup,
): ReadonlyArray<CultureTopicAccuracy> =>
  tally(outcomes, lookup, (meta) => JSON.stringify([meta.culture, meta.topic])).map(([key, cell]) => {
    const [culture, topic] = JSON.parse(key) as [string, string]
    return { culture, topic, ...cell }
  })

/** The gap between the best and the worst culture, and each culture's distance to the best; undefined when empty. */
export const culturalGap = (byCulture: ReadonlyArray<CultureAccuracy>): CulturalGap | undefined => {
  const first = byCulture[0]
  if (first === undefined) return undefined
  let best = first
  let worst = first
  for (const cell of byCulture) {
    if (cell.accuracy > best.accuracy) best = cell
    if (cell.accuracy < worst.accuracy) worst = cell
  }
  return {
    best,
    worst,
    gap: best.accuracy - worst.accuracy,
    behindBest: byCulture.map((cell) => ({
      culture: cell.culture,
      accuracy: cell.accuracy,
      gap: best.accuracy - cell.accuracy,
    })),
  }
}

/** The outcomes whose item id the lookup does not know (a sign that outcomes and probes do not match). */
export const unknownOutcomes = (
  outcomes: ReadonlyArray<ProbeOutcome>,
  lookup: ProbeLookup,
): ReadonlyArray<ProbeOutcome> => outcomes.filter((outcome) => lookup(outcome.itemId) === undefined)
