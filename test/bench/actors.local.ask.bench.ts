import { ActorAddress, ActorSystem, LocalTransport } from "@lyceum/actors"
import { Deferred, Effect, Layer, Queue } from "effect"
import { test } from "vitest"
import { Add, compare, counter, messages, timed } from "./actors.support.js"
import { recordBenchmark } from "./BenchResults.js"

/*
 * Asks per second to one actor through LocalTransport (encode, decode, mailbox, handler, reply encode and
 * decode, ask deadline), against raw Effect: a server fiber taking `[request, Deferred]` pairs from a bounded
 * Queue and completing each Deferred, the asker offering and awaiting. Informational (no goal).
 * - actors.local.ask: one ask at a time; actors.local.ask.parallel: 256 in flight.
 */

const SEQUENTIAL = 20_000
const PARALLEL = 50_000
const IN_FLIGHT = 256
const TRIALS = 5
const batch = messages(PARALLEL)

type Pending = readonly [Add, Deferred.Deferred<number>]

const bench = Effect.gen(function* () {
  const system = yield* ActorSystem
  const address = ActorAddress.make({ run: "bench", kind: "counter", id: "c0" })
  yield* system.spawn(
    address,
    counter(
      () => Number.POSITIVE_INFINITY,
      () => Deferred.unsafeMake(undefined as never),
    ),
  )
  const ref = system.refFor(address, Add)

  const requests = yield* Queue.bounded<Pending>(1024)
  yield* Effect.forkScoped(
    Effect.forever(
      Effect.flatMap(Queue.take(requests), ([request, reply]) => Deferred.succeed(reply, request.by)),
    ),
  )
  const rawAsk = (request: Add) =>
    Effect.flatMap(Deferred.make<number>(), (reply) =>
      Effect.zipRight(Queue.offer(requests, [request, reply] as const), Deferred.await(reply)),
    )

  const sequential = yield* compare({
    trials: TRIALS,
    count: SEQUENTIAL,
    ours: timed(Effect.forEach(batch.slice(0, SEQUENTIAL), (m) => ref.ask(m), { discard: true })),
    baseline: timed(Effect.forEach(batch.slice(0, SEQUENTIAL), rawAsk, { discard: true })),
  })
  const parallel = yield* compare({
    trials: TRIALS,
    count: PARALLEL,
    ours: timed(Effect.forEach(batch, (m) => ref.ask(m), { concurrency: IN_FLIGHT, discard: true })),
    baseline: timed(Effect.forEach(batch, rawAsk, { concurrency: IN_FLIGHT, discard: true })),
  })
  return { sequential, parallel }
})

test("asks to one actor: LocalTransport vs raw Effect Queue + Deferred", async () => {
  const { sequential, parallel } = await Effect.runPromise(
    bench.pipe(
      Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer()))),
      Effect.scoped,
    ),
  )
  recordBenchmark({
    name: "actors.local.ask",
    unit: "asks/s",
    ours: sequential.ours,
    baseline: sequential.baseline,
  })
  recordBenchmark({
    name: "actors.local.ask.parallel",
    unit: "asks/s",
    ours: parallel.ours,
    baseline: parallel.baseline,
  })
})
