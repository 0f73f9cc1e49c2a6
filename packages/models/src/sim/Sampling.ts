import type { Rng } from "@lyceum/core"

/**
 * Picks an index from unnormalised probabilities: the most likely at temperature 0, otherwise a sample from
 * `p^(1/temperature)` restricted to the smallest set of most likely entries whose mass reaches `topP`.
 *
 * An entry may stand for a whole class of strings (every unknown word, every 4-digit number): its
 * `logMultiplicity` is the log of how many strings it is effectively spread over, and tempering treats it as
 * that many equally likely strings (`M · (p/M)^(1/T)`), so at low temperature a class does not win merely by
 * being large. At temperature 1 this changes nothing.
 */
export const pickIndex = (
  probabilities: ArrayLike<number>,
  temperature: number,
  topP: number,
  rng: Rng,
  logMultiplicity?: ArrayLike<number>,
): number => {
  const n = probabilities.length
  const multiplicity = (i: number) => (logMultiplicity === undefined ? 0 : (logMultiplicity[i] ?? 0))
  if (temperature <= 0) {
    let best = 0
    let bestScore = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      const score = Math.log(probabilities[i]!) - multiplicity(i)
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    }
    return best
  }
  const weights = new Float64Array(n)
  let total = 0
  if (temperature === 1) {
    // Multiplicities cancel at temperature 1: sample the probabilities as they are.
    for (let i = 0; i < n; i++) {
      const w = Math.max(0, probabilities[i]!)
      weights[i] = w
      total += w
    }
  } else {
    let max = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      const m = multiplicity(i)
      const logWeight = (Math.log(probabilities[i]!) - m) / temperature + m
      weights[i] = logWeight
      if (logWeight > max) max = logWeight
    }
    if (max === Number.NEGATIVE_INFINITY) return 0
    for (let i = 0; i < n; i++) {
      const w = Math.exp(weights[i]! - max)
      weights[i] = w
      total += w
    }
  }
  if (!(total > 0)) return 0
  let u = rng.next()
  if (topP >= 1) {
    u *= total
    let last = 0
    for (let i = 0; i < n; i++) {
      if (weights[i]! <= 0) continue
      last = i
      u -= weights[i]!
      if (u < 0) return i
    }
    return last
  }
  const sorted = Array.from({ length: n }, (_, i) => i)
    .filter((i) => weights[i]! > 0)
    .sort((a, b) => weights[b]! - weights[a]! || a - b)
  let kept = 0
  let mass = 0
  while (kept < sorted.length && mass < topP * total) mass += weights[sorted[kept++]!]!
  u *= mass
  for (let k = 0; k < kept; k++) {
    u -= weights[sorted[k]!]!
    if (u < 0) return sorted[k]!
  }
  return sorted[Math.max(0, kept - 1)]!
}
