import { Duration, Effect, Schedule } from "effect"
import { reportRetry } from "../Metering.js"
import type { ModelError } from "../ModelError.js"
import { isRetryable } from "./OpenAiErrors.js"

/** Backoff timing: the first retry waits about `baseDelayMs`, each next one twice as long, never over `maxDelayMs`. */
export interface Backoff {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const defaultBackoff: Backoff = { baseDelayMs: 500, maxDelayMs: 30_000 }

/**
 * Up to `maxRetries` retries of retryable errors, with jittered exponential backoff; a Retry-After the
 * endpoint sent is a floor on the wait, not a suggestion. Every retry is reported to metering.
 */
export const retryPolicy = (maxRetries: number, backoff: Backoff = defaultBackoff) =>
  Schedule.exponential(Duration.millis(backoff.baseDelayMs), 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(backoff.maxDelayMs))),
    Schedule.intersect(Schedule.recurs(maxRetries)),
    Schedule.intersect(Schedule.identity<ModelError>()),
    Schedule.whileInput(isRetryable),
    Schedule.modifyDelayEffect(([, error], delay) => {
      const floor = error._tag === "RateLimited" ? (error.retryAfterMs ?? 0) : 0
      const waitMs = Math.max(Duration.toMillis(delay), floor)
      return Effect.as(reportRetry({ delayMs: waitMs, error }), Duration.millis(waitMs))
    }),
  )
