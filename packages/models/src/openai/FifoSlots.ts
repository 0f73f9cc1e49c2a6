import { Effect } from "effect"

/** One fiber queued for a slot; `resume` is there once it has suspended. */
interface Waiter {
  state: "queued" | "handed" | "running" | "gone"
  resume: ((effect: Effect.Effect<void>) => void) | undefined
}

/**
 * A counting pool of slots served strictly first come, first served.
 *
 * Effect's `Semaphore` wakes every waiter on each release and lets them race for the permit, which costs a
 * wake-up per waiter per release and lets a newcomer overtake them. Here a release hands its slot straight to
 * the head waiter: the slot stays taken while it changes owner, so exactly one fiber wakes and no newcomer can
 * slip in before it.
 */
export class FifoSlots {
  private taken = 0
  private readonly queue: Array<Waiter> = []

  constructor(private capacity: number) {}

  /** Slots free right now (0 while over capacity after a shrink). */
  get available(): number {
    return Math.max(0, this.capacity - this.taken)
  }

  /** Fibers queued for a slot. */
  get waiting(): number {
    return this.queue.length
  }

  /** Runs `effect` holding a slot, waiting in line for one if none is free; the slot is given back however it ends. */
  withSlot = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) => {
      // Checking, taking or queueing, and installing the release all happen in this one uninterruptible step,
      // so no interruption can fall between owning a slot and owing it back.
      const run = Effect.ensuring(restore(effect), this.release)
      if (this.taken < this.capacity && this.queue.length === 0) {
        this.taken += 1
        return run
      }
      const waiter: Waiter = { state: "queued", resume: undefined }
      this.queue.push(waiter)
      return Effect.matchCauseEffect(restore(this.handedTo(waiter)), {
        // Only interruption gets here. It may come while queued, or after the slot was handed over but before
        // we resumed (even after the wait itself succeeded, when the interruptible region is left), so this is
        // the single place that cleans up, and it looks at what the waiter actually holds.
        onFailure: (cause) => {
          this.abandon(waiter)
          return Effect.failCause(cause)
        },
        onSuccess: () => {
          waiter.state = "running"
          return run
        },
      })
    })

  /** Sets the number of slots: new ones go to the waiters at once; when shrinking, work holding a slot drains. */
  resize = (capacity: number): Effect.Effect<void> => Effect.sync(() => this.setCapacity(capacity))

  /** `resize` outside an effect (e.g. from an HTTP response callback): hand-offs resume the waiters' fibers. */
  setCapacity(capacity: number): void {
    this.capacity = capacity
    while (this.taken < this.capacity) {
      const next = this.queue.shift()
      if (next === undefined) break
      this.taken += 1
      this.handOff(next)
    }
  }

  /** Waits until `waiter` has been handed a slot. No canceller: `withSlot` cleans up on interruption. */
  private handedTo(waiter: Waiter): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      // The hand-off can come between queueing and suspending (the fiber may yield in between).
      if (waiter.state === "handed") resume(Effect.void)
      else waiter.resume = resume
    })
  }

  private handOff(waiter: Waiter): void {
    waiter.state = "handed"
    waiter.resume?.(Effect.void)
  }

  private releaseSlot(): void {
    // Over capacity after a shrink, the slot is retired rather than passed on.
    const next = this.taken <= this.capacity ? this.queue.shift() : undefined
    if (next === undefined) this.taken -= 1
    else this.handOff(next)
  }

  private readonly release = Effect.sync(() => this.releaseSlot())

  /** An interrupted waiter leaves the line, or passes on the slot it was handed and will not use. */
  private abandon(waiter: Waiter): void {
    if (waiter.state === "queued") this.queue.splice(this.queue.indexOf(waiter), 1)
    else if (waiter.state === "handed") this.releaseSlot()
    waiter.state = "gone"
  }
}
