import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Schedule, Stream } from "effect"
import * as NatsServer from "../src/NatsServer.js"
import { bytes, connectTo, failure, text } from "./utils.js"

layer(NatsServer.layer({ jetstream: true }), { excludeTestServices: true })("JetStream", (it) => {
  it.scoped("stores a message once when its Nats-Msg-Id repeats within the duplicate window", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      yield* client.ensureStream("DEDUP", ["dedup.>"], { duplicateWindowMs: 60_000 })
      const first = yield* client.publishDurable("dedup.lesson", bytes("lesson 1"), "lesson-1")
      const again = yield* client.publishDurable("dedup.lesson", bytes("lesson 1"), "lesson-1")
      const other = yield* client.publishDurable("dedup.lesson", bytes("lesson 2"), "lesson-2")
      expect(first).toEqual({ stream: "DEDUP", seq: 1, duplicate: false })
      expect(again).toEqual({ stream: "DEDUP", seq: 1, duplicate: true })
      expect(other.duplicate).toBe(false)
      expect((yield* client.streamInfo("DEDUP")).messages).toBe(2)
    }),
  )

  it.scoped("ensureStream is idempotent and widens the subjects of an existing stream", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      yield* client.ensureStream("GROW", ["grow.a"])
      yield* client.ensureStream("GROW", ["grow.a"])
      const missing = yield* failure(client.publishDurable("grow.b", bytes("x"), "b-1"))
      expect(missing._tag).toBe("JetStreamError")
      yield* client.ensureStream("GROW", ["grow.a", "grow.b"])
      yield* client.publishDurable("grow.b", bytes("x"), "b-1")
      expect((yield* client.streamInfo("GROW")).messages).toBe(1)
    }),
  )

  it.scoped("redelivers a message that was not acked within the ack wait", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      yield* client.ensureStream("REDELIVER", ["redeliver.>"])
      yield* client.publishDurable("redeliver.lesson", bytes("learn me"), "lesson-r")
      const deliveries = yield* client.consume("REDELIVER", {
        durable: "student",
        filterSubject: "redeliver.>",
        ackWaitMs: 300,
        maxDeliver: 5,
      })
      // Leave the first delivery un-acked; ack the redelivery.
      const seen = Chunk.toArray(
        yield* deliveries.pipe(
          Stream.tap((m) => (m.deliveryCount > 1 ? m.ack : Effect.void)),
          Stream.take(2),
          Stream.runCollect,
        ),
      )
      expect(seen.map((m) => [text(m.data), m.deliveryCount, m.msgId])).toEqual([
        ["learn me", 1, "lesson-r"],
        ["learn me", 2, "lesson-r"],
      ])
      expect(seen[0]?.streamSequence).toBe(seen[1]?.streamSequence)
    }),
  )

  it.scoped("fails with JetStreamError when no stream captures the subject", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      const error = yield* failure(client.publishDurable("nowhere.lesson", bytes("x"), "x-1"))
      expect(error._tag).toBe("JetStreamError")
      expect(error.message).toContain("ensureStream")
      const info = yield* failure(client.streamInfo("NO_SUCH_STREAM"))
      expect(info._tag).toBe("JetStreamError")
    }),
  )
})

describe("JetStream durability", () => {
  it.scopedLive("keeps durable messages across a SIGKILL and restart on the same store dir", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const survivor = yield* connectTo(server, { name: "survivor" })
      yield* survivor.flush
      yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* connectTo(server)
          yield* client.ensureStream("DURABLE", ["durable.>"])
          for (const n of [1, 2, 3]) {
            yield* client.publishDurable(`durable.lesson`, bytes(`lesson ${n}`), `lesson-${n}`)
          }
          yield* server.kill
        }),
      )
      yield* server.restart
      const client = yield* connectTo(server)
      expect((yield* client.streamInfo("DURABLE")).messages).toBe(3)
      const deliveries = yield* client.consume("DURABLE", { durable: "after-crash", ackWaitMs: 5_000 })
      const lessons = Chunk.toArray(
        yield* deliveries.pipe(
          Stream.tap((m) => m.ack),
          Stream.take(3),
          Stream.runCollect,
        ),
      )
      expect(lessons.map((m) => text(m.data))).toEqual(["lesson 1", "lesson 2", "lesson 3"])
      // Dedup state survives too: re-publishing lesson 2 after the crash is recognised.
      const again = yield* client.publishDurable("durable.lesson", bytes("lesson 2"), "lesson-2")
      expect(again.duplicate).toBe(true)
      // A client connected before the crash reconnects to the restarted server (same port) by itself. A
      // publish sent during the outage may get no ack, so each attempt is bounded, as a transport would do.
      const ack = yield* survivor
        .publishDurable("durable.lesson", bytes("lesson 4"), "lesson-4")
        .pipe(
          Effect.timeout("500 millis"),
          Effect.retry({ schedule: Schedule.spaced("50 millis"), times: 40 }),
        )
      expect(ack).toMatchObject({ seq: 4, duplicate: false })
    }),
  )

  it.scopedLive("says JetStream is off when the server runs without it", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.make())
      const error = yield* failure(client.ensureStream("OFF", ["off.>"]))
      expect(error._tag).toBe("JetStreamError")
      expect(error.message).toContain("-js")
    }),
  )
})
