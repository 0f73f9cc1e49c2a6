import type { Background } from "./Background.js"
import { SimPredictor } from "./SimPredictor.js"

/**
 * How many prompt indexes a sim model keeps between calls: at most `entries` of them, holding at most `tokens`
 * prompt tokens together (an index costs memory per token: its in-context index and window bags). `entries: 0`
 * turns reuse off: every call indexes its prompt from scratch.
 */
export interface PrefixCacheLimits {
  readonly entries: number
  readonly tokens: number
}

/**
 * 16 indexes of at most 65,536 tokens together. Measured: under 1 KB of heap per kept token (784 bytes for 16
 * indexes of ~450 tokens after generating from them, 232 for one of 67,000), so at most ~64 MB per sim model
 * and typically a few MB. 16 lets that many students interleave their calls and each keep its learned prompt.
 */
export const defaultPrefixCacheLimits: PrefixCacheLimits = { entries: 16, tokens: 65_536 }

interface Entry {
  /** The prompt tokens the predictor holds, exactly. */
  readonly tokens: ReadonlyArray<string>
  readonly predictor: SimPredictor
}

/**
 * Prompt indexes kept between calls, so calls sharing a prompt prefix (a student's learned lessons, then one test
 * item per call) index the shared tokens once: a call takes the kept index sharing the longest token prefix
 * with its prompt, rewinds it to that prefix (`SimPredictor.rewind`, which leaves it exactly as if freshly
 * indexed) and pushes only the rest. Exact: every call sees the same predictor state as a fresh index of its
 * prompt, so outputs are identical with or without the cache. An index is reused only when it shares at least
 * half its tokens with the new prompt, so one student's call does not destroy another's index for a short
 * common header; otherwise a fresh one is built and the least recently used index is dropped. Indexes are
 * taken out while a call uses them, so two calls never share one.
 */
export class PrefixCache {
  /** Least recently used first. */
  private readonly entries: Array<Entry> = []
  private tokenTotal = 0

  constructor(
    private readonly background: Background,
    private readonly limits: PrefixCacheLimits = defaultPrefixCacheLimits,
  ) {}

  /** How many indexes are kept, and their prompt tokens together. */
  get size(): { readonly entries: number; readonly tokens: number } {
    return { entries: this.entries.length, tokens: this.tokenTotal }
  }

  /** A predictor holding exactly `tokens`, taken out of the cache until `release`. */
  take(tokens: ReadonlyArray<string>): SimPredictor {
    let best = -1
    let bestShared = 0
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const shared = sharedPrefix(this.entries[i]!.tokens, tokens)
      if (shared > bestShared) {
        best = i
        bestShared = shared
      }
    }
    let predictor: SimPredictor
    let from = 0
    const entry = this.entries[best]
    if (entry !== undefined && 2 * bestShared >= entry.tokens.length) {
      this.entries.splice(best, 1)
      this.tokenTotal -= entry.tokens.length
      predictor = entry.predictor
      predictor.rewind(bestShared)
      from = bestShared
    } else predictor = new SimPredictor(this.background)
    for (let i = from; i < tokens.length; i++) predictor.push(tokens[i]!)
    return predictor
  }

  /** Gives back a predictor from `take(tokens)`, whatever it pushed since; it is kept holding `tokens`. */
  release(tokens: ReadonlyArray<string>, predictor: SimPredictor): void {
    // An empty prompt's index is free to build: not worth a slot.
    if (tokens.length === 0 || this.limits.entries <= 0 || tokens.length > this.limits.tokens) return
    predictor.rewind(tokens.length)
    this.entries.push({ tokens, predictor })
    this.tokenTotal += tokens.length
    while (this.entries.length > this.limits.entries || this.tokenTotal > this.limits.tokens) {
      this.tokenTotal -= this.entries.shift()!.tokens.length
    }
  }
}

const sharedPrefix = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): number => {
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a[i] === b[i]) i++
  return i
}
