import { Data } from "effect"

/** An edge list file (`topology: { kind: edges }`) could not be read or has a bad line; `line` is 1-based. */
export class EdgeListError extends Data.TaggedError("EdgeListError")<{
  readonly file: string
  /** The offending line; absent when the file itself could not be read. */
  readonly line?: number
  readonly message: string
  readonly cause?: unknown
}> {}
