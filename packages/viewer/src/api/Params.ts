import { Effect, Either, ParseResult, Schema } from "effect"
import { BadRequest } from "./ApiError.js"

/**
 * Query parameters as a Schema per endpoint: every value arrives as text, a missing one is `undefined`, and a
 * parameter the endpoint does not know, or a value its Schema refuses, is a 400 naming the parameter.
 */

const intIn = (min: number, max: number) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max)).annotations({
    message: () => `a whole number from ${min} to ${max}`,
  })

export const Int = intIn(0, Number.MAX_SAFE_INTEGER)
export const Limit = intIn(1, 1000)
export const Text = Schema.String.pipe(Schema.minLength(1)).annotations({ message: () => "a non-empty text" })
export const oneOf = <const L extends ReadonlyArray<string>>(...values: L) =>
  Schema.Literal(...values).annotations({ message: () => `one of ${values.join(", ")}` })

export const paging = { limit: Limit, offset: Int } as const

// biome-ignore lint/suspicious/noExplicitAny: any decoded type, from any encoded one (query text or a literal of it)
export type Fields = Record<string, Schema.Schema<any, any>>
export type Decoded<F extends Fields> = { readonly [K in keyof F]?: Schema.Schema.Type<F[K]> }

/** Decodes the query string against `fields`; the first bad parameter fails the request, named. */
export const decodeQuery = <F extends Fields>(
  query: Readonly<Record<string, string>>,
  fields: F,
): Effect.Effect<Decoded<F>, BadRequest> =>
  Effect.suspend(() => {
    const out: Record<string, unknown> = {}
    for (const [name, raw] of Object.entries(query)) {
      const schema = fields[name]
      if (schema === undefined)
        return Effect.fail(
          new BadRequest({
            message: `unknown query parameter "${name}" (this endpoint takes: ${Object.keys(fields).join(", ") || "none"})`,
          }),
        )
      const decoded = Schema.decodeUnknownEither(schema)(raw)
      if (Either.isLeft(decoded))
        return Effect.fail(
          new BadRequest({
            message: `query parameter "${name}" is ${JSON.stringify(raw)}: expected ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
          }),
        )
      out[name] = decoded.right
    }
    return Effect.succeed(out as Decoded<F>)
  })
