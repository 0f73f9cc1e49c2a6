import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"

/** A fresh directory under the system temp dir, removed with everything in it when the scope closes. */
export const makeTempDir = (prefix: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), `lyceum-${prefix}-`))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
  )
