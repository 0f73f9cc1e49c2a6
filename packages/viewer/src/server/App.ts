import { Store, type StoreError } from "@lyceum/store"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { Hono } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import { answersQuery, listAnswers } from "../api/Answers.js"
import { type ApiError, BadRequest } from "../api/ApiError.js"
import { compareQuery, compareRuns } from "../api/Compare.js"
import { runCurves } from "../api/Curves.js"
import { lessonDetail, lessonsQuery, listLessons } from "../api/Lessons.js"
import { type Decoded, decodeQuery, type Fields } from "../api/Params.js"
import { makeRunCache } from "../api/RunCache.js"
import { listRuns, runDetail, runItem, runsQuery } from "../api/Runs.js"
import { runTables } from "../api/Tables.js"
import { listUsage, usageQuery } from "../api/Usage.js"
import { type KindCatalog, Viewer } from "../api/ViewerContext.js"
import type { ViewerDb } from "../db/OpenDb.js"
import { readOnlyStore } from "../db/ReadOnlyStore.js"
import { readAsset } from "./Assets.js"

export interface AppOptions {
  readonly db: ViewerDb
  readonly catalog: KindCatalog
  /** The web bundle (index.html, app.js, style.css); without it only the API is served. */
  readonly assetsDir?: URL | string
  /** Reported by `/api/meta`. */
  readonly version: string
}

const statusOf = (error: ApiError | StoreError): ContentfulStatusCode =>
  error._tag === "BadRequest" ? 400 : error._tag === "NotFound" ? 404 : 500

/**
 * The viewer's HTTP app: the JSON API of DESIGN16's contract over the read-only database, and the web bundle.
 * Each request runs one Effect against the database's services; a failure is `{ error }` with its status.
 */
export const makeApp = (options: AppOptions): Hono => {
  const services = Layer.mergeAll(
    Layer.succeed(Store, readOnlyStore(options.db)),
    Layer.succeed(Viewer, { db: options.db, catalog: options.catalog }),
  )
  const context = Effect.runSync(Layer.build(services).pipe(Effect.scoped))
  const run = async <A>(
    effect: Effect.Effect<A, ApiError | StoreError, Store | Viewer>,
  ): Promise<Response> => {
    const exit = await Effect.runPromiseExit(Effect.provide(effect, context))
    if (Exit.isSuccess(exit)) return Response.json(exit.value)
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure))
      return Response.json({ error: failure.value.message }, { status: statusOf(failure.value) })
    return Response.json({ error: `internal error: ${Cause.pretty(exit.cause)}` }, { status: 500 })
  }
  const withQuery = <F extends Fields, A>(
    query: Record<string, string>,
    fields: F,
    f: (q: Decoded<F>) => Effect.Effect<A, ApiError | StoreError, Store | Viewer>,
  ) => run(Effect.flatMap(decodeQuery(query, fields), f))
  // A run's sub-resources answer 404 for a run that does not exist, before reading anything else.
  const ofRun = <A>(
    runId: string,
    f: (kind: string) => Effect.Effect<A, ApiError | StoreError, Store | Viewer>,
  ) => Effect.flatMap(runItem(runId), (run) => f(run.kind))
  const cache = makeRunCache()
  const cachedOfRun = <A>(
    what: string,
    runId: string,
    f: (
      run: Effect.Effect.Success<ReturnType<typeof runItem>>,
    ) => Effect.Effect<A, ApiError | StoreError, Store | Viewer>,
  ) => Effect.flatMap(runItem(runId), (run) => cache.through(what, run, f(run)))

  const app = new Hono()
  app.get("/api/meta", (c) =>
    withQuery(c.req.query(), {}, () =>
      Effect.succeed({
        db: options.db.filename,
        schemaVersion: options.db.schemaVersion,
        readOnly: true as const,
        version: options.version,
      }),
    ),
  )
  app.get("/api/runs", (c) => withQuery(c.req.query(), runsQuery, listRuns))
  app.get("/api/runs/:id", (c) => withQuery(c.req.query(), {}, () => runDetail(c.req.param("id"))))
  app.get("/api/runs/:id/curves", (c) =>
    withQuery(c.req.query(), {}, () =>
      cachedOfRun("curves", c.req.param("id"), (run) => runCurves(run.id, run.kind)),
    ),
  )
  app.get("/api/runs/:id/tables", (c) =>
    withQuery(c.req.query(), {}, () =>
      cachedOfRun("tables", c.req.param("id"), (run) => runTables(run, options.catalog.report(run.kind))),
    ),
  )
  app.get("/api/runs/:id/lessons", (c) =>
    withQuery(c.req.query(), lessonsQuery, (q) =>
      ofRun(c.req.param("id"), () => listLessons(c.req.param("id"), q)),
    ),
  )
  app.get("/api/runs/:id/lessons/:lessonId", (c) =>
    withQuery(c.req.query(), {}, () =>
      ofRun(c.req.param("id"), () => lessonDetail(c.req.param("id"), c.req.param("lessonId"))),
    ),
  )
  app.get("/api/runs/:id/answers", (c) =>
    withQuery(c.req.query(), answersQuery, (q) =>
      ofRun(c.req.param("id"), () => listAnswers(c.req.param("id"), q)),
    ),
  )
  app.get("/api/runs/:id/usage", (c) =>
    withQuery(c.req.query(), usageQuery, (q) =>
      ofRun(c.req.param("id"), () => listUsage(c.req.param("id"), q)),
    ),
  )
  app.get("/api/compare", (c) =>
    withQuery(c.req.query(), compareQuery, (q) =>
      q.runs === undefined
        ? Effect.fail(
            new BadRequest({ message: 'query parameter "runs" is missing: pass runs=a,b (2 to 6 run ids)' }),
          )
        : compareRuns(q.runs),
    ),
  )
  app.all("/api/*", (c) => c.json({ error: `no API endpoint ${c.req.method} ${c.req.path}` }, 404))
  app.get("/:file?", async (c) => {
    const name = c.req.param("file") ?? "index.html"
    const asset = options.assetsDir === undefined ? undefined : await readAsset(options.assetsDir, name)
    if (asset === undefined)
      return c.text(
        options.assetsDir === undefined
          ? "lyceum view: this build has no web bundle; the JSON API is under /api"
          : `not found: /${name}`,
        404,
      )
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { "content-type": asset.type })
  })
  return app
}
