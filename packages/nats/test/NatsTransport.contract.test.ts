import { transportContract } from "@lyceum/actors/TransportContract"
import { Clock, Effect, Layer, Stream } from "effect"
import * as NatsServer from "../src/NatsServer.js"
import * as NatsTransport from "../src/NatsTransport.js"
import { connectTo } from "./utils.js"

// Each test gets its own server (the contract's addresses all live in run "r1"); each node is its own
// connection, as a separate process would have. A small max_payload makes the size cases cheap.
const maxPayload = 64 * 1024
const durable = { maxDeliveries: 3, ackWaitMs: 300, redeliveryDelayMs: 20 }

transportContract({
  name: "NatsTransport",
  // The launcher polls for the server on the clock; the contract's tests run on a TestClock.
  network: Layer.scoped(
    NatsServer.NatsServer,
    Effect.withClock(NatsServer.make({ jetstream: true, maxPayload }), Clock.make()),
  ),
  node: Effect.gen(function* () {
    const client = yield* connectTo(yield* NatsServer.NatsServer)
    return yield* NatsTransport.make(client, { durable })
  }).pipe(Effect.orDie),
  maxMessageBytes: maxPayload,
  durable: {
    tell: (node, envelope) => node.tellDurable(envelope),
    deadLetters: (node, run) =>
      Effect.map(
        node.deadLetters(run),
        Stream.map((letter) => ({ messageId: letter.envelope?.id, reason: letter.reason })),
      ),
    maxDeliveries: durable.maxDeliveries,
    ackWaitMs: durable.ackWaitMs,
  },
})
