import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { serveViewer } from "../src/server/Serve.js"
import { catalog, RUNS, writeFixture } from "./support/Fixture.js"

const snapshot = (file: string) => ({
  mtimeMs: statSync(file).mtimeMs,
  size: statSync(file).size,
  sha256: createHash("sha256").update(readFileSync(file)).digest("hex"),
})

describe("lyceum view's server over real HTTP", () => {
  it("serves the API and the bundle on 127.0.0.1 without changing the database; a taken port is a clear error", async () => {
    const file = await writeFixture()
    const before = snapshot(file)
    const assets = mkdtempSync(join(tmpdir(), "lyceum-viewer-web-"))
    writeFileSync(join(assets, "index.html"), "<!doctype html><title>viewer</title>")
    writeFileSync(join(assets, "app.js"), "console.log(1)")

    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const viewer = yield* serveViewer({
            db: file,
            port: 0,
            catalog,
            version: "test",
            assetsDir: assets,
          })
          const get = (path: string) =>
            Effect.promise(async () => {
              const response = await fetch(new URL(path, viewer.url))
              return {
                status: response.status,
                type: response.headers.get("content-type"),
                text: await response.text(),
              }
            })
          const responses = yield* Effect.forEach(
            [
              "/api/meta",
              "/api/runs",
              `/api/runs/${RUNS.a}`,
              `/api/runs/${RUNS.a}/curves`,
              `/api/runs/${RUNS.a}/tables`,
              `/api/runs/${RUNS.a}/lessons?action=flag`,
              `/api/runs/${RUNS.a}/answers`,
              `/api/runs/${RUNS.a}/usage`,
              `/api/compare?runs=${RUNS.a},${RUNS.b}`,
              "/api/runs?limit=0",
              "/",
              "/app.js",
              "/..%2Fpackage.json",
            ],
            get,
          )
          const second = yield* Effect.either(
            Effect.scoped(serveViewer({ db: file, port: viewer.port, catalog, version: "test" })),
          )
          return { viewer, responses, second }
        }),
      ),
    )

    expect(outcome.viewer.host).toBe("127.0.0.1")
    expect(outcome.viewer.url).toBe(`http://127.0.0.1:${outcome.viewer.port}/`)
    const statuses = outcome.responses.map((r) => r.status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 200, 200, 404])
    expect(outcome.responses[0]!.type).toContain("application/json")
    expect(JSON.parse(outcome.responses[1]!.text).total).toBe(6)
    expect(outcome.responses[10]).toMatchObject({
      type: "text/html; charset=utf-8",
      text: expect.stringContaining("viewer"),
    })
    expect(outcome.responses[11]!.type).toContain("text/javascript")

    expect(Either.isLeft(outcome.second)).toBe(true)
    const error = Either.flip(outcome.second).pipe(Either.getOrThrow)
    expect(error.message).toBe(
      `port ${outcome.viewer.port} is in use on 127.0.0.1: pass --port with another port (--port 0 picks a free one)`,
    )

    // Read-only: the database file is byte for byte what it was, its modification time too.
    expect(snapshot(file)).toEqual(before)
  })
})
