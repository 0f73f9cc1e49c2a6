import { Clock, Effect, type Scope } from "effect"
import { globalValue } from "effect/GlobalValue"
import { reportRateLimitWait } from "../Metering.js"
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
 * Admission control for one endpoint, shared by every model in the process that uses it: at most
 * `maxConcurrency` requests in flight, and requests and tokens per minute as token buckets. A request that
 * had to wait reports the wait to the metered call it belongs to.
 */
export interface EndpointLimiter {
  readonly endpoint: string
  /** Runs `request` once admitted; its token cost is reserved up front and corrected when it succeeds. */
  readonly run: <A, E, R>(request: Effect.Effect<A, E, R>, tokens: TokenCost<A>) => Effect.Effect<A, E, R>
  /** The limits in force: the strictest of those declared by the models using this endpoint. */
  readonly limits: () => EndpointLimits
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

  constructor(
    readonly endpoint: string,
    first: EndpointLimits,
  ) {
    this.current = first
    this.slots = new FifoSlots(first.maxConcurrency)
  }

  limits = (): EndpointLimits => this.current

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
    return this.slots.resize(next.maxConcurrency)
  }

  run<A, E, R>(request: Effect.Effect<A, E, R>, tokens: TokenCost<A>): Effect.Effect<A, E, R> {
    return Effect.gen(this, function* () {
      const start = yield* Clock.currentTimeMillis
      // No free slot means waiting in line: a freed slot goes to the head of the line, never to a newcomer.
      const blockedOnSlot = this.slots.available === 0
      return yield* this.slots.withSlot(
        Effect.gen(this, function* () {
          const requestBucket = this.requestBucket
          const waitedForRequests = requestBucket === undefined ? 0 : yield* requestBucket.take(1)
          const tokenBucket = this.tokenBucket
          const waitedForTokens = tokenBucket === undefined ? 0 : yield* tokenBucket.take(tokens.estimate)
          if (blockedOnSlot || waitedForRequests > 0 || waitedForTokens > 0) {
            yield* reportRateLimitWait((yield* Clock.currentTimeMillis) - start)
          }
          const result = yield* request
          tokenBucket?.adjust(tokens.actual(result) - tokens.estimate)
          return result
        }),
      )
    })
  }
}

const limiters = globalValue(
  Symbol.for("@lyceum/models/EndpointLimiter/limiters"),
  () => new Map<string, Limiter>(),
)

const endpointKey = (baseURL: string): string => baseURL.replace(/\/+$/, "")

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
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const limiter = limiters.get(key) ?? new Limiter(key, declaration)
      limiters.set(key, limiter)
      limiter.declared.push(declaration)
      return Effect.as(limiter.apply(now), limiter)
    }),
    (limiter) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        limiter.declared.splice(limiter.declared.indexOf(declaration), 1)
        if (limiter.declared.length > 0) return limiter.apply(now)
        if (limiters.get(key) === limiter) limiters.delete(key)
        return Effect.void
      }),
  )
}
