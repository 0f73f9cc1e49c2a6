/**
 * A bounded FIFO for one actor. Offers are synchronous, so a sender learns at once whether its message was
 * accepted. The item being processed is tracked (`inFlight`) so that closing the mailbox hands back every
 * message that was accepted but not answered: none is silently dropped. An idle, empty mailbox is one small
 * object and one empty array.
 */
export class Mailbox<A> {
  private items: Array<A> = []
  private head = 0
  private closed = false
  /** The item taken by `poll` and not yet marked `done`. */
  inFlight: A | undefined = undefined

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head
  }

  offer(item: A): "accepted" | "full" | "closed" {
    if (this.closed) return "closed"
    if (this.size >= this.capacity) return "full"
    this.items.push(item)
    return "accepted"
  }

  /** Takes the oldest item and marks it in flight; `undefined` when empty. */
  poll(): A | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]!
    this.items[this.head] = undefined as A
    this.head++
    if (this.head === this.items.length) {
      this.items.length = 0
      this.head = 0
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    this.inFlight = item
    return item
  }

  done(): void {
    this.inFlight = undefined
  }

  /** Refuses further offers and returns everything accepted but unanswered, the in-flight item first. */
  close(): Array<A> {
    this.closed = true
    const pending = this.inFlight === undefined ? [] : [this.inFlight]
    for (let i = this.head; i < this.items.length; i++) pending.push(this.items[i]!)
    this.inFlight = undefined
    this.items = []
    this.head = 0
    return pending
  }
}
