/** Arithmetic mean; NaN for no values. */
export const mean = (values: ReadonlyArray<number>): number =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length

/** Standard error of the mean (sample standard deviation / sqrt(n)); undefined below two values. */
export const standardError = (values: ReadonlyArray<number>): number | undefined => {
  if (values.length < 2) return undefined
  const m = mean(values)
  const variance = values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1)
  return Math.sqrt(variance / values.length)
}

/**
 * The p-quantile of values already sorted ascending, interpolating linearly between order statistics (R's
 * default, type 7): position p * (n - 1). NaN for no values.
 */
export const quantile = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const position = Math.min(Math.max(p, 0), 1) * (sorted.length - 1)
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!)
}
