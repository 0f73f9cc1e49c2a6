import { Data } from "effect"

/** The response cache's SQLite file could not be opened, read or written; `cause` is SQLite's own error. */
export class ResponseCacheError extends Data.TaggedError("ResponseCacheError")<{
  readonly path: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A `ResponseCacheError` whose message is `what` followed by SQLite's explanation. */
export const responseCacheError = (path: string, what: string, cause: unknown): ResponseCacheError =>
  new ResponseCacheError({
    path,
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  })
