/** A growable list of undirected edges `(a, b)` in two typed arrays (no object per edge). */
export class EdgeBuffer {
  private a: Int32Array
  private b: Int32Array
  private count = 0

  constructor(capacity = 1024) {
    this.a = new Int32Array(Math.max(1, capacity))
    this.b = new Int32Array(Math.max(1, capacity))
  }

  get length(): number {
    return this.count
  }

  push(a: number, b: number): void {
    if (this.count === this.a.length) {
      const grow = (old: Int32Array) => {
        const next = new Int32Array(old.length * 2)
        next.set(old)
        return next
      }
      this.a = grow(this.a)
      this.b = grow(this.b)
    }
    this.a[this.count] = a
    this.b[this.count] = b
    this.count++
  }

  from(edge: number): number {
    return this.a[edge]!
  }

  to(edge: number): number {
    return this.b[edge]!
  }

  /** Points edge `edge`'s far end elsewhere (a Watts–Strogatz rewiring). */
  setTo(edge: number, b: number): void {
    this.b[edge] = b
  }
}
