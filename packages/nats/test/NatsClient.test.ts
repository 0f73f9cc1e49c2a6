import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Redacted, Schema, Scope, Stream } from "effect"
import * as NatsClient from "../src/NatsClient.js"
import * as NatsServer from "../src/NatsServer.js"
import { bytes, connectTo, failure, text } from "./utils.js"

const maxPayload = 4096

layer(NatsServer.layer({ maxPayload }), { excludeTestServices: true })("NatsClient core", (it) => {
  it.scoped("delivers published messages with their headers to a wildcard subscriber", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.NatsServer
      const publisher = yield* connectTo(server, { name: "publisher" })
      const subscriber = yield* connectTo(server, { name: "subscriber" })
      const messages = yield* subscriber.subscribe("lyceum.r1.>")
      yield* publisher.publish("lyceum.r1.student.s1", bytes("hello"), { "Lyceum-Kind": "lesson" })
      yield* publisher.publish("lyceum.r2.student.s1", bytes("other run"))
      yield* publisher.publish("lyceum.r1.teacher.t1", bytes("world"))
      const received = Chunk.toArray(yield* messages.pipe(Stream.take(2), Stream.runCollect))
      expect(received.map((m) => [m.subject, text(m.data)])).toEqual([
        ["lyceum.r1.student.s1", "hello"],
        ["lyceum.r1.teacher.t1", "world"],
      ])
      expect(received[0]?.headers["Lyceum-Kind"]).toBe("lesson")
      expect(received[0]?.reply).toBeUndefined()
    }),
  )

  it.scoped("answers a request through a subscriber that responds", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.NatsServer
      const responder = yield* connectTo(server)
      const requester = yield* connectTo(server)
      const requests = yield* responder.subscribe("echo.upper")
      yield* requests.pipe(
        Stream.runForEach((m) => m.respond(bytes(text(m.data).toUpperCase()), { Echoed: "yes" })),
        Effect.forkScoped,
      )
      const replies = yield* Effect.all(
        ["a", "b", "c"].map((s) => requester.request("echo.upper", bytes(s), 2_000)),
        { concurrency: "unbounded" },
      )
      expect(replies.map((r) => text(r.data))).toEqual(["A", "B", "C"])
      expect(replies[0]?.headers.Echoed).toBe("yes")
    }),
  )

  it.scoped("fails a request nobody listens to with NatsNoResponders", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      const error = yield* failure(client.request("nobody.home", bytes("?"), 2_000))
      expect(error._tag).toBe("NatsNoResponders")
      if (error._tag === "NatsNoResponders") expect(error.subject).toBe("nobody.home")
    }),
  )

  it.scoped("fails a request whose responder stays silent with NatsTimeout", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      yield* client.subscribe("silent") // subscribed, never answers
      const error = yield* failure(client.request("silent", bytes("?"), 200))
      expect(error._tag).toBe("NatsTimeout")
      if (error._tag === "NatsTimeout") expect(error.timeoutMs).toBe(200)
    }),
  )

  it.scoped("reports max_payload and refuses a larger message with NatsPayloadTooLarge", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.NatsServer
      const client = yield* connectTo(server)
      expect(yield* client.maxPayload).toBe(maxPayload)
      const error = yield* failure(client.publish("big", new Uint8Array(maxPayload + 1)))
      expect(error._tag).toBe("NatsPayloadTooLarge")
      if (error._tag === "NatsPayloadTooLarge") {
        expect(error).toMatchObject({ subject: "big", size: maxPayload + 1, maxPayload })
        expect(error.message).toContain(`127.0.0.1:${server.port}`)
      }
      // The same for a request; a message at the limit still goes through.
      const requestError = yield* failure(client.request("big", new Uint8Array(maxPayload + 1), 1_000))
      expect(requestError._tag).toBe("NatsPayloadTooLarge")
      yield* client.publish("big", new Uint8Array(maxPayload))
      yield* client.flush
    }),
  )

  it.scoped("ends the subscription stream when its scope closes", () =>
    Effect.gen(function* () {
      const client = yield* connectTo(yield* NatsServer.NatsServer)
      const messages = yield* Effect.scoped(client.subscribe("short.lived"))
      const received = yield* Stream.runCollect(messages)
      expect(Chunk.size(received)).toBe(0)
      const error = yield* failure(client.request("short.lived", bytes("?"), 1_000))
      expect(error._tag).toBe("NatsNoResponders")
    }),
  )

  it.scoped("listen: calls back in arrival order, answers requests, and ends with its scope", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.NatsServer
      const listener = yield* connectTo(server)
      const sender = yield* connectTo(server)
      const received: Array<string> = []
      const scope = yield* Scope.make()
      const listening = yield* listener
        .listen("listen.>", (message) => {
          received.push(text(message.data))
          if (message.reply !== undefined) Effect.runFork(message.respond(bytes("pong")))
        })
        .pipe(Effect.provideService(Scope.Scope, scope))
      for (let i = 0; i < 200; i++) yield* sender.publish("listen.a", bytes(String(i)))
      const reply = yield* sender.request("listen.b", bytes("ping"), 2_000)
      expect(text(reply.data)).toBe("pong")
      expect(received).toEqual([...Array.from({ length: 200 }, (_, i) => String(i)), "ping"])
      yield* Scope.close(scope, Exit.void)
      yield* listening.closed
      // The unsubscribe must reach the server before the next request is routed (another connection sends it).
      yield* listener.flush
      const error = yield* failure(sender.request("listen.a", bytes("?"), 1_000))
      expect(error._tag).toBe("NatsNoResponders")
    }),
  )

  it.scoped("listen: a callback that throws ends the subscription with a defect", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.NatsServer
      const listener = yield* connectTo(server)
      const listening = yield* listener.listen("throws", () => {
        throw new Error("boom")
      })
      yield* listener.publish("throws", bytes("x"))
      const exit = yield* Effect.exit(listening.closed)
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }),
  )
})

describe("NatsClient connection", () => {
  it.scopedLive("rejects a wrong token with NatsPermissionDenied naming the server", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ auth: { token: "s3cret" } })
      const error = yield* failure(connectTo(server, { token: Redacted.make("wrong") }))
      expect(error._tag).toBe("NatsPermissionDenied")
      expect(error.message).toContain(server.url)
      expect(error.message).not.toContain("wrong")
      // The right token works.
      const client = yield* connectTo(server, { token: Redacted.make("s3cret") })
      yield* client.flush
    }),
  )

  it.scopedLive("accepts user and password and rejects a wrong password", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ auth: { user: "ada", password: "lovelace" } })
      const error = yield* failure(connectTo(server, { user: "ada", pass: Redacted.make("babbage") }))
      expect(error._tag).toBe("NatsPermissionDenied")
      const client = yield* connectTo(server, { user: "ada", pass: Redacted.make("lovelace") })
      yield* client.flush
    }),
  )

  it.scopedLive("fails a subscription the server does not permit with NatsPermissionDenied", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({
        extraConfig: `authorization { users: [ { user: "student", password: "pw", permissions: {
          subscribe: { deny: ["secrets.>"] } } } ] }`,
      })
      const client = yield* connectTo(server, { user: "student", pass: Redacted.make("pw") })
      const secrets = yield* client.subscribe("secrets.canary")
      const error = yield* failure(Stream.runDrain(secrets))
      expect(error._tag).toBe("NatsPermissionDenied")
      if (error._tag === "NatsPermissionDenied") expect(error.subject).toBe("secrets.canary")
      const listening = yield* client.listen("secrets.other", () => {})
      const listenError = yield* failure(listening.closed)
      expect(listenError._tag).toBe("NatsPermissionDenied")
      // The connection itself stays usable.
      const allowed = yield* client.subscribe("lessons.x")
      yield* client.publish("lessons.x", bytes("ok"))
      const [lesson] = Chunk.toArray(yield* allowed.pipe(Stream.take(1), Stream.runCollect))
      expect(text(lesson!.data)).toBe("ok")
    }),
  )

  it.scopedLive("fails with NatsConnectionError naming the server when nothing listens", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const url = server.url
      yield* server.stop
      const error = yield* failure(NatsClient.make({ servers: [url], connectTimeoutMs: 1_000 }))
      expect(error._tag).toBe("NatsConnectionError")
      expect(error.message).toContain(url)
    }),
  )

  it("decodes options from a scenario, keeping secrets redacted", () => {
    const options = Schema.decodeUnknownSync(NatsClient.NatsClientOptions)({
      servers: ["nats://example:4222"],
      token: "t0ken",
      tls: { caFile: "/etc/ca.pem" },
    })
    expect(Redacted.value(options.token!)).toBe("t0ken")
    expect(String(options.token)).not.toContain("t0ken")
    expect(() => Schema.decodeUnknownSync(NatsClient.NatsClientOptions)({ servers: [] })).toThrow()
  })
})
