import { Data } from "effect"

/** A data file could not be read (missing, unreadable, not text). */
export class DataFileUnreadable extends Data.TaggedError("DataFileUnreadable")<{
  readonly file: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A line of a data file is not in the format the loader expects. `line` is 1-based. */
export class MalformedLine extends Data.TaggedError("MalformedLine")<{
  readonly file: string
  readonly line: number
  readonly expected: string
  readonly found: string
  readonly message: string
}> {}

/** A data file was read and parsed but holds nothing to use (empty, only a header, nothing of its kind). */
export class NoUsableData extends Data.TaggedError("NoUsableData")<{
  readonly file: string
  readonly message: string
}> {}

/** A split or sample asked for more items than the data holds. */
export class NotEnoughExamples extends Data.TaggedError("NotEnoughExamples")<{
  readonly needed: number
  readonly available: number
  readonly message: string
}> {}
