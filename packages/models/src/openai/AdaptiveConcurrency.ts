import { parseRetryAfter } from "./OpenAiErrors.js"

/**
 * What one HTTP answer says about the endpoint's capacity:
 * - `overloaded`: it refused for load (429, 503): send less.
 * - `exhausted`: it answered, but its own budget (`x-ratelimit-remaining-requests` / `-tokens`) is at or near 0:
 *   do not send more than now.
 * - `pauseMs`: how long to send nothing at all, when the endpoint's budget is spent
 *   (`x-ratelimit-remaining-*` at 0): until the later of its `retry-after(-ms)` and the spent budget's
 *   `x-ratelimit-reset-*`.
 */
export interface ThrottleSignal {
  /** A 2xx: the endpoint did the work (only these count towards growing the limit). */
  readonly succeeded: boolean
  readonly overloaded: boolean
  readonly exhausted: boolean
  readonly pauseMs: number | undefined
}

/** The most full windows between two probes above a limit the endpoint refused (see `AimdLimit`). */
const MAX_PROBE_WINDOWS = 32

/** A budget counts as nearly exhausted at or below this share of its `x-ratelimit-limit-*`. */
const NEARLY_EXHAUSTED = 0.05

/**
 * An `x-ratelimit-reset-*` value in milliseconds: OpenAI's Go-style durations ("1s", "6m0s", "20ms",
 * "1m30.5s") or a plain number of seconds.
 */
export const parseResetDuration = (value: string | null): number | undefined => {
  if (value === null) return undefined
  const text = value.trim()
  if (text === "") return undefined
  const seconds = Number(text)
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined
  const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001 }
  let total = 0
  let rest = text
  for (;;) {
    const part = /^(\d+(?:\.\d+)?)(ms|us|µs|h|m|s)/.exec(rest)
    if (part === null) break
    total += Number(part[1]) * (unitMs[part[2]!] ?? 0)
    rest = rest.slice(part[0].length)
  }
  return rest === "" && text !== rest ? Math.ceil(total) : undefined
}

/** Whether the budget `kind` ("requests" | "tokens") is spent (0 left) or nearly so, by the headers. */
const budget = (headers: Headers, kind: "requests" | "tokens"): "spent" | "low" | "ok" => {
  const remaining = Number.parseFloat(headers.get(`x-ratelimit-remaining-${kind}`) ?? "")
  if (!Number.isFinite(remaining)) return "ok"
  if (remaining <= 0) return "spent"
  const limit = Number.parseFloat(headers.get(`x-ratelimit-limit-${kind}`) ?? "")
  return Number.isFinite(limit) && limit > 0 && remaining <= limit * NEARLY_EXHAUSTED ? "low" : "ok"
}

/** Reads an HTTP answer's status and headers for what they say about the endpoint's capacity. */
export const readThrottle = (status: number, headers: Headers, now: number = Date.now()): ThrottleSignal => {
  const overloaded = status === 429 || status === 503
  const requests = budget(headers, "requests")
  const tokens = budget(headers, "tokens")
  const spentResets = [
    requests === "spent" ? parseResetDuration(headers.get("x-ratelimit-reset-requests")) : undefined,
    tokens === "spent" ? parseResetDuration(headers.get("x-ratelimit-reset-tokens")) : undefined,
  ].filter((ms): ms is number => ms !== undefined)
  // Only a spent budget stops the whole endpoint: every request sent before its reset would be refused too.
  // A refusal for load alone (a server at its concurrency, Ollama's busy 503) already halves the limit, and
  // its Retry-After delays the refused request's own retry; stopping every other request as well would drain
  // the window for nothing (measured: 0.4 of the server's limit in the throttled benchmark).
  const retryAfter = parseRetryAfter(headers, now)
  const spent = requests === "spent" || tokens === "spent"
  const pauseMs = spent ? Math.max(retryAfter ?? 0, ...spentResets) || undefined : undefined
  return {
    succeeded: status >= 200 && status < 300,
    overloaded,
    exhausted: requests !== "ok" || tokens !== "ok",
    pauseMs,
  }
}

/**
 * AIMD concurrency for one endpoint: starts at the ceiling; an overload halves the limit (never below 1), at
 * most once per generation of requests (those sent before the last decrease were sent under the old limit, so
 * their refusals are one event, not many); successes add 1 at a time, never above the ceiling: one per success
 * back up to the most the endpoint took for a full window (one below any limit it refused), then one per `limit`
 * successes (a round trip of a full window) to probe for more — so a server at a fixed concurrency is held near
 * it rather than in a sawtooth between half and all of it (what it took is known only from full windows that
 * passed, never from a first burst); counting only answers to requests of the current generation while the window is in
 * full use, and not while the endpoint says its budget is at its edge.
 *
 * An exhausted budget on a successful answer holds the limit rather than halving it: the request got through,
 * and halving at the edge would keep the endpoint at about 3/4 of what it allows (the AIMD sawtooth between
 * limit/2 and limit) where holding keeps it full.
 */
export class AimdLimit {
  private current: number
  private successes = 0
  /**
   * The highest limit the endpoint has taken for a full window without refusing (0: none yet), lowered to one
   * below any limit it refuses at. Recovery up to it is one step per success (it took that many before); beyond
   * it, one per full window (probing for more).
   */
  private verified = 0
  /** An answer said the budget is at its edge: no quick recovery until a full window says otherwise. */
  private edge = false
  /**
   * Full windows to stay at the verified limit before probing one above it: doubled by every probe the endpoint
   * refuses (up to MAX_PROBE_WINDOWS), back to 1 when a probe passes. A server with a fixed capacity is then
   * probed ever more rarely, so its refusals (and the halvings they bring) stop costing throughput.
   */
  private probeWindows = 1
  private windowsAtVerified = 0
  /** Bumped by every decrease; a request carries the generation it was sent in. */
  generation = 0

  constructor(private ceilingValue: number) {
    this.current = ceilingValue
  }

  get limit(): number {
    return this.current
  }

  get ceiling(): number {
    return this.ceilingValue
  }

  /**
   * A new ceiling (the declared maxConcurrency changed): the limit never exceeds it, and a limit at the old
   * ceiling (never throttled, or recovered) moves to the new one; a throttled one keeps recovering from where it is.
   */
  setCeiling(ceiling: number): void {
    const atCeiling = this.current >= this.ceilingValue
    this.ceilingValue = ceiling
    this.current = atCeiling ? ceiling : Math.min(this.current, ceiling)
  }

  /**
   * Records one answer to a request sent in `sentIn`, with `inFlight` requests out when it came; true when the
   * limit changed.
   */
  record(signal: ThrottleSignal, sentIn: number, inFlight: number = this.current): boolean {
    const before = this.current
    if (signal.overloaded) {
      if (sentIn >= this.generation) {
        if (this.verified > 0 && this.current === this.verified + 1)
          this.probeWindows = Math.min(MAX_PROBE_WINDOWS, this.probeWindows * 2)
        this.windowsAtVerified = 0
        this.verified = Math.min(this.verified, this.current - 1)
        this.current = Math.max(1, Math.floor(this.current / 2))
        this.generation += 1
        this.successes = 0
      }
    } else if (signal.exhausted) {
      // At the edge: growing needs a full window of answers that say there is room.
      this.successes = 0
      this.edge = true
    } else if (signal.succeeded && sentIn === this.generation && inFlight >= this.current) {
      // Only a full window is evidence that the endpoint takes the limit: while callers are waiting out retries
      // fewer are in flight, and growing then would only find out the limit is too high later, in a burst.
      this.successes += 1
      const window = this.current < this.verified && !this.edge ? 1 : this.current
      if (this.successes >= window) {
        this.successes = 0
        if (window === this.current) {
          if (this.current > this.verified) this.probeWindows = 1
          this.verified = Math.max(this.verified, this.current)
          this.edge = false
          // At the limit the endpoint refused one above: wait out the probe windows before trying again.
          if (++this.windowsAtVerified < this.probeWindows) return this.current !== before
          this.windowsAtVerified = 0
        }
        this.current = Math.min(this.ceilingValue, this.current + 1)
      }
    }
    return this.current !== before
  }
}
