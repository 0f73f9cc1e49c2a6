import { Data } from "effect"

/** The endpoint asked us to slow down (HTTP 429); `retryAfterMs` is its Retry-After, when given. */
export class RateLimited extends Data.TaggedError("RateLimited")<{
  readonly model: string
  readonly retryAfterMs?: number
  readonly cause?: unknown
}> {}

export class Timeout extends Data.TaggedError("Timeout")<{
  readonly model: string
  readonly afterMs: number
}> {}

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

export type ModelError =
  | RateLimited
  | Timeout
  | Unavailable
  | BadResponse
  | Unauthorized
  | ContextTooLong
  | ScoreUnsupported
  | BudgetExceeded
