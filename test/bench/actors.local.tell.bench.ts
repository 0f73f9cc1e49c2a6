import { ActorAddress, ActorSystem, LocalTransport } from "@lyceum/actors"
import { Deferred, Effect, Fiber, Layer, Queue } from "effect"
import { test } from "vitest"
import { compare, counter, messages, timed } from "./actors.support.js"
import { recordBenchmark } from "./BenchResults.js"

/*
 * Tells per second from one sender to one actor through LocalTransport (Schema encoding and decoding, mailbox,
 * activation fiber, handler), against the same messages through a raw Effect `Queue` (bounded, 1024) from one
 * producer fiber to one consumer fiber. Both count until the last message was taken by its handler/consumer.
 */

const COUNT = 50_000
const TRIALS = 5
const batch = messages(COUNT)

const ours = Effect.gen(function* () {
  const system = yield* ActorSystem
  let done = yield* Deferred.make<void>()
  let trial = 0
  const behaviour = counter(
    () => COUNT,
    () => done,
  )
  return Effect.gen(function* () {
    done = yield* Deferred.make<void>()
    const ref = yield* system.spawn(
      ActorAddress.make({ run: "bench", kind: "counter", id: `c${trial++}` }),
      behaviour,
    )
    return yield* timed(
      Effect.zipRight(
        Effect.forEach(batch, (message) => ref.tell(message), { discard: true }),
        Deferred.await(done),
      ),
    )
  })
})

const baseline = Effect.gen(function* () {
  const queue = yield* Queue.bounded<(typeof batch)[number]>(1024)
  return yield* timed(
    Effect.gen(function* () {
      const consumer = yield* Effect.fork(
        Effect.gen(function* () {
          let sum = 0
          for (let i = 0; i < COUNT; i++) sum += (yield* Queue.take(queue)).by
          return sum
        }),
      )
      for (const message of batch) yield* Queue.offer(queue, message)
      yield* Fiber.join(consumer)
    }),
  )
})

test(`${COUNT} tells, one sender to one actor: LocalTransport vs raw Effect Queue`, async () => {
  const result = await Effect.runPromise(
    Effect.gen(function* () {
      const oursTrial = yield* ours
      return yield* compare({ trials: TRIALS, count: COUNT, ours: oursTrial, baseline })
    }).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer()))), Effect.scoped),
  )
  recordBenchmark({
    name: "actors.local.tell",
    unit: "msg/s",
    ours: result.ours,
    baseline: result.baseline,
    goal: 0.5,
  })
})
