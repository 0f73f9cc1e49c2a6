/**
 * A bounded memory of message ids, for idempotent apply under at-least-once delivery: a message whose id is
 * remembered has been applied already. Holds at most `capacity` ids and forgets the oldest first, so memory
 * stays bounded; a duplicate arriving after more than `capacity` newer messages is applied again.
 * Each id may carry a value (e.g. the reply that was sent), so a redelivered ask gets the same answer.
 */
export class SeenIds<V = true> {
  private readonly entries = new Map<string, V>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`SeenIds capacity must be ≥ 1`)
  }

  get size(): number {
    return this.entries.size
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  get(id: string): V | undefined {
    return this.entries.get(id)
  }

  /** Remembers `id` (with `value`), evicting the oldest id when full. */
  remember(id: string, value: V): void {
    if (!this.entries.has(id) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(id, value)
  }
}
