import { socialLearningReport } from "@lyceum/report"
import { Effect } from "effect"
import { openViewerDb } from "../../src/db/OpenDb.js"
import { readOnlyStoreLayer } from "../../src/db/ReadOnlyStore.js"

await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function* () {
      const db = yield* openViewerDb(process.argv[2]!)
      for (const t of socialLearningReport.tables) {
        const s = performance.now()
        const r = yield* t.read("paper-big-1", {}).pipe(Effect.provide(readOnlyStoreLayer(db)))
        console.log(t.name, (performance.now() - s).toFixed(0), "ms", r.model.rows.length, "rows")
      }
    }),
  ),
)
