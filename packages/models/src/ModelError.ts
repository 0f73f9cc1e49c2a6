import { Data } from "effect"

/** The endpoint asked us to slow down (HTTP 429); `retryAfterMs` is its Retry-After, when given. */
export class RateLimited extends Data.TaggedError("RateLimited")<{
  readonly model: string
  readonly retryAfterMs?: number
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.retryAfterMs === undefined
      ? `${this.model} is rate limited (429)`
      : `${this.model} is rate limited (429); the endpoint asked to wait ${this.retryAfterMs} ms`
  }
}

/** One attempt took longer than the model's `timeoutMs`. */
export class Timeout extends Data.TaggedError("Timeout")<{
  readonly model: string
  readonly afterMs: number
}> {
  override get message(): string {
    return `${this.model} did not answer within ${this.afterMs} ms`
  }
}

/** The endpoint could not be reached or answered 5xx. */
export class Unavailable extends Data.TaggedError("Unavailable")<{
  readonly model: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** The endpoint answered something that is not the protocol (malformed JSON, missing fields, truncated body). */
export class BadResponse extends Data.TaggedError("BadResponse")<{
  readonly model: string
  readonly message: string
  readonly cause?: unknown
}> {}

export class Unauthorized extends Data.TaggedError("Unauthorized")<{
  readonly model: string
  readonly message: string
}> {}

export class ContextTooLong extends Data.TaggedError("ContextTooLong")<{
  readonly model: string
  readonly message: string
}> {}

/** The model cannot score a forced continuation (chat-only endpoints). */
export class ScoreUnsupported extends Data.TaggedError("ScoreUnsupported")<{
  readonly model: string
  readonly message: string
}> {}

/** The run's token or money budget is spent; the runner stops cleanly. */
export class BudgetExceeded extends Data.TaggedError("BudgetExceeded")<{
  readonly message: string
}> {}

/**
 * The response cache is in replay mode, which forbids model calls, and it holds no answer for this request.
 * The message names the model and the prompt hash that missed.
 */
export class ReplayMiss extends Data.TaggedError("ReplayMiss")<{
  readonly model: string
  /** "labels": a `scoreLabels` request. */
  readonly operation: "generate" | "score" | "labels"
  /** SHA-256 (hex) of the prompt or messages, as stored in the cache's `prompt_hash` column. */
  readonly promptHash: string
  readonly message: string
  readonly cause?: unknown
}> {}

export type ModelError =
  | RateLimited
  | Timeout
  | Unavailable
  | BadResponse
  | Unauthorized
  | ContextTooLong
  | ScoreUnsupported
  | BudgetExceeded
  | ReplayMiss
