import { ActorAddress } from "@lyceum/actors"
import { NatsServer } from "@lyceum/nats"
import { Deferred, Effect } from "effect"
import { test } from "vitest"
import {
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
 * Tells per second from one process to an actor in another (two connections to one real nats-server), until
 * the actor handled the last one.
 * - actors.nats.tell: NatsTransport with `acknowledgeTells: false` (a tell is a publish) against raw `nats`
 *   publish → subscription callback that JSON-parses the message, with the very bytes of our envelopes
 *   (pre-encoded: the raw sender does no encoding; ours Schema-encodes and writes JSON per message).
 * - actors.nats.tell.bare (informational): the same against a callback that ignores the payload (the
 *   baseline before 2026-12: it does not do what any receiver using its messages must).
 * - actors.nats.tell.acked: the default tell (a request, resolved when the mailbox accepted it), 64 senders
 *   in parallel, against raw request/reply with 64 in flight, same bytes, parsed (informational).
 */

const COUNT = 50_000
const ACKED = 20_000
const SENDERS = 64
const TRIALS = 5
const batch = messages(COUNT)
const ackBytes = new TextEncoder().encode(JSON.stringify({ _tag: "Accepted" }))

const bench = Effect.gen(function* () {
  const server = yield* NatsServer.make()
  const host = yield* natsNode(server)
  const publisher = yield* natsNode(server, { acknowledgeTells: false })
  const requester = yield* natsNode(server)
  const rawHost = yield* rawConnection(server)
  const rawSender = yield* rawConnection(server)
  const payload = wireBytes(batch[0]!, ActorAddress.make({ run: "bench", kind: "counter", id: "c0" }))
  const size = payload.length

  let expected = COUNT
  let done = yield* Deferred.make<void>()
  let trial = 0
  const behaviour = counter(
    () => expected,
    () => done,
  )
  const spawnCounter = (count: number) =>
    Effect.gen(function* () {
      expected = count
      done = yield* Deferred.make<void>()
      return ActorAddress.make({ run: "bench", kind: "counter", id: `c${trial++}` })
    }).pipe(Effect.tap((address) => host.system.spawn(address, behaviour)))

  const oursPublished = Effect.gen(function* () {
    const ref = publisher.system.refFor(yield* spawnCounter(COUNT), behaviour.protocol)
    return yield* timed(
      Effect.zipRight(
        Effect.forEach(batch, (message) => ref.tell(message), { discard: true }),
        Deferred.await(done),
      ),
    )
  })

  const rawPublished = (parse: boolean) =>
    Effect.promise(async () => {
      let received = 0
      let finish = () => {}
      const finished = new Promise<void>((resolve) => {
        finish = resolve
      })
      const subject = `raw.tell.${trial++}`
      const sub = rawHost.subscribe(subject, {
        callback: (_, msg) => {
          if (parse) parseJson(msg.data)
          if (++received === COUNT) finish()
        },
      })
      await rawHost.flush()
      const start = performance.now()
      for (let i = 0; i < COUNT; i++) rawSender.publish(subject, payload)
      await finished
      const ms = performance.now() - start
      sub.unsubscribe()
      return ms
    })

  const oursAcked = Effect.gen(function* () {
    const ref = requester.system.refFor(yield* spawnCounter(ACKED), behaviour.protocol)
    const perSender = ACKED / SENDERS
    return yield* timed(
      Effect.zipRight(
        Effect.forEach(
          Array.from({ length: SENDERS }, (_, s) => s),
          (s) =>
            Effect.forEach(batch.slice(s * perSender, (s + 1) * perSender), (message) => ref.tell(message), {
              discard: true,
            }),
          { concurrency: SENDERS, discard: true },
        ),
        Deferred.await(done),
      ),
    )
  })

  const rawAcked = Effect.promise(async () => {
    const subject = `raw.acked.${trial++}`
    const sub = rawHost.subscribe(subject, {
      callback: (_, msg) => {
        parseJson(msg.data)
        msg.respond(ackBytes)
      },
    })
    await rawHost.flush()
    const start = performance.now()
    await pool(ACKED, SENDERS, async () => {
      parseJson((await rawSender.request(subject, payload, { timeout: 10_000 })).data)
    })
    const ms = performance.now() - start
    sub.unsubscribe()
    return ms
  })

  const published = yield* compare({
    trials: TRIALS,
    count: COUNT,
    ours: oursPublished,
    baseline: rawPublished(true),
  })
  const bare = yield* compare({
    trials: TRIALS,
    count: COUNT,
    ours: oursPublished,
    baseline: rawPublished(false),
  })
  const acked = yield* compare({ trials: TRIALS, count: ACKED, ours: oursAcked, baseline: rawAcked })
  return { published, bare, acked, size }
})

test(`${COUNT} tells between two processes: NatsTransport vs raw nats`, async () => {
  const { published, bare, acked, size } = await Effect.runPromise(Effect.scoped(bench))
  process.stdout.write(`actors.nats.tell: ${size}-byte messages\n`)
  recordBenchmark({
    name: "actors.nats.tell",
    unit: "msg/s",
    ours: published.ours,
    baseline: published.baseline,
    goal: 0.7,
  })
  recordBenchmark({
    name: "actors.nats.tell.bare",
    unit: "msg/s",
    ours: bare.ours,
    baseline: bare.baseline,
  })
  recordBenchmark({
    name: "actors.nats.tell.acked",
    unit: "msg/s",
    ours: acked.ours,
    baseline: acked.baseline,
  })
})
