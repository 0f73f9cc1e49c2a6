import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NatsServer } from "@lyceum/nats"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-nats-e2e-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (db: string, ...extra: Array<string>) =>
  spawnSync(process.execPath, [cli, "run", "scenarios/quickstart.yaml", "--db", db, ...extra], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  })

const curve = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const rows = sqlite.prepare("SELECT round, value FROM learning_curve ORDER BY round").all()
  const lessons = sqlite
    .prepare("SELECT id, text, filter_action, sent, chosen FROM lessons ORDER BY id")
    .all()
  sqlite.close()
  return { rows, lessons }
}

describe("lyceum run --nats", () => {
  it("gives the same results over a real nats-server as in process, for the same seed", async () => {
    const local = join(dir, "local.db")
    expect(run(local).status).toBe(0)

    const overNats = join(dir, "nats.db")
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* NatsServer.make()
          return run(overNats, "--nats", server.url)
        }),
      ),
    )
    expect(result.stderr).toContain("completed")
    expect(result.status).toBe(0)
    const a = curve(local)
    const b = curve(overNats)
    expect(b.rows).toHaveLength(5)
    expect(b.rows).toEqual(a.rows)
    expect(b.lessons).toEqual(a.lessons)
  })

  it("fails clearly, naming the server, when NATS is not there", () => {
    const result = run(join(dir, "down.db"), "--nats", "nats://127.0.0.1:1")
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/Could not connect to NATS at nats:\/\/127\.0\.0\.1:1/)
  })
})
