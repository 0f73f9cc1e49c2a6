import { Clock, Effect, type Scope } from "effect"
import { globalValue } from "effect/GlobalValue"
import { reportRateLimitWait } from "../Metering.js"
import { AimdLimit, readThrottle } from "./AdaptiveConcurrency.js"
import { FifoSlots } from "./FifoSlots.js"

/** The limits one endpoint is used under. */
export interface EndpointLimits {
  readonly maxConcurrency: number
  readonly requestsPerMinute?: number | undefined
  readonly tokensPerMinute?: number | undefined
}

/** The token cost of a request: an estimate to reserve before sending, the truth once it answered. */
export interface TokenCost<A> {
  readonly estimate: number
  readonly actual: (result: A) => number
}

/**
 * Sees every HTTP request of an endpoint (the SDK client's `fetch` reports them; see `makeOpenAiClient`):
 * `sending` is called as a request leaves, and its token handed back to `answered` with the answer's status and
 * headers, or with none when no answer came (connection refused, aborted).
 */
export interface ResponseObserver {
  readonly sending: () => number
  readonly answered: (
    sentIn: number,
    answer: { readonly status: number; readonly headers: Headers } | undefined,
  ) => void
}

/**
 * Admission control for one endpoint, shared by every model in the process that uses it: an adaptive number
 * of requests in flight (AIMD up to `maxConcurrency`, see `AimdLimit`: halved when the endpoint refuses for
 * load, grown by one per window of successes), no admissions while the endpoint asked for a pause
 * (Retry-After, a spent budget's reset), and requests and tokens per minute as token buckets. A request that
 * had to wait reports the wait to the metered call it belongs to.
 */
export interface EndpointLimiter extends ResponseObserver {
  readonly endpoint: string
  /** Runs `request` once admitted; its token cost is reserved up front and corrected when it succeeds. */
  readonly run: <A, E, R>(request: Effect.Effect<A, E, R>, tokens: TokenCost<A>) => Effect.Effect<A, E, R>
  /** The limits declared: the strictest of those declared by the models using this endpoint. */
  readonly limits: () => EndpointLimits
  /** The concurrency in force now: the adaptive limit, capped by `peerLimit`. */
  readonly concurrency: () => number
  /** This process's own adaptive limit (what it would allow without peers), for sharing with other processes. */
  readonly ownLimit: () => number
  /**
   * Caps the concurrency at the lowest limit other processes using the endpoint report (undefined: no cap);
   * see @lyceum/nats's shared endpoint limits.
   */
  readonly setPeerLimit: (limit: number | undefined) => void
  /** Calls `listener` with `ownLimit()` whenever it changes; returns the unsubscribe. */
  readonly onOwnLimit: (listener: (limit: number) => void) => () => void
}

/** A refilling budget of `perMinute` units, started full; takers queue first-come first-served. */
class TokenBucket {
  private tokens: number
  private updatedAt: number
  private readonly mutex = Effect.unsafeMakeSemaphore(1)

  constructor(
    public perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute
    this.updatedAt = now
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.updatedAt) * this.perMinute) / 60_000)
    this.updatedAt = now
  }

  /** Takes `amount` units, waiting until they are there; succeeds with the milliseconds waited. */
  take(amount: number): Effect.Effect<number> {
    return this.mutex.withPermits(1)(
      Effect.gen(this, function* () {
        let waited = 0
        // A request larger than the whole bucket waits for a full bucket and then overdraws it.
        for (;;) {
          this.refill(yield* Clock.currentTimeMillis)
          const needed = Math.min(amount, this.perMinute)
          if (this.tokens >= needed) {
            this.tokens -= amount
            return waited
          }
          const waitMs = Math.ceil(((needed - this.tokens) * 60_000) / this.perMinute)
          yield* Effect.sleep(waitMs)
          waited += waitMs
        }
      }),
    )
  }

  /** Corrects an earlier take: positive `amount` takes more (possibly overdrawing), negative gives back. */
  adjust(amount: number): void {
    this.tokens = Math.min(this.perMinute, this.tokens - amount)
  }
}

const stricter = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b)

/** The strictest of each limit across `declared` (which is never empty). */
const strictest = (declared: ReadonlyArray<EndpointLimits>): EndpointLimits =>
  declared.reduce((a, b) => ({
    maxConcurrency: Math.min(a.maxConcurrency, b.maxConcurrency),
    requestsPerMinute: stricter(a.requestsPerMinute, b.requestsPerMinute),
    tokensPerMinute: stricter(a.tokensPerMinute, b.tokensPerMinute),
  }))

class Limiter implements EndpointLimiter {
  /** The limits declared by each model now using the endpoint; the strictest of each applies. */
  readonly declared: Array<EndpointLimits> = []
  private current: EndpointLimits
  /** First come, first served: under contention a release wakes one waiter, not all of them. */
  private readonly slots: FifoSlots
  private requestBucket: TokenBucket | undefined
  private tokenBucket: TokenBucket | undefined
  private readonly aimd: AimdLimit
  private peer: number | undefined
  /** No request is admitted before this time (the endpoint's clock, ms): it asked for a pause. */
  private pausedUntil = 0
  private readonly listeners = new Set<(limit: number) => void>()

  constructor(
    readonly endpoint: string,
    first: EndpointLimits,
    private readonly clock: Clock.Clock,
  ) {
    this.current = first
    this.aimd = new AimdLimit(first.maxConcurrency)
    this.slots = new FifoSlots(first.maxConcurrency)
  }

  limits = (): EndpointLimits => this.current

  ownLimit = (): number => this.aimd.limit

  concurrency = (): number => Math.min(this.aimd.limit, this.peer ?? Number.POSITIVE_INFINITY)

  setPeerLimit = (limit: number | undefined): void => {
    this.peer = limit === undefined ? undefined : Math.max(1, Math.floor(limit))
    this.slots.setCapacity(this.concurrency())
  }

  onOwnLimit = (listener: (limit: number) => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** HTTP requests out now (not those admitted but paused or between retries). */
  private inFlight = 0

  sending = (): number => {
    this.inFlight += 1
    return this.aimd.generation
  }

  answered: ResponseObserver["answered"] = (sentIn, answer) => {
    // Counted with this request still out: the window it was part of.
    const inFlight = this.inFlight
    this.inFlight -= 1
    if (answer === undefined) return
    const now = this.clock.unsafeCurrentTimeMillis()
    const signal = readThrottle(answer.status, answer.headers, now)
    if (signal.pauseMs !== undefined && (signal.overloaded || signal.exhausted)) {
      this.pausedUntil = Math.max(this.pausedUntil, now + signal.pauseMs)
    }
    if (this.aimd.record(signal, sentIn, inFlight)) this.limitChanged()
  }

  private limitChanged(): void {
    this.slots.setCapacity(this.concurrency())
    for (const listener of this.listeners) listener(this.aimd.limit)
  }

  /** Recomputes the limits in force after a model started or stopped using the endpoint. */
  apply(now: number): Effect.Effect<void> {
    const next = strictest(this.declared)
    const rebucket = (bucket: TokenBucket | undefined, perMinute: number | undefined) => {
      if (perMinute === undefined) return undefined
      if (bucket === undefined) return new TokenBucket(perMinute, now)
      bucket.perMinute = perMinute
      return bucket
    }
    this.requestBucket = rebucket(this.requestBucket, next.requestsPerMinute)
    this.tokenBucket = rebucket(this.tokenBucket, next.tokensPerMinute)
    this.current = next
    return Effect.sync(() => {
      const before = this.aimd.limit
      this.aimd.setCeiling(next.maxConcurrency)
      if (this.aimd.limit !== before) this.limitChanged()
      else this.slots.setCapacity(this.concurrency())
    })
  }

  run<A, E, R>(request: Effect.Effect<A, E, R>, tokens: TokenCost<A>): Effect.Effect<A, E, R> {
    return Effect.clockWith((clock) => {
      const start = clock.unsafeCurrentTimeMillis()
      // No free slot means waiting in line: a freed slot goes to the head of the line, never to a newcomer.
      const blockedOnSlot = this.slots.available === 0
      return this.slots.withSlot(
        Effect.suspend(() =>
          // Most requests have nothing to wait for once they hold a slot: no generator for them (this runs per call).
          this.pausedUntil <= this.clock.unsafeCurrentTimeMillis() &&
          this.requestBucket === undefined &&
          this.tokenBucket === undefined
            ? blockedOnSlot
              ? Effect.zipRight(reportRateLimitWait(clock.unsafeCurrentTimeMillis() - start), request)
              : request
            : this.throttled(request, tokens, clock, start, blockedOnSlot),
        ),
      )
    })
  }

  /** `run` once it holds a slot, when the endpoint asked for a pause or the rates are limited. */
  private throttled<A, E, R>(
    request: Effect.Effect<A, E, R>,
    tokens: TokenCost<A>,
    clock: Clock.Clock,
    start: number,
    blockedOnSlot: boolean,
  ): Effect.Effect<A, E, R> {
    return Effect.gen(this, function* () {
      // The endpoint asked for a pause (Retry-After, a spent budget's reset): nobody is sent before it ends.
      let paused = false
      for (;;) {
        const left = this.pausedUntil - this.clock.unsafeCurrentTimeMillis()
        if (left <= 0) break
        paused = true
        yield* Effect.sleep(left)
      }
      const requestBucket = this.requestBucket
      const waitedForRequests = requestBucket === undefined ? 0 : yield* requestBucket.take(1)
      const tokenBucket = this.tokenBucket
      const waitedForTokens = tokenBucket === undefined ? 0 : yield* tokenBucket.take(tokens.estimate)
      if (blockedOnSlot || paused || waitedForRequests > 0 || waitedForTokens > 0) {
        yield* reportRateLimitWait(clock.unsafeCurrentTimeMillis() - start)
      }
      const result = yield* request
      tokenBucket?.adjust(tokens.actual(result) - tokens.estimate)
      return result
    })
  }
}

const limiters = globalValue(
  Symbol.for("@lyceum/models/EndpointLimiter/limiters"),
  () => new Map<string, Limiter>(),
)

const endpointKey = (baseURL: string): string => baseURL.replace(/\/+$/, "")

/** Told when an endpoint's limiter comes into use in this process and when its last model lets it go. */
export interface EndpointLimiterWatcher {
  readonly added: (limiter: EndpointLimiter) => void
  readonly removed: (limiter: EndpointLimiter) => void
}

const watchers = globalValue(
  Symbol.for("@lyceum/models/EndpointLimiter/watchers"),
  () => new Set<EndpointLimiterWatcher>(),
)

/**
 * Watches this process's endpoint limiters: `added` now for each one in use, then for each new one, and
 * `removed` when one is dropped; returns the unsubscribe. How limits are shared with other processes of a run
 * (@lyceum/nats `shareEndpointLimits`) without the models knowing about NATS.
 */
export const watchEndpointLimiters = (watcher: EndpointLimiterWatcher): (() => void) => {
  watchers.add(watcher)
  for (const limiter of limiters.values()) watcher.added(limiter)
  return () => {
    watchers.delete(watcher)
  }
}

/**
 * The process-wide limiter of the endpoint at `baseURL`, for as long as the scope lasts. Every model on one
 * endpoint shares its limiter, under the strictest of each limit they declared; when a model's scope closes
 * its declaration no longer counts, and when the last one closes the limiter is dropped.
 */
export const forEndpoint = (
  baseURL: string,
  limits: EndpointLimits,
): Effect.Effect<EndpointLimiter, never, Scope.Scope> => {
  const key = endpointKey(baseURL)
  const declaration: EndpointLimits = { ...limits }
  return Effect.acquireRelease(
    Effect.flatMap(Effect.clock, (clock) => {
      const now = clock.unsafeCurrentTimeMillis()
      const existing = limiters.get(key)
      const limiter = existing ?? new Limiter(key, declaration, clock)
      limiters.set(key, limiter)
      if (existing === undefined) for (const watcher of watchers) watcher.added(limiter)
      limiter.declared.push(declaration)
      return Effect.as(limiter.apply(now), limiter)
    }),
    (limiter) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        limiter.declared.splice(limiter.declared.indexOf(declaration), 1)
        if (limiter.declared.length > 0) return limiter.apply(now)
        if (limiters.get(key) === limiter) {
          limiters.delete(key)
          for (const watcher of watchers) watcher.removed(limiter)
        }
        return Effect.void
      }),
  )
}

/** The concurrency in force now for the endpoint at `baseURL` in this process (none while no model uses it). */
export const endpointConcurrency = (baseURL: string): number | undefined =>
  limiters.get(endpointKey(baseURL))?.concurrency()
