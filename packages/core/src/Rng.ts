/**
 * Seeded, splittable randomness. Every random choice in Lyceum draws from an `Rng` derived from the run's seed
 * and a path of names (repeat, agent, round, ...), so a run is reproducible and independent of scheduling order.
 */

/** A 32-bit hash of the seed and keys (xmur3 mixing); used to derive child seeds. */
export const deriveSeed = (seed: number, ...keys: ReadonlyArray<string | number>): number => {
  let h = (1779033703 ^ seed) >>> 0
  for (const key of keys) {
    const text = `/${String(key)}`
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353)
      h = (h << 13) | (h >>> 19)
    }
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507)
  h = Math.imul(h ^ (h >>> 13), 3266489909)
  return (h ^ (h >>> 16)) >>> 0
}

export interface Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [0, n). */
  readonly int: (n: number) => number
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** A shuffled copy (Fisher–Yates). */
  readonly shuffle: <A>(items: ReadonlyArray<A>) => Array<A>
  /** An independent generator for a named sub-stream. */
  readonly fork: (...keys: ReadonlyArray<string | number>) => Rng
}

/** mulberry32: small, fast and good enough for simulation (not for cryptography). */
export const makeRng = (seed: number): Rng => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("Rng.pick on an empty array")
      return items[int(items.length)]!
    },
    shuffle: (items) => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1)
        const tmp = out[i]!
        out[i] = out[j]!
        out[j] = tmp
      }
      return out
    },
    fork: (...keys) => makeRng(deriveSeed(seed, ...keys)),
  }
}
