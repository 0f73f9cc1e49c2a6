/**
 * A set of undirected edges in open addressing over two typed arrays: a JavaScript `Set` of numeric keys would
 * box each key above 2^31 (a million nodes squared), ~40 bytes per edge; this is 8 bytes per slot.
 */
export class EdgeSet {
  private lows: Int32Array
  private highs: Int32Array
  private size = 0

  constructor(expected = 16) {
    let capacity = 16
    while (capacity < expected * 2) capacity *= 2
    this.lows = new Int32Array(capacity).fill(-1)
    this.highs = new Int32Array(capacity)
  }

  private slot(low: number, high: number): number {
    const mask = this.lows.length - 1
    let h = Math.imul(low, 0x9e3779b1) ^ Math.imul(high ^ (high >>> 15), 0x85ebca6b)
    h ^= h >>> 13
    let i = h & mask
    while (this.lows[i] !== -1 && (this.lows[i] !== low || this.highs[i] !== high)) i = (i + 1) & mask
    return i
  }

  has(a: number, b: number): boolean {
    const low = Math.min(a, b)
    const high = Math.max(a, b)
    return this.lows[this.slot(low, high)] !== -1
  }

  add(a: number, b: number): void {
    const low = Math.min(a, b)
    const high = Math.max(a, b)
    const i = this.slot(low, high)
    if (this.lows[i] !== -1) return
    this.lows[i] = low
    this.highs[i] = high
    if (++this.size * 2 > this.lows.length) this.grow()
  }

  private grow(): void {
    const lows = this.lows
    const highs = this.highs
    this.lows = new Int32Array(lows.length * 2).fill(-1)
    this.highs = new Int32Array(lows.length * 2)
    for (let i = 0; i < lows.length; i++) {
      if (lows[i] === -1) continue
      const j = this.slot(lows[i]!, highs[i]!)
      this.lows[j] = lows[i]!
      this.highs[j] = highs[i]!
    }
  }
}
