import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NatsServer } from "@lyceum/nats"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli, root } from "./support/WorkerProcesses.js"

// A nats-server that requires a user and password; `lyceum worker` and `lyceum run` reach it with credentials
// from NATS_* variables or the URL, and the password never shows in their output or the database.
const user = "lyceum"
const password = "pw-Vq8xZ3-right"
const wrong = "pw-Kt5mW9-wrong"

const dir = mkdtempSync(join(tmpdir(), "lyceum-nats-auth-e2e-"))
const scope = Effect.runSync(Scope.make())
const children: Array<ChildProcess> = []
let url = ""
beforeAll(async () => {
  const server = await Effect.runPromise(
    NatsServer.make({ auth: { user, password } }).pipe(Scope.extend(scope)),
  )
  url = server.url
})
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL")
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(dir, { recursive: true, force: true })
})

/** Environment without any NATS_* of the caller's, plus `extra`. */
const env = (extra: Record<string, string>) => {
  const out: Record<string, string | undefined> = { ...process.env }
  for (const key of Object.keys(out)) if (key.startsWith("NATS_")) delete out[key]
  return { ...out, ...extra }
}

/** Starts `lyceum ARGS`; resolves when it exits, or (with `readyOn`) once stderr says that. */
const start = (args: ReadonlyArray<string>, extraEnv: Record<string, string>, readyOn?: string) => {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: env(extraEnv) })
  children.push(child)
  let stderr = ""
  let stdout = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  const exited = new Promise<{ status: number | null; stderr: string; stdout: string }>((resolve) =>
    child.on("exit", (status) => resolve({ status, stderr, stdout })),
  )
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      if (readyOn !== undefined && stderr.includes(readyOn)) resolve()
    })
    void exited.then((result) => reject(new Error(`exited with ${result.status}: ${result.stderr}`)))
  })
  ready.catch(() => undefined) // awaited only by callers that wait for `readyOn`
  return { child, exited, ready, output: () => stderr + stdout }
}

const withPassword = (pw: string) => url.replace("nats://", `nats://${user}:${pw}@`)

describe("NATS credentials", () => {
  it("a worker with NATS_PASSWORD hosts a run that gives its password in the URL; neither prints it nor stores it", async () => {
    const worker = start(
      ["worker", "--nats", url, "--name", "auth-w1"],
      {
        NATS_USER: user,
        NATS_PASSWORD: password,
      },
      "ready",
    )
    await worker.ready
    const db = join(dir, "auth.db")
    const run = await start(
      [
        "run",
        "scenarios/quickstart.yaml",
        "--db",
        db,
        "--nats",
        withPassword(password),
        "--workers",
        "auth-w1",
      ],
      {},
    ).exited
    expect(run.stderr).toContain("completed")
    expect(run.status).toBe(0)
    expect(worker.output()).toMatch(/hosting .*teacher/)
    expect(run.stderr + run.stdout + worker.output()).not.toContain(password)
    for (const file of [db, `${db}-wal`].filter((f) => existsSync(f))) {
      expect(readFileSync(file).includes(Buffer.from(password))).toBe(false)
    }
    worker.child.kill("SIGTERM")
    await worker.exited
  }, 120_000)

  it("a worker with a wrong NATS_PASSWORD exits 1 saying which credential to check, without the password", async () => {
    const result = await start(["worker", "--nats", url, "--nats-user", user], { NATS_PASSWORD: wrong })
      .exited
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`NATS server ${url} rejected the password of user "${user}"`)
    expect(result.stderr).toContain("NATS_PASSWORD")
    expect(result.stderr).not.toContain(wrong)
    expect(result.stderr).not.toMatch(/^\s+at /m) // no stack trace
  }, 60_000)

  it("a URL with an embedded password is printed redacted", async () => {
    const result = await start(["worker", "--nats", withPassword(wrong)], {}).exited
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${url.replace("nats://", `nats://${user}:***@`)}`)
    expect(result.stderr).toContain("in the server URL")
    expect(result.stderr).not.toContain(wrong)
  }, 60_000)

  it("an unreadable NKey file fails at once, naming it", async () => {
    const missing = join(dir, "absent.nk")
    const result = await start(["worker", "--nats", url], { NATS_NKEY: missing }).exited
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`Cannot read the NATS NKey seed file ${missing} (ENOENT)`)
    expect(result.stderr).not.toMatch(/^\s+at /m)
  }, 60_000)
})
