import { spawn } from "node:child_process"
import { Command, Options } from "@effect/cli"
import { findKind } from "@lyceum/kinds"
import { DEFAULT_HOST, DEFAULT_PORT, type KindCatalog, serveViewer } from "@lyceum/viewer"
import { Console, Effect } from "effect"
import { dbOption, verboseOption } from "./Options.js"
import { version } from "./version.js"

const portOption = Options.integer("port").pipe(
  Options.withDescription(`port to listen on (default ${DEFAULT_PORT}; 0 picks any free port)`),
  Options.withDefault(DEFAULT_PORT),
)
const hostOption = Options.text("host").pipe(
  Options.withDescription(
    `address to listen on (default ${DEFAULT_HOST}: this machine only; 0.0.0.0 shares the results with the network)`,
  ),
  Options.withDefault(DEFAULT_HOST),
)
const openOption = Options.boolean("open").pipe(
  Options.withDescription("open the viewer in the default browser"),
)

/** What the viewer needs of the kinds registry: each kind's report tables and how many steps a run plans. */
export const kindCatalog: KindCatalog = {
  report: (name) => findKind(name)?.report,
  plan: (name, config) => {
    const kind = findKind(name)
    const scenario = config as { readonly repeats?: unknown; readonly tasks?: unknown } | null
    if (kind === undefined || scenario === null || typeof scenario !== "object") return undefined
    if (typeof scenario.repeats !== "number" || !Array.isArray(scenario.tasks)) return undefined
    // The stored scenario is JSON: a kind reading something JSON does not keep cannot plan it, so no progress.
    try {
      return {
        cohorts: scenario.repeats * scenario.tasks.length * kind.variants(config).length,
        steps: kind.steps(config),
      }
    } catch {
      return undefined
    }
  },
}

const openBrowser = (url: string) =>
  Effect.sync(() => {
    const command =
      process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open"
    const child = spawn(command, [url], { stdio: "ignore", detached: true })
    child.on("error", () => process.stderr.write(`could not open a browser (${command}); open ${url}\n`))
    child.unref()
  })

/** `lyceum view`: a local web app over the database, read-only, until Ctrl-C. */
export const viewCommand = Command.make(
  "view",
  { db: dbOption, port: portOption, host: hostOption, open: openOption, verbose: verboseOption },
  ({ db, port, host, open }) =>
    Effect.scoped(
      Effect.gen(function* () {
        const viewer = yield* serveViewer({
          db,
          port,
          host,
          catalog: kindCatalog,
          version,
          // The CLI's build copies the viewer's web bundle beside lyceum.js (apps/cli/build.mjs).
          assetsDir: new URL("./viewer/", import.meta.url),
        })
        yield* Console.log(`lyceum view: ${db} (read-only) at ${viewer.url}\nPress Ctrl-C to stop.`)
        if (open) yield* openBrowser(viewer.url)
        return yield* Effect.never
      }),
    ),
).pipe(
  Command.withDescription(
    "browse the runs of a database in a web browser: curves, tables, lessons and filter decisions, answers, usage, comparisons (read-only)",
  ),
)
