import type { AddressInfo } from "node:net"
import { createAdaptorServer } from "@hono/node-server"
import { Data, Effect, type Scope } from "effect"
import type { KindCatalog } from "../api/ViewerContext.js"
import { openViewerDb, type ViewerDbError } from "../db/OpenDb.js"
import { makeApp } from "./App.js"

/** The viewer cannot listen where asked: the port is taken, or the host/port cannot be bound. */
export class ListenError extends Data.TaggedError("ListenError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export interface ServeOptions {
  /** The Lyceum database to view (opened read-only). */
  readonly db: string
  readonly catalog: KindCatalog
  readonly version: string
  /** 127.0.0.1 unless given: the results stay on this machine. */
  readonly host?: string
  /** 7357 unless given; 0 picks any free port. */
  readonly port?: number
  readonly assetsDir?: URL | string
}

export interface RunningViewer {
  readonly url: string
  readonly port: number
  readonly host: string
}

export const DEFAULT_PORT = 7357
export const DEFAULT_HOST = "127.0.0.1"

/**
 * Opens the database read-only and serves the viewer on host:port for the life of the scope (closing the
 * server, then the database). A port in use fails with what to do instead of a stack trace.
 */
export const serveViewer = (
  options: ServeOptions,
): Effect.Effect<RunningViewer, ViewerDbError | ListenError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* openViewerDb(options.db)
    const app = makeApp({
      db,
      catalog: options.catalog,
      version: options.version,
      ...(options.assetsDir !== undefined && { assetsDir: options.assetsDir }),
    })
    const host = options.host ?? DEFAULT_HOST
    const port = options.port ?? DEFAULT_PORT
    const server = createAdaptorServer({ fetch: app.fetch })
    const address = yield* Effect.acquireRelease(
      Effect.async<AddressInfo, ListenError>((resume) => {
        const onError = (error: NodeJS.ErrnoException) =>
          resume(
            Effect.fail(
              new ListenError({
                message:
                  error.code === "EADDRINUSE"
                    ? `port ${port} is in use on ${host}: pass --port with another port (--port 0 picks a free one)`
                    : `cannot listen on ${host}:${port}: ${error.message}; pass another --host or --port`,
                cause: error,
              }),
            ),
          )
        server.once("error", onError)
        server.listen(port, host, () => {
          server.off("error", onError)
          resume(Effect.succeed(server.address() as AddressInfo))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          if ("closeAllConnections" in server) server.closeAllConnections()
          server.close(() => resume(Effect.void))
        }),
    )
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address
    return { url: `http://${shownHost}:${address.port}/`, port: address.port, host: address.address }
  })
