import { type SqlParams, Store, StoreError } from "@lyceum/store"
import { Effect, ParseResult, Schema } from "effect"

/**
 * Read-only SQL whose rows are decoded with a Schema: a report reading a view gets typed rows, and a view whose
 * columns are not what the report expects (a database from another Lyceum version) fails naming the query
 * and the column instead of turning into NaN or "undefined" cells.
 */
export const queryRows = <A, I>(
  schema: Schema.Schema<A, I>,
  what: string,
  sql: string,
  params: SqlParams = [],
): Effect.Effect<ReadonlyArray<A>, StoreError, Store> =>
  Effect.flatMap(Store, (store) =>
    store.query(sql, params).pipe(
      Effect.flatMap((rows) =>
        Schema.decodeUnknown(Schema.Array(schema))(rows).pipe(
          Effect.mapError(
            (cause) =>
              new StoreError({
                message:
                  `cannot read ${what} from ${store.filename}: a row is not what this Lyceum expects ` +
                  `(${ParseResult.TreeFormatter.formatErrorSync(cause)}); ` +
                  "was the database written by another Lyceum version?",
                cause,
              }),
          ),
        ),
      ),
    ),
  )
