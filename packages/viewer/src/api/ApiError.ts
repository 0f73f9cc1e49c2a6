import { Data } from "effect"

/** A request the API cannot answer as asked: 400 (a bad parameter, named) or 404 (no such run or lesson). */
export class BadRequest extends Data.TaggedError("BadRequest")<{ readonly message: string }> {}
export class NotFound extends Data.TaggedError("NotFound")<{ readonly message: string }> {}
export type ApiError = BadRequest | NotFound
