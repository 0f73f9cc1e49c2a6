import { col, type KindReport, queryRows, socialLearningReport } from "@lyceum/report"
import { Store, type StoreService } from "@lyceum/store"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { runTables } from "../src/api/Tables.js"
import { openViewerDb } from "../src/db/OpenDb.js"
import { readOnlyStore } from "../src/db/ReadOnlyStore.js"
import { RUNS, writeFixture } from "./support/Fixture.js"

const Total = Schema.Struct({ n: Schema.Number })
const countTable = (name: string): KindReport["tables"][number] => ({
  name,
  description: `answers (${name})`,
  read: (runId) =>
    Effect.map(
      queryRows(Total, "answers", "SELECT COUNT(*) AS n FROM evaluations WHERE run_id = ?", [runId]),
      ([row]) => ({
        model: { table: name, columns: [col.integer("n")], rows: [[row!.n]] },
        empty: "",
        views: [],
      }),
    ),
})

describe("the tables of a run", () => {
  it("reads a query the kind's tables share once per request, and each table gets its rows", async () => {
    const file = await writeFixture()
    const report: KindReport = {
      tables: [countTable("first"), countTable("second")],
      html: () => Effect.succeed([]),
    }
    const { tables, queries } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const db = yield* openViewerDb(file)
          const store = readOnlyStore(db)
          const asked: Array<string> = []
          const counting: StoreService = {
            ...store,
            query: (sql, params) => {
              asked.push(sql)
              return store.query(sql, params)
            },
          }
          const result = yield* runTables({ id: RUNS.a, config: null }, report).pipe(
            Effect.provideService(Store, counting),
          )
          return { ...result, queries: asked }
        }),
      ),
    )
    expect(tables.map((t) => [t.name, t.rows])).toEqual([
      ["first", [{ n: 96 }]],
      ["second", [{ n: 96 }]],
    ])
    expect(queries).toEqual(["SELECT COUNT(*) AS n FROM evaluations WHERE run_id = ?"])
  })

  it("asks the tables for their models without text charts, which the page does not show", async () => {
    const file = await writeFixture()
    const asked: Array<unknown> = []
    const report: KindReport = {
      tables: [
        {
          ...countTable("first"),
          read: (runId, options) => {
            asked.push(options)
            return countTable("first").read(runId, options)
          },
        },
      ],
      html: () => Effect.succeed([]),
    }
    const reads = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const store = readOnlyStore(yield* openViewerDb(file))
          yield* runTables({ id: RUNS.a, config: null }, report).pipe(Effect.provideService(Store, store))
          // Social learning's tables: the same model either way, and no text plot of every curve without charts.
          return yield* Effect.forEach(socialLearningReport.tables.slice(0, 3), (table) =>
            Effect.all([
              table.read(RUNS.a, { color: false }),
              table.read(RUNS.a, { color: false, charts: false }),
            ]),
          ).pipe(Effect.provideService(Store, store))
        }),
      ),
    )
    expect(asked).toEqual([{ color: false, charts: false }])
    for (const [withCharts, without] of reads) {
      expect(without.model).toEqual(withCharts.model)
      expect(without.views).toEqual([])
    }
    expect(reads[0]![0].views.length).toBeGreaterThan(0)
  })
})
