import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NatsServer } from "@lyceum/nats"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"

export const root = fileURLToPath(new URL("../..", import.meta.url))
export const cli = join(root, "apps/cli/dist/lyceum.js")

/**
 * One real nats-server for a test file and the `lyceum` processes it starts (workers and coordinators are
 * separate `node` processes): set up before the file's tests, every process killed and the scratch directory
 * removed after. Call once at the top of a file; `jetstream` starts the server with JetStream.
 */
export const processesOnNats = (
  prefix: string,
  // extraConfig: e.g. 'http: "127.0.0.1:-1"' for the monitoring endpoint (messages per connection).
  options: { readonly jetstream?: boolean; readonly extraConfig?: string } = {},
) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const scope = Effect.runSync(Scope.make())
  const children: Array<ChildProcess> = []
  let server: NatsServer.NatsServer | undefined
  beforeAll(async () => {
    server = await Effect.runPromise(NatsServer.make(options).pipe(Scope.extend(scope)))
  })
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL")
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(dir, { recursive: true, force: true })
  })

  const url = () => server?.url ?? ""

  /**
   * Starts `lyceum worker` (with `extra` flags, e.g. `--slots 2`) and resolves once it says it is ready; its log
   * lines collect in `log`.
   */
  const startWorker = (name: string, ...extra: Array<string>) =>
    new Promise<{ child: ChildProcess; log: Array<string> }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, "worker", "--nats", url(), "--name", name, ...extra], {
        cwd: root,
      })
      children.push(child)
      const log: Array<string> = []
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        log.push(...chunk.split("\n").filter((line) => line.length > 0))
        if (chunk.includes("ready")) resolve({ child, log })
      })
      child.on("exit", (code, signal) =>
        reject(new Error(`worker ${name} exited with ${code ?? signal}: ${log.join("\n")}`)),
      )
    })

  /** `lyceum run SCENARIO --db DB ...extra`, to its exit, with everything it wrote to stderr. */
  const run = (scenario: string, db: string, ...extra: Array<string>) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, "run", scenario, "--db", db, ...extra], { cwd: root })
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      child.on("exit", (status) => resolve({ status, stderr }))
    })

  return {
    dir,
    /** The server's URL, once `beforeAll` has started it. */
    get url() {
      return url()
    },
    /** The server itself (kill, restart), once `beforeAll` has started it. */
    get server() {
      if (server === undefined) throw new Error("the NATS server is started in beforeAll")
      return server
    },
    startWorker,
    run,
  }
}
