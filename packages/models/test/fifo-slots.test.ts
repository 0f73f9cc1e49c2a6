import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, FiberId } from "effect"
import { FifoSlots } from "../src/openai/FifoSlots.js"

/** Lets the other fibers run until `condition` holds; dies (rather than hangs) if it never does. */
const until = (condition: () => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      if (condition()) return
      yield* Effect.yieldNow()
    }
    return yield* Effect.dieMessage(`never happened: ${what}`)
  })

/** Lets the other fibers run for a while, to check that something does NOT happen. */
const settle = Effect.repeatN(Effect.yieldNow(), 50)

/** Forks `withSlot(effect)` and returns once it is in line (so the order of calls is the order in line). */
const enqueue = <A>(slots: FifoSlots, effect: Effect.Effect<A>) =>
  Effect.gen(function* () {
    const before = slots.waiting
    const fiber = yield* Effect.fork(slots.withSlot(effect))
    yield* until(() => slots.waiting === before + 1, "the waiter in line")
    return fiber
  })

/** `enqueue(body(i))` for i = 0..n-1, in that order. */
const queueUp = <A>(slots: FifoSlots, n: number, body: (i: number) => Effect.Effect<A>) =>
  Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    (i) => enqueue(slots, body(i)),
  )

/** A fiber holding a slot until the returned gate is opened. */
const hold = (slots: FifoSlots) =>
  Effect.gen(function* () {
    const gate = yield* Deferred.make<void>()
    const entered = yield* Deferred.make<void>()
    const fiber = yield* Effect.fork(
      slots.withSlot(Effect.zipRight(Deferred.succeed(entered, undefined), Deferred.await(gate))),
    )
    yield* Deferred.await(entered)
    return { fiber, open: Deferred.succeed(gate, undefined) }
  })

describe("FifoSlots", () => {
  it.effect("serves waiters first come, first served, never more than the capacity at once", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(2)
      const holders = [yield* hold(slots), yield* hold(slots)]
      const order: Array<number> = []
      let running = 0
      let most = 0
      const fibers = yield* queueUp(slots, 12, (i) =>
        Effect.gen(function* () {
          running += 1
          most = Math.max(most, running)
          order.push(i)
          yield* Effect.yieldNow()
          yield* Effect.yieldNow()
          running -= 1
        }),
      )
      expect(slots.available).toBe(0)
      for (const holder of holders) yield* holder.open
      yield* Fiber.joinAll(fibers)
      expect(order).toEqual(Array.from({ length: 12 }, (_, i) => i))
      expect(most).toBe(2)
      expect([slots.available, slots.waiting]).toEqual([2, 0])
    }),
  )

  it.effect("hands a released slot to the head of the line, so a newcomer cannot overtake it", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      const order: Array<string> = []
      const gate = yield* Deferred.make<void>()
      // The holder asks again right after releasing, in the same run, before the waiter has woken up.
      const holder = yield* Effect.fork(
        Effect.zipRight(
          slots.withSlot(Deferred.await(gate)),
          slots.withSlot(Effect.sync(() => order.push("holder again"))),
        ),
      )
      yield* until(() => slots.available === 0, "holder in")
      const waiter = yield* enqueue(
        slots,
        Effect.sync(() => order.push("waiter")),
      )
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      yield* Fiber.join(waiter)
      expect(order).toEqual(["waiter", "holder again"])
      expect(slots.available).toBe(1)
    }),
  )

  it.effect("drops an interrupted waiter from the line without leaking its place or skipping the next", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      const holder = yield* hold(slots)
      const order: Array<number> = []
      const [a, b, c] = [
        yield* enqueue(
          slots,
          Effect.sync(() => order.push(0)),
        ),
        yield* enqueue(
          slots,
          Effect.sync(() => order.push(1)),
        ),
        yield* enqueue(
          slots,
          Effect.sync(() => order.push(2)),
        ),
      ]
      yield* Fiber.interrupt(b)
      expect(slots.waiting).toBe(2)
      yield* holder.open
      yield* Fiber.joinAll([a, c])
      expect(order).toEqual([0, 2])
      expect([slots.available, slots.waiting]).toEqual([1, 0])
    }),
  )

  it.effect("passes on a slot handed to a waiter that is interrupted before it runs", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      const ran: Array<string> = []
      let victim: Fiber.RuntimeFiber<unknown> | undefined
      const gate = yield* Deferred.make<void>()
      // The holder releases (handing the slot to the victim) and interrupts the victim in the same run, so the
      // victim wakes up holding a slot and already interrupted.
      const holder = yield* Effect.fork(
        Effect.zipRight(
          slots.withSlot(Deferred.await(gate)),
          Effect.sync(() => victim?.unsafeInterruptAsFork(FiberId.none)),
        ),
      )
      yield* until(() => slots.available === 0, "holder in")
      victim = yield* enqueue(
        slots,
        Effect.sync(() => ran.push("victim")),
      )
      const next = yield* enqueue(
        slots,
        Effect.sync(() => ran.push("next")),
      )
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      expect(Exit.isInterrupted(yield* Fiber.await(victim))).toBe(true)
      yield* until(() => ran.length > 0, "the next waiter to get the slot")
      yield* Fiber.join(next)
      expect(ran).toEqual(["next"])
      expect([slots.available, slots.waiting]).toEqual([1, 0])
    }),
  )

  it.effect("gives back the slot of a waiter interrupted just before the hand-off reached it", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      const ran: Array<string> = []
      let victim: Fiber.RuntimeFiber<unknown> | undefined
      const gate = yield* Deferred.make<void>()
      // This time the interruption is signalled first and the slot handed over right after, both before the
      // victim runs: it resumes with the slot and must give it back.
      const holder = yield* Effect.fork(
        slots.withSlot(
          Effect.zipRight(
            Deferred.await(gate),
            Effect.sync(() => victim?.unsafeInterruptAsFork(FiberId.none)),
          ),
        ),
      )
      yield* until(() => slots.available === 0, "holder in")
      victim = yield* enqueue(
        slots,
        Effect.sync(() => ran.push("victim")),
      )
      const next = yield* enqueue(
        slots,
        Effect.sync(() => ran.push("next")),
      )
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      expect(Exit.isInterrupted(yield* Fiber.await(victim))).toBe(true)
      yield* until(() => ran.length > 0, "the next waiter to get the slot")
      yield* Fiber.join(next)
      expect(ran).toEqual(["next"])
      expect([slots.available, slots.waiting]).toEqual([1, 0])
    }),
  )

  it.effect("gives the slot back whatever way the work ends", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      expect(yield* Effect.exit(slots.withSlot(Effect.fail("boom")))).toEqual(Exit.fail("boom"))
      expect(Exit.isFailure(yield* Effect.exit(slots.withSlot(Effect.die("bug"))))).toBe(true)
      const holder = yield* hold(slots)
      yield* Fiber.interrupt(holder.fiber)
      expect([slots.available, slots.waiting]).toEqual([1, 0])
      expect(yield* slots.withSlot(Effect.succeed(42))).toBe(42)
    }),
  )

  it.effect("growing hands the new slots to the waiters in line at once", () =>
    Effect.gen(function* () {
      const slots = new FifoSlots(1)
      const holder = yield* hold(slots)
      const gate = yield* Deferred.make<void>()
      const entered: Array<number> = []
      const fibers = yield* queueUp(slots, 3, (i) =>
        Effect.zipRight(
          Effect.sync(() => entered.push(i)),
          Deferred.await(gate),
        ),
      )
      yield* slots.resize(3)
      yield* until(() => entered.length === 2, "two waiters in")
      expect(entered).toEqual([0, 1])
      expect([slots.available, slots.waiting]).toEqual([0, 1])
      yield* holder.open
      yield* until(() => entered.length === 3, "the last waiter in")
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(fibers)
      expect([slots.available, slots.waiting]).toEqual([3, 0])
    }),
  )

  it.effect(
    "shrinking lets the work in progress finish and admits no one until it is under the new capacity",
    () =>
      Effect.gen(function* () {
        const slots = new FifoSlots(3)
        const [first, second, third] = [yield* hold(slots), yield* hold(slots), yield* hold(slots)]
        let running = 0
        let most = 0
        const fibers = yield* queueUp(slots, 4, () =>
          Effect.gen(function* () {
            running += 1
            most = Math.max(most, running)
            yield* Effect.yieldNow()
            running -= 1
          }),
        )
        yield* slots.resize(1)
        yield* first.open
        yield* second.open
        yield* settle
        // Two of the three holders are done, yet the one still running fills the single slot.
        expect([running, slots.available, slots.waiting]).toEqual([0, 0, 4])
        yield* third.open
        yield* Fiber.joinAll(fibers)
        expect(most).toBe(1)
        expect([slots.available, slots.waiting]).toEqual([1, 0])
      }),
  )
})
