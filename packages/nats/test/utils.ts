import { Effect } from "effect"
import * as NatsClient from "../src/NatsClient.js"
import type * as NatsServer from "../src/NatsServer.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const bytes = (text: string): Uint8Array => encoder.encode(text)
export const text = (data: Uint8Array): string => decoder.decode(data)

/** A client on `server` that reconnects quickly (tests restart servers). */
export const connectTo = (server: NatsServer.NatsServer, extra: Partial<NatsClient.NatsClientOptions> = {}) =>
  NatsClient.make({ servers: [server.url], reconnectTimeWaitMs: 50, ...extra })

/** Runs `self` expecting failure; the error, for assertions. */
export const failure = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<E, string, R> =>
  Effect.flip(self).pipe(Effect.mapError(() => "expected a failure, got a success"))
