import { Data } from "effect"

/**
 * Any failure of the run database: opening it, migrating it, writing or reading rows. The message names the
 * database file and says what was being done; `cause` keeps the underlying SQLite error (whose `code`, e.g.
 * `SQLITE_CONSTRAINT_FOREIGNKEY`, is copied to `code` when there is one).
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly message: string
  readonly code?: string
  readonly cause?: unknown
}> {}

/** A StoreError for a failed SQLite call: `doing` says what was attempted, the cause's message says why. */
export const storeErrorFrom = (doing: string, cause: unknown): StoreError => {
  const reason = cause instanceof Error ? cause.message : String(cause)
  const code = (cause as { readonly code?: unknown } | null)?.code
  return typeof code === "string"
    ? new StoreError({ message: `${doing}: ${reason}`, code, cause })
    : new StoreError({ message: `${doing}: ${reason}`, cause })
}
