import * as fs from "node:fs/promises"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { ActorSystem, Transport } from "@lyceum/actors"
import { Chunk, Effect, Layer, Option, Queue, Redacted, Stream } from "effect"
import * as NatsServer from "../src/NatsServer.js"
import * as NatsTransport from "../src/NatsTransport.js"
import * as Wire from "../src/Wire.js"
import {
  at,
  LedgerProtocol,
  ledgerActor,
  makeLedgerHooks,
  Record,
  Recorded,
  recordEnvelope,
} from "./Ledger.js"
import { bytes, connectTo } from "./utils.js"

/** A process: its own connection, a transport and an actor system on it. */
const node = (
  server: NatsServer.NatsServer,
  options: NatsTransport.NatsTransportOptions = {},
  name?: string,
) =>
  Effect.gen(function* () {
    const client = yield* connectTo(server, name === undefined ? {} : { name })
    const transport = yield* NatsTransport.make(client, options)
    const system = yield* ActorSystem.make().pipe(Effect.provideService(Transport, transport))
    return { client, transport, system }
  })

const firstOf = <A, E>(stream: Stream.Stream<A, E>) =>
  Effect.flatMap(
    Stream.runHead(stream),
    Option.match({ onNone: () => Effect.dieMessage("ended"), onSome: Effect.succeed }),
  )

/** The subjects each named connection subscribes to, from the server's monitoring endpoint. */
const subscriptionsByConnection = (server: NatsServer.NatsServer) =>
  Effect.promise(async () => {
    const portsFile = path.join(path.dirname(server.storeDir), `nats-server_${server.pid}.ports`)
    const ports = JSON.parse(await fs.readFile(portsFile, "utf8")) as { monitoring: ReadonlyArray<string> }
    const response = await fetch(`${ports.monitoring[0]}/connz?subs=1`)
    const connz = (await response.json()) as {
      connections: ReadonlyArray<{ name?: string; subscriptions_list?: ReadonlyArray<string> }>
    }
    return new Map(connz.connections.map((c) => [c.name ?? "", [...(c.subscriptions_list ?? [])].sort()]))
  })

describe("NatsTransport", () => {
  it.scopedLive(
    "subscribes to exactly the actors it hosts, until each stops; a sender holds none",
    () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make({ extraConfig: 'http: "127.0.0.1:-1"' })
        const host = yield* node(server, {}, "host")
        const client = yield* node(server, {}, "client")
        const hooks = yield* makeLedgerHooks
        for (let i = 0; i < 200; i++) yield* host.system.spawn(at(`a${i}`, "r1"), ledgerActor(hooks))
        for (let i = 0; i < 50; i++) yield* host.system.spawn(at(`b${i}`, "r2"), ledgerActor(hooks))
        yield* client.system.refFor(at("a7", "r1"), LedgerProtocol).tell(new Record({ value: 1 }))
        yield* client.system.refFor(at("b7", "r2"), LedgerProtocol).tell(new Record({ value: 2 }))
        const hosted = [
          ...Array.from({ length: 200 }, (_, i) => `lyceum.r1.ledger.a${i}`),
          ...Array.from({ length: 50 }, (_, i) => `lyceum.r2.ledger.b${i}`),
        ]
        const before = yield* subscriptionsByConnection(server)
        expect(before.get("host")?.filter((s) => s.startsWith("lyceum"))).toEqual([...hosted].sort())
        expect(before.get("client")?.filter((s) => s.startsWith("lyceum"))).toEqual([])
        // A stopped actor's subscription ends; the address is then nobody's.
        for (let i = 0; i < 200; i++) yield* host.system.stop(at(`a${i}`, "r1"))
        yield* host.client.flush
        const after = yield* subscriptionsByConnection(server)
        expect(after.get("host")?.filter((s) => s.startsWith("lyceum"))).toEqual(hosted.slice(200).sort())
        const gone = yield* Effect.flip(
          client.system.refFor(at("a7", "r1"), LedgerProtocol).ask(new Recorded()),
        )
        expect(gone._tag).toBe("UnknownRecipient")
      }),
    30_000,
  )

  it.scopedLive("a message reaches only the process hosting its recipient (received per process)", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const first = yield* node(server)
      const second = yield* node(server)
      const sender = yield* node(server)
      const hooks = yield* makeLedgerHooks
      for (let i = 0; i < 10; i++) {
        yield* first.system.spawn(at(`first-${i}`), ledgerActor(hooks))
        yield* second.system.spawn(at(`second-${i}`), ledgerActor(hooks))
      }
      // 30 tells and 10 asks to the first process's actors, 20 tells to the second's.
      for (let i = 0; i < 30; i++)
        yield* sender.system.refFor(at(`first-${i % 10}`), LedgerProtocol).tell(new Record({ value: i }))
      for (let i = 0; i < 10; i++)
        yield* sender.system.refFor(at(`first-${i}`), LedgerProtocol).ask(new Recorded())
      for (let i = 0; i < 20; i++)
        yield* sender.system.refFor(at(`second-${i % 10}`), LedgerProtocol).tell(new Record({ value: i }))
      // Each process received its own recipients' messages, nothing of the other's (a run-wide subscription
      // would have given each all 60).
      expect(yield* first.transport.received).toBe(40)
      expect(yield* second.transport.received).toBe(20)
      expect(yield* sender.transport.received).toBe(0)
    }),
  )

  it.scopedLive("an address moved to another process is reached there, once", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const first = yield* node(server)
      const second = yield* node(server)
      const sender = yield* node(server)
      const hooks = yield* makeLedgerHooks
      const ref = sender.system.refFor(at("teacher-1"), LedgerProtocol)
      yield* first.system.spawn(at("teacher-1"), ledgerActor(hooks))
      yield* ref.tell(new Record({ value: 1 }))
      // A worker releases a cohort's agents, another hosts the next cohort's at the same addresses.
      yield* first.system.stop(at("teacher-1"))
      yield* second.system.spawn(at("teacher-1"), ledgerActor(hooks))
      yield* ref.tell(new Record({ value: 2 }))
      expect(yield* ref.ask(new Recorded())).toEqual([2])
      // And back to the first process, whose old subscription has ended.
      yield* second.system.stop(at("teacher-1"))
      yield* first.system.spawn(at("teacher-1"), ledgerActor(hooks))
      yield* ref.tell(new Record({ value: 3 }))
      expect(yield* ref.ask(new Recorded())).toEqual([3])
      expect(yield* first.transport.received).toBe(3)
      expect(yield* second.transport.received).toBe(2)
    }),
  )

  it.scopedLive("an actor whose address this NATS user may not subscribe to fails to start, saying so", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({
        extraConfig: `authorization { users: [ { user: "worker", password: "pw", permissions: {
          subscribe: { deny: ["lyceum.r1.ledger.secret"] } } } ] }`,
      })
      const client = yield* connectTo(server, { user: "worker", pass: Redacted.make("pw") })
      const transport = yield* NatsTransport.make(client)
      const system = yield* ActorSystem.make().pipe(Effect.provideService(Transport, transport))
      const hooks = yield* makeLedgerHooks
      const error = yield* Effect.flip(system.spawn(at("secret"), ledgerActor(hooks)))
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("cannot receive at lyceum.r1.ledger.secret")
      expect(error.message).toContain("may subscribe")
      // The address is free again and other actors start.
      yield* system.spawn(at("open"), ledgerActor(hooks))
      const ref = system.refFor(at("open"), LedgerProtocol)
      yield* ref.tell(new Record({ value: 1 }))
      expect(yield* ref.ask(new Recorded())).toEqual([1])
    }),
  )

  it.scopedLive("answers a request that is not an envelope with MalformedMessage and keeps serving", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const host = yield* node(server)
      const raw = yield* connectTo(server)
      const hooks = yield* makeLedgerHooks
      yield* host.system.spawn(at("a"), ledgerActor(hooks))
      const answer = yield* raw.request("lyceum.r1.ledger.a", bytes("{not json"), 2_000)
      const ack = Wire.decodeAck(answer.data)
      expect(ack._tag === "Right" && ack.right._tag === "Rejected" && ack.right.error._tag).toBe(
        "MalformedMessage",
      )
      const mislabeled = Wire.encodeEnvelope(recordEnvelope(at("b"), "m-1", 1))
      const wrongSubject = yield* raw.request(
        "lyceum.r1.ledger.a",
        mislabeled.pipe((e) => (e._tag === "Right" ? e.right : new Uint8Array())),
        2_000,
      )
      const refused = Wire.decodeAck(wrongSubject.data)
      expect(
        refused._tag === "Right" && refused.right._tag === "Rejected" && refused.right.error.message,
      ).toContain("but published on lyceum.r1.ledger.a")
      const ref = host.system.refFor(at("a"), LedgerProtocol)
      yield* ref.tell(new Record({ value: 5 }))
      expect(yield* ref.ask(new Recorded())).toEqual([5])
    }),
  )

  it.scopedLive(
    "an address nobody hosts is UnknownRecipient at once, however many processes serve the run",
    () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make()
        const first = yield* node(server)
        const second = yield* node(server)
        const client = yield* node(server)
        const hooks = yield* makeLedgerHooks
        yield* first.system.spawn(at("a"), ledgerActor(hooks))
        yield* second.system.spawn(at("b"), ledgerActor(hooks))
        const nobody = client.system.refFor(at("nobody"), LedgerProtocol)
        // Before, with every process on the run's wildcard, this waited out the ask's timeout (AskTimeout).
        const error = yield* Effect.flip(nobody.ask(new Recorded(), { timeout: "30 seconds" }))
        expect(error._tag).toBe("UnknownRecipient")
        const told = yield* Effect.flip(nobody.tell(new Record({ value: 1 })))
        expect(told._tag).toBe("UnknownRecipient")
      }),
  )

  it.scopedLive(
    "with acknowledgeTells false a tell is a publish: delivered, but refusals are not reported",
    () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make()
        const host = yield* node(server)
        const sender = yield* node(server, { acknowledgeTells: false })
        const hooks = yield* makeLedgerHooks
        yield* host.system.spawn(at("a"), ledgerActor(hooks))
        yield* sender.system.refFor(at("nobody"), LedgerProtocol).tell(new Record({ value: 1 }))
        const ref = sender.system.refFor(at("a"), LedgerProtocol)
        for (let i = 0; i < 100; i++) yield* ref.tell(new Record({ value: i }))
        expect(yield* ref.ask(new Recorded())).toEqual(Array.from({ length: 100 }, (_, i) => i))
      }),
  )

  it.scopedLive("layer: the Transport an ActorSystem needs, over a connection of its own", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const hooks = yield* makeLedgerHooks
      const transportLayer = NatsTransport.layer({
        nats: { servers: [server.url], name: "run" },
        runs: ["r1"],
      })
      const recorded = yield* Effect.gen(function* () {
        const system = yield* ActorSystem
        const ref = yield* system.spawn(at("a"), ledgerActor(hooks))
        yield* ref.tell(new Record({ value: 4 }))
        return yield* ref.ask(new Recorded())
      }).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provideMerge(transportLayer))))
      expect(recorded).toEqual([4])
      const unreachable = NatsTransport.layer({
        nats: { servers: ["nats://127.0.0.1:1"], connectTimeoutMs: 500 },
      })
      const error = yield* Effect.flip(Layer.build(unreachable))
      expect(error._tag).toBe("NatsConnectionError")
    }),
  )

  describe("durable delivery", () => {
    const durable = { ackWaitMs: 500, redeliveryDelayMs: 20, maxDeliveries: 3 }

    it.scopedLive("routes the opted-in tells through the run's stream", () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make({ jetstream: true })
        const options = { durable: { ...durable, route: NatsTransport.byTag("Record") } }
        const host = yield* node(server, options)
        const sender = yield* node(server, options)
        const hooks = yield* makeLedgerHooks
        yield* host.system.spawn(at("a"), ledgerActor(hooks))
        const ref = sender.system.refFor(at("a"), LedgerProtocol)
        yield* ref.tell(new Record({ value: 1 }), { id: "lesson-1" })
        expect(yield* Queue.take(hooks.applied)).toEqual(["lesson-1", 1])
        yield* ref.ask(new Recorded()) // not routed: a plain request
        expect((yield* sender.client.streamInfo("LYCEUM_r1")).messages).toBe(1)
      }),
    )

    it.scopedLive("delivers through the hosting process when another process pulled the message", () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make({ jetstream: true })
        const host = yield* node(server, { durable })
        const other = yield* node(server, { durable })
        const sender = yield* node(server, { durable: { ...durable, consume: false } })
        const hooks = yield* makeLedgerHooks
        yield* host.system.spawn(at("a"), ledgerActor(hooks))
        yield* other.system.spawn(at("b"), ledgerActor(hooks)) // so that it consumes run r1 too
        yield* Effect.forEach(
          Array.from({ length: 40 }, (_, i) => i),
          (i) => sender.transport.tellDurable(recordEnvelope(at("a"), `lesson-${i}`, i)),
          { concurrency: 8 },
        )
        const applied = yield* Queue.takeBetween(hooks.applied, 40, 40)
        expect(new Set(Chunk.toArray(applied).map(([id]) => id)).size).toBe(40)
        const ledger = yield* host.system.refFor(at("a"), LedgerProtocol).ask(new Recorded())
        expect([...ledger].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i))
      }),
    )

    it.scopedLive("a durable message that is not an envelope becomes a dead letter with its text, once", () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make({ jetstream: true })
        const host = yield* node(server, { durable })
        const hooks = yield* makeLedgerHooks
        yield* host.system.spawn(at("a"), ledgerActor(hooks))
        yield* host.transport.tellDurable(recordEnvelope(at("a"), "fine-0", 0)) // creates the run's stream
        expect(yield* Queue.take(hooks.applied)).toEqual(["fine-0", 0])
        const letters = yield* host.transport.deadLetters("r1")
        const firstTwo = yield* Effect.fork(Stream.runCollect(Stream.take(letters, 2)))
        yield* host.client.publishDurable("lyceum-durable.r1.ledger.a", bytes("junk one"), "junk-1")
        yield* host.client.publishDurable("lyceum-durable.r1.ledger.a", bytes("junk two"), "junk-2")
        const [one, two] = Chunk.toArray(yield* firstTwo)
        expect(one).toMatchObject({
          run: "r1",
          raw: "junk one",
          deliveries: 1,
          subject: "lyceum-durable.r1.ledger.a",
        })
        expect(one?.reason).toContain("not an envelope")
        // Terminated, not delivered again: the next dead letter is the next message.
        expect(two?.raw).toBe("junk two")
        yield* host.transport.tellDurable(recordEnvelope(at("a"), "fine-1", 3))
        expect(yield* Queue.take(hooks.applied)).toEqual(["fine-1", 3])
      }),
    )

    it.scopedLive(
      "a durable message for an address nobody hosts becomes a dead letter after the last delivery",
      () =>
        Effect.gen(function* () {
          const server = yield* NatsServer.make({ jetstream: true })
          const host = yield* node(server, { durable })
          const hooks = yield* makeLedgerHooks
          yield* host.system.spawn(at("a"), ledgerActor(hooks))
          const letters = yield* host.transport.deadLetters("r1")
          yield* host.transport.tellDurable(recordEnvelope(at("nobody"), "lost-1", 1))
          const letter = yield* firstOf(letters)
          expect(letter.envelope?.id).toBe("lost-1")
          expect(letter.deliveries).toBe(durable.maxDeliveries)
          expect(letter.reason).toContain("no actor at r1/ledger/nobody")
        }),
    )

    it.scopedLive("fails a durable tell over max_payload before sending it", () =>
      Effect.gen(function* () {
        const server = yield* NatsServer.make({ jetstream: true, maxPayload: 4096 })
        const sender = yield* node(server, { durable })
        const huge = recordEnvelope(at("a"), "huge-1", 1)
        const error = yield* Effect.flip(
          sender.transport.tellDurable({ ...huge, payload: { _tag: "Record", value: "x".repeat(5000) } }),
        )
        expect(error._tag).toBe("TransportError")
        expect(error.message).toMatch(
          /huge-1 .* is \d+ bytes on the wire, over the NATS server's max_payload of 4096/,
        )
      }),
    )
  })
})
