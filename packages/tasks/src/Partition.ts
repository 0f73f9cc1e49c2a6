import { makeRng } from "@lyceum/core"

/** One teacher's share of the training data; `holdout` is kept back for evaluation (e.g. voting). */
export interface Part<A> {
  readonly train: ReadonlyArray<A>
  readonly holdout: ReadonlyArray<A>
}

export interface PartitionOptions {
  /** Number of parts (teachers), a positive integer. */
  readonly parts: number
  readonly seed: number
  /** Fraction of each part held out, in [0, 1); rounded down per part. Default 0. */
  readonly holdoutFraction?: number
}

/**
 * Splits `items` IID into `parts` disjoint parts that together cover every item, with sizes differing by at
 * most one: a seeded shuffle dealt round robin. Invalid options are a programming error and throw RangeError.
 */
export const partitionIid = <A>(
  items: ReadonlyArray<A>,
  options: PartitionOptions,
): ReadonlyArray<Part<A>> => {
  const { parts, seed, holdoutFraction = 0 } = options
  if (!Number.isInteger(parts) || parts < 1)
    throw new RangeError(`parts must be a positive integer, got ${parts}`)
  if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
    throw new RangeError(`holdoutFraction must be in [0, 1), got ${holdoutFraction}`)
  }
  const shuffled = makeRng(seed).fork("partition-iid").shuffle(items)
  const buckets: Array<Array<A>> = Array.from({ length: parts }, () => [])
  shuffled.forEach((item, i) => {
    buckets[i % parts]!.push(item)
  })
  return buckets.map((bucket) => {
    const held = Math.floor(bucket.length * holdoutFraction)
    return { holdout: bucket.slice(0, held), train: bucket.slice(held) }
  })
}
