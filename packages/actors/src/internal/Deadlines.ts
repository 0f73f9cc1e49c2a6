import { type Clock, Duration, Effect, type Fiber, FiberId, Runtime } from "effect"

export interface Deadline {
  readonly at: number
  /** Cleared once the deadline fired or was cancelled. */
  expire: (() => void) | undefined
}

/** Deadlines that share one timeout: added in time order, so they also expire in that order. */
interface Lane {
  entries: Array<Deadline | undefined>
  head: number
  live: number
}

const laneSize = (lane: Lane) => lane.entries.length - lane.head

/**
 * Ask deadlines on an Effect `Clock` (so `TestClock` drives them in tests), served by one sleeping fiber for
 * all asks instead of a timer fiber per ask, which cost about 30 µs per ask. Deadlines sharing a timeout are
 * a FIFO, so the next wake-up is the earliest head of a few lanes.
 */
export class Deadlines {
  private readonly lanes = new Map<number, Lane>()
  private wakeAt = Number.POSITIVE_INFINITY
  /** Bumped whenever a new sleeper supersedes the current one, so a superseded one does nothing if it wakes. */
  private generation = 0
  private sleeper: Fiber.RuntimeFiber<void> | undefined = undefined
  private closed = false

  constructor(
    private readonly clock: Clock.Clock,
    private readonly runtime: Runtime.Runtime<never>,
  ) {}

  /** Calls `expire` once `timeoutMillis` have passed on the clock, unless cancelled first. */
  add(timeoutMillis: number, expire: () => void): Deadline {
    const deadline: Deadline = { at: this.clock.unsafeCurrentTimeMillis() + timeoutMillis, expire }
    if (this.closed) {
      deadline.expire = undefined
      expire()
      return deadline
    }
    let lane = this.lanes.get(timeoutMillis)
    if (lane === undefined) {
      lane = { entries: [], head: 0, live: 0 }
      this.lanes.set(timeoutMillis, lane)
    }
    lane.entries.push(deadline)
    lane.live++
    if (deadline.at < this.wakeAt) {
      this.wakeAt = deadline.at
      const generation = ++this.generation
      this.sleeper?.unsafeInterruptAsFork(FiberId.none)
      this.sleeper = Runtime.runFork(this.runtime)(this.sleepUntil(generation, deadline.at))
    }
    return deadline
  }

  /**
   * Stops the sleeper (so no timer outlives the system) and expires every pending deadline now: an ask still
   * waiting when its system closes fails rather than hangs. Later deadlines expire as soon as they are added.
   */
  readonly close: Effect.Effect<void> = Effect.sync(() => {
    this.closed = true
    this.generation++
    this.sleeper?.unsafeInterruptAsFork(FiberId.none)
    this.sleeper = undefined
    this.wakeAt = Number.POSITIVE_INFINITY
    const lanes = [...this.lanes.values()]
    this.lanes.clear()
    for (const lane of lanes) {
      for (let i = lane.head; i < lane.entries.length; i++) {
        const deadline = lane.entries[i]
        const expire = deadline?.expire
        if (deadline !== undefined && expire !== undefined) {
          deadline.expire = undefined
          expire()
        }
      }
    }
  })

  cancel(deadline: Deadline, timeoutMillis: number): void {
    if (deadline.expire === undefined) return
    deadline.expire = undefined
    const lane = this.lanes.get(timeoutMillis)
    if (lane === undefined) return
    lane.live--
    // Cancelled entries are dropped from the front at once and compacted away elsewhere, so a lane holds
    // about as many entries as there are asks in flight.
    while (lane.head < lane.entries.length && lane.entries[lane.head]?.expire === undefined) {
      lane.entries[lane.head++] = undefined
    }
    if (laneSize(lane) > 1024 && lane.live * 2 < laneSize(lane)) {
      lane.entries = lane.entries.slice(lane.head).filter((d) => d?.expire !== undefined)
      lane.head = 0
    } else if (lane.head > 1024 && lane.head * 2 > lane.entries.length) {
      lane.entries = lane.entries.slice(lane.head)
      lane.head = 0
    }
  }

  private sleepUntil(generation: number, at: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      const wait = Math.max(0, at - this.clock.unsafeCurrentTimeMillis())
      return Effect.flatMap(this.clock.sleep(Duration.millis(wait)), () => this.fire(generation))
    })
  }

  private fire(generation: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (generation !== this.generation) return Effect.void
      const now = this.clock.unsafeCurrentTimeMillis()
      let next = Number.POSITIVE_INFINITY
      for (const [timeout, lane] of this.lanes) {
        while (lane.head < lane.entries.length) {
          const deadline = lane.entries[lane.head]
          if (deadline?.expire !== undefined && deadline.at > now) break
          lane.entries[lane.head++] = undefined
          const expire = deadline?.expire
          if (deadline !== undefined && expire !== undefined) {
            deadline.expire = undefined
            lane.live--
            expire()
          }
        }
        const head = lane.entries[lane.head]
        if (head === undefined) this.lanes.delete(timeout)
        else next = Math.min(next, head.at)
      }
      this.wakeAt = next
      if (next !== Number.POSITIVE_INFINITY) return this.sleepUntil(generation, next)
      this.sleeper = undefined
      return Effect.void
    })
  }
}
