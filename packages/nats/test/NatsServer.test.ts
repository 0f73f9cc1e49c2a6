import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as NatsServer from "../src/NatsServer.js"
import { bytes, connectTo, failure, text } from "./utils.js"

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("NatsServer", () => {
  it.live("starts a server that accepts clients, then kills it and removes its dir", () =>
    Effect.gen(function* () {
      const { pid, dir } = yield* Effect.scoped(
        Effect.gen(function* () {
          const server = yield* NatsServer.make({ jetstream: true })
          expect(server.url).toBe(`nats://127.0.0.1:${server.port}`)
          expect(isAlive(server.pid)).toBe(true)
          const client = yield* connectTo(server)
          // JetStream writes its store under storeDir once a stream exists.
          yield* client.ensureStream("LAUNCH", ["launch.>"])
          expect(fs.existsSync(server.storeDir)).toBe(true)
          return { pid: server.pid, dir: path.dirname(server.storeDir) }
        }),
      )
      expect(isAlive(pid)).toBe(false)
      expect(fs.existsSync(dir)).toBe(false)
    }),
  )

  it.scopedLive("runs two servers side by side on different free ports", () =>
    Effect.gen(function* () {
      const [a, b] = yield* Effect.all([NatsServer.make(), NatsServer.make()], { concurrency: 2 })
      expect(a.port).not.toBe(b.port)
      expect(a.pid).not.toBe(b.pid)
      // Separate servers: a subscriber on A answers requests sent to A, not to B.
      const onA = yield* connectTo(a)
      const onB = yield* connectTo(b)
      const requests = yield* onA.subscribe("where")
      yield* requests.pipe(
        Stream.runForEach((m) => m.respond(bytes("a"))),
        Effect.forkScoped,
      )
      const reply = yield* onA.request("where", bytes("?"), 2_000)
      expect(text(reply.data)).toBe("a")
      const error = yield* failure(onB.request("where", bytes("?"), 2_000))
      expect(error._tag).toBe("NatsNoResponders")
    }),
  )

  it.scopedLive("restarts on the same port and store dir after SIGKILL", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const { port, pid, storeDir } = server
      yield* server.kill
      expect(isAlive(pid)).toBe(false)
      yield* server.restart
      expect(server.pid).not.toBe(pid)
      expect(server.port).toBe(port)
      expect(server.storeDir).toBe(storeDir)
      const client = yield* connectTo(server)
      yield* client.flush
    }),
  )

  it.scopedLive("reports a config the server rejects, with the server's own words", () =>
    Effect.gen(function* () {
      const error = yield* failure(NatsServer.make({ extraConfig: "max_payload: not-a-number" }))
      expect(error.reason).toBe("StartFailed")
      // nats-server names the config line it could not read.
      expect(error.message).toMatch(/nats\.conf:\d+:\d+/)
    }),
  )

  it.scopedLive("says how to install nats-server when the binary is missing", () =>
    Effect.gen(function* () {
      const error = yield* failure(NatsServer.make({ binary: "nats-server-that-does-not-exist" }))
      expect(error.reason).toBe("NotInstalled")
      expect(error.message).toBe("nats-server not found: install it (apt-get install nats-server)")
    }),
  )
})
