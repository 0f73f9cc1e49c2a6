import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { ActorSystem, Transport } from "@lyceum/actors"
import { Chunk, Effect, Fiber, Queue } from "effect"
import * as NatsServer from "../src/NatsServer.js"
import * as NatsTransport from "../src/NatsTransport.js"
import { at, ledgerActor, makeLedgerHooks, recordEnvelope } from "./Ledger.js"
import { connectTo } from "./utils.js"

const node = (server: NatsServer.NatsServer, options: NatsTransport.NatsTransportOptions) =>
  Effect.gen(function* () {
    const client = yield* connectTo(server)
    const transport = yield* NatsTransport.make(client, options)
    const system = yield* ActorSystem.make().pipe(Effect.provideService(Transport, transport))
    return { transport, system }
  })

/** Runs the dying worker to its end; its stdout and the signal that ended it. */
const runDyingWorker = (args: ReadonlyArray<string>) =>
  Effect.async<{ readonly stdout: string; readonly signal: NodeJS.Signals | null }>((resume) => {
    const script = fileURLToPath(new URL("./fixtures/dying-worker.mjs", import.meta.url))
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.on("exit", (_, signal) => resume(Effect.succeed({ stdout, signal })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

describe("NatsTransport faults", () => {
  it.scopedLive(
    "applies every durable lesson exactly once across a SIGKILL and restart of nats-server",
    () =>
      Effect.gen(function* () {
        const lessons = 300
        const server = yield* NatsServer.make({ jetstream: true })
        const durable = { ackWaitMs: 500, redeliveryDelayMs: 50, maxDeliveries: 50 }
        const host = yield* node(server, { durable })
        const sender = yield* node(server, { durable: { ...durable, consume: false } })
        const hooks = yield* makeLedgerHooks
        yield* host.system.spawn(at("student"), ledgerActor(hooks))
        const sending = yield* Effect.fork(
          Effect.forEach(
            Array.from({ length: lessons }, (_, i) => i),
            (i) => sender.transport.tellDurable(recordEnvelope(at("student"), `lesson-${i}`, i)),
            { concurrency: 16 },
          ),
        )
        // Crash the server while lessons are flowing: some applied, some stored, some in flight.
        const before = yield* Queue.takeBetween(hooks.applied, lessons / 3, lessons / 3)
        yield* server.kill
        yield* server.restart
        yield* Fiber.join(sending)
        const after = yield* Queue.takeBetween(
          hooks.applied,
          lessons - before.length,
          lessons - before.length,
        )
        const ids = [...Chunk.toArray(before), ...Chunk.toArray(after)].map(([id]) => id)
        expect(new Set(ids).size).toBe(lessons)
        // Lessons whose acks the crash lost are delivered again once their ack wait passes; the actor must skip
        // them. Wait that out, then no further application may have happened.
        yield* Effect.sleep(durable.ackWaitMs * 2)
        expect(yield* Queue.size(hooks.applied)).toBe(0)
      }),
    // Publishes in flight at the crash wait out the JetStream API timeout (5 s) before they are retried.
    30_000,
  )

  it.scopedLive("redelivers the message of a worker process killed mid-handler to another consumer", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const ackWaitMs = 500
      const sender = yield* node(server, { durable: { consume: false } })
      yield* sender.transport.tellDurable(recordEnvelope(at("student"), "lesson-1", 42))
      const worker = yield* runDyingWorker([
        server.url,
        "LYCEUM_r1",
        "lyceum",
        "lyceum-durable.r1.>",
        `${ackWaitMs}`,
      ])
      expect(worker).toEqual({ stdout: "handling lesson-1 delivery 1\n", signal: "SIGKILL" })
      // This process consumes the same run's consumer; the dead worker's delivery comes here after its ack wait.
      const host = yield* node(server, { durable: { ackWaitMs } })
      const hooks = yield* makeLedgerHooks
      yield* host.system.spawn(at("student"), ledgerActor(hooks))
      expect(yield* Queue.take(hooks.applied)).toEqual(["lesson-1", 42])
    }),
  )
})
