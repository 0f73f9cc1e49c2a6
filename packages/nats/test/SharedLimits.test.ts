import { describe, expect, it } from "@effect/vitest"
import type { EndpointLimiter, EndpointLimiterWatcher } from "@lyceum/models"
import { Effect, Exit, Scope } from "effect"
import { connect } from "nats"
import * as NatsServer from "../src/NatsServer.js"
import { endpointToken, LIMITS_BUCKET, shareEndpointLimits } from "../src/SharedLimits.js"

/**
 * One process's limiter of an endpoint, as much as sharing sees of it: its own limit (changed by the test, as
 * throttling would) and the peer cap sharing sets.
 */
const fakeLimiter = (endpoint: string, own: number) => {
  const listeners = new Set<(limit: number) => void>()
  const state = { own, peer: undefined as number | undefined }
  const limiter = {
    endpoint,
    ownLimit: () => state.own,
    setPeerLimit: (limit: number | undefined) => {
      state.peer = limit
    },
    onOwnLimit: (listener: (limit: number) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as unknown as EndpointLimiter
  const throttle = (limit: number) => {
    state.own = limit
    for (const listener of listeners) listener(limit)
  }
  return { limiter, state, throttle }
}

/** A process's registry of limiters, as `watchEndpointLimiters` gives it. */
const registry = () => {
  const watchers = new Set<EndpointLimiterWatcher>()
  const limiters = new Set<EndpointLimiter>()
  return {
    watch: (watcher: EndpointLimiterWatcher) => {
      watchers.add(watcher)
      for (const limiter of limiters) watcher.added(limiter)
      return () => watchers.delete(watcher)
    },
    add: (limiter: EndpointLimiter) => {
      limiters.add(limiter)
      for (const watcher of watchers) watcher.added(limiter)
    },
    remove: (limiter: EndpointLimiter) => {
      limiters.delete(limiter)
      for (const watcher of watchers) watcher.removed(limiter)
    },
  }
}

/** Polls `check` until it holds (sharing goes through the server: asynchronous). */
const eventually = (check: () => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      if (check()) return
      yield* Effect.sleep(20)
    }
    return yield* Effect.die(new Error(`never happened: ${what}`))
  })

const ENDPOINT = "http://llm.example:8000/v1"

describe("endpoint limits shared over NATS KV", () => {
  it.scopedLive("a throttled process caps the others on the same endpoint, and only on it", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const [a, b] = [registry(), registry()]
      const aLimiter = fakeLimiter(ENDPOINT, 16)
      const bLimiter = fakeLimiter(ENDPOINT, 16)
      const bOther = fakeLimiter("http://other.example/v1", 16)
      a.add(aLimiter.limiter)
      yield* shareEndpointLimits({ nats: { servers: [server.url] }, process: "a", watch: a.watch })
      const bScope = yield* Scope.make()
      yield* shareEndpointLimits({ nats: { servers: [server.url] }, process: "b", watch: b.watch }).pipe(
        Scope.extend(bScope),
      )
      b.add(bLimiter.limiter)
      b.add(bOther.limiter)
      yield* eventually(() => aLimiter.state.peer === 16 && bLimiter.state.peer === 16, "peers seen")
      aLimiter.throttle(4)
      yield* eventually(() => bLimiter.state.peer === 4, "b capped at a's limit")
      // Another endpoint is not capped; a's own cap is b's limit, not its own.
      expect(bOther.state.peer).toBeUndefined()
      expect(aLimiter.state.peer).toBe(16)
      // b stops using the endpoint: its key goes, and a is no longer capped.
      b.remove(bLimiter.limiter)
      yield* eventually(() => aLimiter.state.peer === undefined, "a uncapped after b left")
      expect(bLimiter.state.peer).toBeUndefined()
      // b's process ends: nothing of it stays in the bucket.
      yield* Scope.close(bScope, Exit.void)
      const nc = yield* Effect.promise(() => connect({ servers: server.url }))
      const kv = yield* Effect.promise(() => nc.jetstream().views.kv(LIMITS_BUCKET, { bindOnly: true }))
      const keys = yield* Effect.promise(async () => {
        const found: Array<string> = []
        for await (const key of await kv.keys()) found.push(key)
        return found
      })
      expect(keys).toEqual([`${endpointToken(ENDPOINT)}.a`])
      yield* Effect.promise(() => nc.close())
    }),
  )

  it.scopedLive("a value that is not a limit (a hostile client on the bus) is ignored", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      // The other client made the bucket first, with another configuration (no TTL): it is used as it is.
      const nc = yield* Effect.promise(() => connect({ servers: server.url }))
      const kv = yield* Effect.promise(() => nc.jetstream().views.kv(LIMITS_BUCKET))
      const a = registry()
      const limiter = fakeLimiter(ENDPOINT, 8)
      a.add(limiter.limiter)
      yield* shareEndpointLimits({ nats: { servers: [server.url] }, process: "a", watch: a.watch })
      const prefix = endpointToken(ENDPOINT)
      for (const [who, value] of [
        ["x", "not json"],
        ["y", JSON.stringify({ limit: 0 })],
        ["z", JSON.stringify({ limit: 2.5 })],
        ["w", JSON.stringify({ limit: -3 })],
      ])
        yield* Effect.promise(() => kv.put(`${prefix}.${who}`, value!))
      yield* Effect.promise(() => kv.put(`${prefix}.peer`, JSON.stringify({ limit: 3 })))
      yield* eventually(() => limiter.state.peer === 3, "the valid peer's limit applied")
      yield* Effect.promise(() => nc.close())
    }),
  )

  it.scopedLive("a server without JetStream leaves each process its own limit, without failing", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make()
      const a = registry()
      const limiter = fakeLimiter(ENDPOINT, 8)
      a.add(limiter.limiter)
      yield* shareEndpointLimits({ nats: { servers: [server.url] }, process: "a", watch: a.watch })
      yield* Effect.sleep(300)
      expect(limiter.state.peer).toBeUndefined()
    }),
  )

  it.scopedLive("a process without endpoint limiters (sim models only) never touches the bucket", () =>
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const scope = yield* Scope.make()
      yield* shareEndpointLimits({
        nats: { servers: [server.url] },
        process: "a",
        watch: registry().watch,
      }).pipe(Scope.extend(scope))
      yield* Scope.close(scope, Exit.void)
      const nc = yield* Effect.promise(() => connect({ servers: server.url }))
      const streams = yield* Effect.promise(async () => {
        const names: Array<string> = []
        for await (const name of (await nc.jetstreamManager()).streams.names()) names.push(name)
        return names
      })
      expect(streams).toEqual([])
      yield* Effect.promise(() => nc.close())
    }),
  )
})
