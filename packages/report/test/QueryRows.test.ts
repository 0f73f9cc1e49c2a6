import { makeStore, Store } from "@lyceum/store"
import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { queryRows } from "../src/QueryRows.js"

const run = <A>(effect: Effect.Effect<A, unknown, Store>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(makeStore({ filename: ":memory:" }), (store) =>
        Effect.either(effect.pipe(Effect.provideService(Store, store))),
      ),
    ),
  )

const Row = Schema.Struct({ task: Schema.String, accuracy: Schema.NullOr(Schema.Number) })

describe("queryRows", () => {
  it("decodes the rows of a query with a Schema", async () => {
    const rows = await run(queryRows(Row, "a test row", "SELECT 'spam' AS task, NULL AS accuracy"))
    expect(Either.getOrThrow(rows)).toEqual([{ task: "spam", accuracy: null }])
  })

  it("fails naming what was read and the column when a row is not what the report expects", async () => {
    const failed = await run(
      queryRows(Row, "the ensemble summary", "SELECT 'spam' AS task, 'high' AS accuracy"),
    )
    const message = Either.flip(failed).pipe(
      Either.map((e) => (e as Error).message),
      Either.getOrThrow,
    )
    expect(message).toContain("cannot read the ensemble summary from :memory:")
    expect(message).toContain('["accuracy"]')
  })
})
