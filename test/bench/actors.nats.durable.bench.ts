import { ActorAddress } from "@lyceum/actors"
import { NatsServer } from "@lyceum/nats"
import { Deferred, Effect, Schema } from "effect"
import { AckPolicy, DeliverPolicy } from "nats"
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
 * Durable messages per second, stored and then handled and acknowledged, from one process to an actor in
 * another (two connections to one real nats-server with JetStream, file storage):
 * - ours: `tellDurable` with 256 publishes in flight (each with Nats-Msg-Id for dedup); the receiving
 *   NatsTransport's durable consumer delivers each to the actor with `Receiver.ask` and acks after the handler.
 * - baseline: raw `nats` JetStream: publishes with a msgID, 256 in flight, into a fresh stream; a durable pull
 *   consumer (`consume()`) parses (JSON) and acks each message in its callback. The same bytes as ours.
 * Each trial uses a fresh stream (ours: a fresh run); timing ends when the last message was handled.
 */

const COUNT = 10_000
const IN_FLIGHT = 256
const TRIALS = 5
const batch = messages(COUNT)
const encode = Schema.encodeSync(Add)

const bench = Effect.gen(function* () {
  const server = yield* NatsServer.make({ jetstream: true })
  const durable = { maxAckPending: 1_000 }
  const host = yield* natsNode(server, { durable })
  const sender = yield* natsNode(server, { durable: { ...durable, consume: false } })
  const rawHost = yield* rawConnection(server)
  const rawSender = yield* rawConnection(server)
  const payload = wireBytes(batch[0]!, ActorAddress.make({ run: "bench0", kind: "counter", id: "c0" }))
  let trial = 0
  let done = yield* Deferred.make<void>()
  const behaviour = counter(
    () => COUNT,
    () => done,
  )

  const ours = Effect.gen(function* () {
    done = yield* Deferred.make<void>()
    const address = ActorAddress.make({ run: `bench${trial++}`, kind: "counter", id: "c0" })
    yield* host.system.spawn(address, behaviour)
    return yield* timed(
      Effect.zipRight(
        Effect.forEach(
          batch,
          (message, i) =>
            sender.transport.tellDurable({ id: `m-${i}`, to: address, payload: encode(message) }),
          { concurrency: IN_FLIGHT, discard: true },
        ),
        Deferred.await(done),
      ),
    )
  })

  const baseline = Effect.promise(async () => {
    const stream = `RAW_${trial++}`
    const jsm = await rawHost.jetstreamManager()
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] })
    await jsm.consumers.add(stream, {
      durable_name: "raw",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1_000,
    })
    const consumer = await rawHost.jetstream().consumers.get(stream, "raw")
    let handled = 0
    let finish = () => {}
    const finished = new Promise<void>((resolve) => {
      finish = resolve
    })
    const messages = await consumer.consume({
      callback: (m) => {
        parseJson(m.data)
        m.ack()
        if (++handled === COUNT) finish()
      },
    })
    const js = rawSender.jetstream()
    const start = performance.now()
    await pool(COUNT, IN_FLIGHT, (i) => js.publish(`${stream}.counter`, payload, { msgID: `m-${i}` }))
    await finished
    const ms = performance.now() - start
    await messages.close()
    return ms
  })

  return yield* compare({ trials: TRIALS, count: COUNT, ours, baseline })
})

test(`${COUNT} durable messages between two processes: NatsTransport vs raw JetStream`, async () => {
  const result = await Effect.runPromise(Effect.scoped(bench))
  recordBenchmark({
    name: "actors.nats.durable",
    unit: "msg/s",
    ours: result.ours,
    baseline: result.baseline,
    goal: 0.7,
  })
})
