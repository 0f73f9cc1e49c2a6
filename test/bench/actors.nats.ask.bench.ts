import { ActorAddress } from "@lyceum/actors"
import { NatsServer } from "@lyceum/nats"
import { Deferred, Effect } from "effect"
import { test } from "vitest"
import {
  Add,
  compare,
  counter,
  messages,
  natsNode,
  parseJson,
  pool,
  rawConnection,
  timed,
  wireBytes,
} from "./actors.support.js"
import { recordBenchmark } from "./BenchResults.js"

/*
 * Asks (round trips) per second from one process to an actor in another, two connections to one real
 * nats-server, against raw `nats` request/reply with the same request bytes as ours and a reply of our size,
 * each parsed (JSON) where it arrives.
 * - actors.nats.ask: one asker, one ask at a time (latency-bound).
 * - actors.nats.ask.parallel: 256 asks in flight (informational).
 */

const SEQUENTIAL = 5_000
const PARALLEL = 20_000
const IN_FLIGHT = 256
const TRIALS = 5
const batch = messages(PARALLEL)

const bench = Effect.gen(function* () {
  const server = yield* NatsServer.make()
  const host = yield* natsNode(server)
  const asker = yield* natsNode(server)
  const rawHost = yield* rawConnection(server)
  const rawAsker = yield* rawConnection(server)
  const address = ActorAddress.make({ run: "bench", kind: "counter", id: "c0" })
  const behaviour = counter(
    () => Number.POSITIVE_INFINITY,
    () => Deferred.unsafeMake(undefined as never),
  )
  yield* host.system.spawn(address, behaviour)
  const ref = asker.system.refFor(address, Add)
  const request = wireBytes(batch[0]!, address)
  // Our reply to an Add: a Reply carrying the handler's number.
  const reply = new TextEncoder().encode(JSON.stringify({ _tag: "Success", value: 3 }))
  const subject = "raw.ask"
  rawHost.subscribe(subject, {
    callback: (_, msg) => {
      parseJson(msg.data)
      msg.respond(reply)
    },
  })
  yield* Effect.promise(() => rawHost.flush())

  const oursSequential = timed(
    Effect.forEach(batch.slice(0, SEQUENTIAL), (m) => ref.ask(m), { discard: true }),
  )
  const rawSequential = Effect.promise(async () => {
    const start = performance.now()
    for (let i = 0; i < SEQUENTIAL; i++)
      parseJson((await rawAsker.request(subject, request, { timeout: 10_000 })).data)
    return performance.now() - start
  })
  const oursParallel = timed(
    Effect.forEach(batch, (m) => ref.ask(m), { concurrency: IN_FLIGHT, discard: true }),
  )
  const rawParallel = Effect.promise(async () => {
    const start = performance.now()
    await pool(PARALLEL, IN_FLIGHT, async () =>
      parseJson((await rawAsker.request(subject, request, { timeout: 10_000 })).data),
    )
    return performance.now() - start
  })

  const sequential = yield* compare({
    trials: TRIALS,
    count: SEQUENTIAL,
    ours: oursSequential,
    baseline: rawSequential,
  })
  const parallel = yield* compare({
    trials: TRIALS,
    count: PARALLEL,
    ours: oursParallel,
    baseline: rawParallel,
  })
  return { sequential, parallel }
})

test("asks between two processes: NatsTransport vs raw nats request/reply", async () => {
  const { sequential, parallel } = await Effect.runPromise(Effect.scoped(bench))
  recordBenchmark({
    name: "actors.nats.ask",
    unit: "asks/s",
    ours: sequential.ours,
    baseline: sequential.baseline,
    goal: 0.7,
  })
  recordBenchmark({
    name: "actors.nats.ask.parallel",
    unit: "asks/s",
    ours: parallel.ours,
    baseline: parallel.baseline,
  })
})
