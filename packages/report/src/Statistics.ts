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
