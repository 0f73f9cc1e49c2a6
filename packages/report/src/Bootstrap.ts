import { makeRng } from "@lyceum/core"
import { mean, quantile } from "./Statistics.js"

/** A confidence interval of a mean. */
export interface MeanInterval {
  readonly mean: number
  readonly lower: number
  readonly upper: number
  /** e.g. 0.95. */
  readonly confidence: number
}

export interface BootstrapOptions {
  /** Default 0.95. */
  readonly confidence?: number
  /** Resamples drawn; default 10^4. */
  readonly resamples?: number
  /** Seed of the resampling, so a report is reproducible; default 0. */
  readonly seed?: number
}

/**
 * Percentile bootstrap interval of the mean: resample the values with replacement, and take the
 * (1 - confidence) / 2 and (1 + confidence) / 2 quantiles of the resampled means. Unlike mean ± 1.96 SEM it
 * stays inside [0, 1] for accuracies and needs no normality. NaN bounds for no values.
 */
export const bootstrapMeanInterval = (
  values: ReadonlyArray<number>,
  options: BootstrapOptions = {},
): MeanInterval => {
  const confidence = options.confidence ?? 0.95
  const resamples = options.resamples ?? 10_000
  if (values.length === 0) return { mean: Number.NaN, lower: Number.NaN, upper: Number.NaN, confidence }
  const rng = makeRng(options.seed ?? 0)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    for (let i = 0; i < values.length; i++) sum += values[rng.int(values.length)]!
    means[r] = sum / values.length
  }
  means.sort()
  return {
    mean: mean(values),
    lower: quantile(means, (1 - confidence) / 2),
    upper: quantile(means, (1 + confidence) / 2),
    confidence,
  }
}
