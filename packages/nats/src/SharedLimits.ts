import { createHash, randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { type EndpointLimiter, type EndpointLimiterWatcher, watchEndpointLimiters } from "@lyceum/models"
import { Effect, Either, Runtime, Schema, type Scope } from "effect"
import { connect, type KV, type NatsConnection } from "nats"
import { toConnectionOptions } from "./ConnectOptions.js"
import type { NatsClientOptions } from "./NatsClient.js"

/**
 * Adaptive concurrency shared by every process that uses an endpoint (issue 13): each process keeps its own AIMD
 * limit per endpoint (@lyceum/models EndpointLimiter) and publishes it to a JetStream key-value bucket; each caps
 * its concurrency at the lowest limit the others published. So when the endpoint refuses one worker for load,
 * every worker of the run slows down with it instead of finding out by its own refusals.
 *
 * Keys are `<endpoint hash>.<process>`: the base URL is hashed (never the API key, which the limiter never sees).
 * Entries expire with the bucket's TTL, and every process re-publishes its limit well within it, so a killed
 * process stops capping the others within a TTL. A value that is not a limit (a hostile or older client on the
 * bus) is ignored; a forged low limit can slow a run down but never changes a result.
 */

export const LIMITS_BUCKET = "lyceum_endpoint_limits"

export interface SharedLimitsOptions {
  /** The connection (the run's `--nats` with its credentials); its `name` defaults to lyceum-limits. */
  readonly nats: NatsClientOptions
  /** How long a process's entry lives without being re-published. Default 60 s. */
  readonly ttlMs?: number
  /** How often each process re-publishes its limits. Default a third of the TTL. */
  readonly refreshMs?: number
  /** This process's key token. Default host, pid and a random suffix. */
  readonly process?: string
  readonly bucket?: string
  /** Where the limiters come from; tests give their own. Default this process's endpoint limiters. */
  readonly watch?: (watcher: EndpointLimiterWatcher) => () => void
}

const SharedLimit = Schema.parseJson(
  Schema.Struct({
    limit: Schema.Int.pipe(Schema.between(1, 1_000_000)),
  }),
)

/** A KV key token: letters, digits, `-` and `_` only. */
const token = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, "_")

/** The endpoint's part of the key: the same for every process using the same base URL. */
export const endpointToken = (endpoint: string): string =>
  createHash("sha256").update(endpoint).digest("hex").slice(0, 24)

const defaultProcess = () => token(`${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`)

/** The lowest limit among `peers` (undefined: none), for `setPeerLimit`. */
const lowest = (peers: ReadonlyMap<string, number>): number | undefined =>
  peers.size === 0 ? undefined : Math.min(...peers.values())

/** One endpoint's sharing: its own key kept up to date, the others' watched. */
interface Sharing {
  readonly stop: () => Promise<void>
}

const share = (
  kv: KV,
  limiter: EndpointLimiter,
  self: string,
  refreshMs: number,
  warn: (message: string) => void,
): Sharing => {
  const prefix = endpointToken(limiter.endpoint)
  const ownKey = `${prefix}.${self}`
  const peers = new Map<string, number>()
  const publish = (limit: number) =>
    kv.put(ownKey, JSON.stringify({ limit })).catch((error) => warn(`could not publish a limit: ${error}`))
  void publish(limiter.ownLimit())
  const unsubscribe = limiter.onOwnLimit((limit) => void publish(limit))
  const refresh = setInterval(() => void publish(limiter.ownLimit()), refreshMs)
  refresh.unref()
  let stopped = false
  const watching = kv
    .watch({ key: `${prefix}.*` })
    .then(async (entries) => {
      if (stopped) {
        entries.stop()
        return undefined
      }
      void (async () => {
        for await (const entry of entries) {
          const from = entry.key.slice(prefix.length + 1)
          if (from === self) continue
          if (entry.operation !== "PUT") peers.delete(from)
          else {
            const value = Schema.decodeUnknownEither(SharedLimit)(entry.string())
            if (Either.isLeft(value)) {
              warn(`ignored a value under ${entry.key} that is not a limit`)
              continue
            }
            peers.set(from, value.right.limit)
          }
          limiter.setPeerLimit(lowest(peers))
        }
      })()
      return entries
    })
    .catch((error) => {
      warn(`could not watch the other processes' limits: ${error}`)
      return undefined
    })
  return {
    stop: async () => {
      stopped = true
      clearInterval(refresh)
      unsubscribe()
      ;(await watching)?.stop()
      limiter.setPeerLimit(undefined)
      await kv.delete(ownKey).catch(() => undefined)
    },
  }
}

/**
 * Shares this process's endpoint limits with the other processes on the NATS servers for as long as the scope
 * lasts (see the module comment). Best effort: a server without JetStream, or one that cannot be reached, leaves
 * every process with its own limit and says so in a warning; the run goes on.
 */
export const shareEndpointLimits = (options: SharedLimitsOptions): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const warn = (message: string) =>
      Runtime.runFork(runtime)(Effect.logWarning(`shared endpoint limits: ${message}`))
    const ttlMs = options.ttlMs ?? 60_000
    const refreshMs = options.refreshMs ?? Math.max(1, Math.floor(ttlMs / 3))
    const self = token(options.process ?? defaultProcess())
    // Connected on the first endpoint limiter only: a run of sim models never touches the bucket (nor warns).
    let opening: Promise<{ readonly nc: NatsConnection; readonly kv: KV } | undefined> | undefined
    const open = () => {
      opening ??= (async () => {
        let nc: NatsConnection | undefined
        try {
          // The same options (credentials, TLS) as the run's other connections.
          const connection = await Effect.runPromise(
            toConnectionOptions({ name: "lyceum-limits", ...options.nats, maxReconnectAttempts: -1 }).pipe(
              Effect.mapError((error) => error.message),
            ),
          )
          nc = await connect(connection)
          const js = nc.jetstream()
          const bucket = options.bucket ?? LIMITS_BUCKET
          // A bucket made by another version (another TTL) or another client is used as it is: every process
          // re-publishes well within any TTL, and a bucket without one only keeps a killed process's entry longer.
          const kv = await js.views
            .kv(bucket, { history: 1, ttl: ttlMs })
            .catch((error) =>
              String(error).includes("already in use")
                ? js.views.kv(bucket, { bindOnly: true })
                : Promise.reject(error),
            )
          return { nc, kv }
        } catch (error) {
          await nc?.close().catch(() => undefined)
          warn(`not shared, each process keeps its own (${String(error)})`)
          return undefined
        }
      })()
      return opening
    }
    const sharings = new Map<EndpointLimiter, Promise<Sharing | undefined>>()
    const stop = (sharing: Promise<Sharing | undefined> | undefined) =>
      sharing?.then((shared) => shared?.stop()) ?? Promise.resolve()
    const unwatch = (options.watch ?? watchEndpointLimiters)({
      added: (limiter) => {
        if (sharings.has(limiter)) return
        sharings.set(
          limiter,
          open().then((opened) => opened && share(opened.kv, limiter, self, refreshMs, warn)),
        )
      },
      removed: (limiter) => {
        const sharing = sharings.get(limiter)
        sharings.delete(limiter)
        void stop(sharing)
      },
    })
    // Own keys deleted and watches stopped before the connection closes.
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        unwatch()
        await Promise.all([...sharings.values()].map(stop))
        sharings.clear()
        await (await opening)?.nc.close()
      }),
    )
  })
