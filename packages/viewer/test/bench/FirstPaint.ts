/**
 * Times the API calls of the viewer's first paint (and of the run page's tables and the drill-down pages) over
 * real HTTP on a database (docs/benchmarks.md, "Viewer"): each call cold (first) and warm (second).
 *
 *   npx tsx test/bench/FirstPaint.ts /tmp/big.db [RUN_ID]      (RUN_ID: default the run with the most tokens)
 */
import { statSync } from "node:fs"
import { Effect } from "effect"
import { serveViewer } from "../../src/server/Serve.js"
import { catalog } from "../support/Fixture.js"

const file = process.argv[2]
if (file === undefined) {
  console.error("usage: tsx test/bench/FirstPaint.ts DB [RUN_ID]")
  process.exit(2)
}

const time = async (url: URL) => {
  const started = performance.now()
  const response = await fetch(url)
  const bytes = (await response.arrayBuffer()).byteLength
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  return { ms: performance.now() - started, bytes }
}

await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function* () {
      const opened = performance.now()
      const viewer = yield* serveViewer({ db: file, port: 0, catalog, version: "bench" })
      const openMs = performance.now() - opened
      const runs = yield* Effect.promise(() =>
        fetch(new URL("/api/runs?sort=tokens&limit=1", viewer.url)).then(
          (r) => r.json() as Promise<{ rows: Array<{ id: string }> }>,
        ),
      )
      const run = process.argv[3] ?? runs.rows[0]!.id
      const firstPaint = ["/api/meta", "/api/runs?limit=50", `/api/runs/${run}`, `/api/runs/${run}/curves`]
      // The run page draws its report tables (and usage) when they arrive, after the chart.
      const pages = [
        `/api/runs/${run}/tables`,
        `/api/runs/${run}/lessons?limit=50`,
        `/api/runs/${run}/lessons?action=drop&limit=50&offset=5000`,
        `/api/runs/${run}/lessons?round=5&limit=50`,
        `/api/runs/${run}/answers?limit=50&offset=100000`,
        `/api/runs/${run}/answers?round=10&correct=0&limit=50`,
        `/api/runs/${run}/usage?limit=50`,
      ]
      console.log(
        `${file}: ${(statSync(file).size / 2 ** 30).toFixed(2)} GiB; run ${run}; open ${openMs.toFixed(0)} ms`,
      )
      let total = 0
      for (const group of [firstPaint, pages])
        for (const path of group) {
          const cold = yield* Effect.promise(() => time(new URL(path, viewer.url)))
          const warm = yield* Effect.promise(() => time(new URL(path, viewer.url)))
          if (group === firstPaint) total += cold.ms
          console.log(
            `${path.padEnd(70)} cold ${cold.ms.toFixed(0).padStart(6)} ms  warm ${warm.ms.toFixed(0).padStart(6)} ms  ${(cold.bytes / 1024).toFixed(0)} KiB`,
          )
        }
      console.log(`first paint (cold, sequential: meta, runs, run, curves): ${total.toFixed(0)} ms`)
    }),
  ),
)
