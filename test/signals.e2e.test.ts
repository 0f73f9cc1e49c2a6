import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NatsServer } from "@lyceum/nats"
import Database from "better-sqlite3"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

// Ctrl-C and SIGTERM sent to the built CLI, as a user or a process manager would.
const root = fileURLToPath(new URL("..", import.meta.url))
const cli = process.env.LYCEUM_CLI ?? join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-signals-e2e-"))
const children: Array<ChildProcess> = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
})

/** Six repeats of five rounds: several seconds of work, so a signal lands in the middle of the run. */
const scenario = join(dir, "long.yaml")
writeFileSync(
  scenario,
  "name: long\nseed: 4\nrepeats: 6\nrounds: [2, 4, 6, 8]\nmodels:\n  sim: { provider: sim }\n" +
    "tasks: [{ kind: spam, testSize: 60 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 1, model: sim }\n" +
    "methods: [{ strategy: synthetic-examples }]\n",
)
const ROUNDS = 6 * 5

interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
  readonly stdout: string
}

/** Spawns the CLI; `exited` resolves when it ends, `waitFor` when its stderr matches. */
const lyceum = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root })
  children.push(child)
  let stderr = ""
  let stdout = ""
  const waiting: Array<{ pattern: RegExp; resolve: () => void }> = []
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
    for (const w of waiting.filter((w) => w.pattern.test(stderr))) {
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve()
    }
  })
  const exited = new Promise<Finished>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr, stdout })),
  )
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr)) return resolve()
      waiting.push({ pattern, resolve })
      void exited.then((f) => reject(new Error(`exited (${f.code}) before ${pattern}:\n${f.stderr}`)))
    })
  return { child, exited, waitFor, stderr: () => stderr }
}

/** Sends `signal` and measures how long the process takes to end. */
const stop = async (process: ReturnType<typeof lyceum>, signal: NodeJS.Signals) => {
  const sent = Date.now()
  process.child.kill(signal)
  const finished = await process.exited
  return { ...finished, ms: Date.now() - sent }
}

const readRun = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const run = sqlite.prepare("SELECT id, status, error FROM runs").get() as {
    id: string
    status: string
    error: string | null
  }
  const { rounds } = sqlite.prepare("SELECT COUNT(*) AS rounds FROM learning_curve").get() as {
    rounds: number
  }
  const integrity = sqlite.pragma("integrity_check", { simple: true })
  sqlite.close()
  return { ...run, rounds, integrity }
}

/** Runs the `lyceum run ... --resume ID` line the CLI printed, as a user would paste it. */
const resumeAsPrinted = async (stderr: string) => {
  const command = /continue the run with: (lyceum run .* --resume \S+)/.exec(stderr)?.[1]
  expect(command).toBeDefined()
  return lyceum(command!.split(" ").slice(1)).exited
}

describe("lyceum run stopped by a signal", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`stops on ${signal} within seconds, keeps the finished rounds, exits ${code}, and resumes`, async () => {
      const db = join(dir, `${signal}.db`)
      const running = lyceum(["run", scenario, "--db", db])
      await running.waitFor(/ round \d+ \(n=/)
      const stopped = await stop(running, signal)
      expect(stopped.signal).toBeNull()
      expect(stopped.code).toBe(code)
      expect(stopped.ms).toBeLessThan(5000)
      const run = readRun(db)
      expect(run).toMatchObject({ status: "stopped", error: "interrupted", integrity: "ok" })
      expect(run.rounds).toBeGreaterThanOrEqual(1)
      expect(run.rounds).toBeLessThan(ROUNDS)
      // The exact command, with this scenario and database, that continues the run.
      expect(stopped.stderr).toContain(
        `continue the run with: lyceum run ${scenario} --db ${db} --resume ${run.id}`,
      )
      expect(stopped.stdout).not.toContain("Learning curve")

      const resumed = await resumeAsPrinted(stopped.stderr)
      expect(resumed.code).toBe(0)
      expect(readRun(db)).toMatchObject({ id: run.id, status: "completed", rounds: ROUNDS })
    })
  }
})

describe("lyceum run stopped before its first round is done", () => {
  it("exits at once whenever the signal lands: while agents start, teach or answer round 0", async () => {
    // paper-table1's first cohort (8 teachers) takes about a second to its first stored round; signals at
    // several moments of it. A per-fiber scheduler queue once left 2 of 3 such stops hanging after `stopped`.
    for (const delayMs of [0, 100, 200, 300, 450, 600]) {
      const db = join(dir, `early-${delayMs}.db`)
      const running = lyceum(["run", "scenarios/paper-table1.yaml", "--db", db])
      await running.waitFor(/^run \S+: paper-table1/m)
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      const stopped = await Promise.race([
        stop(running, "SIGTERM"),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
      ])
      expect(stopped, `still running 10 s after SIGTERM sent ${delayMs} ms after the start`).toBeDefined()
      expect(stopped!.code).toBe(143)
      expect(readRun(db)).toMatchObject({ status: "stopped", integrity: "ok" })
    }
  })
})

describe("lyceum run waiting on a model endpoint", () => {
  it("cancels the in-flight requests on Ctrl-C instead of waiting for their answers", async () => {
    // An OpenAI-compatible endpoint that never answers: only a cancelled request ends.
    let received = 0
    let closed = 0
    const server = createServer((request) => {
      received++
      request.on("close", () => closed++)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    const remote = join(dir, "remote.yaml")
    writeFileSync(
      remote,
      "name: remote\nrounds: [2]\nmodels:\n  sim: { provider: sim }\n" +
        `  remote: { provider: openai, baseURL: 'http://127.0.0.1:${port}/v1', model: m, score: none, timeoutMs: 600000 }\n` +
        "tasks: [{ kind: spam, testSize: 5 }]\nteachers: { count: 1, model: sim }\nstudents: { count: 1, model: remote }\n" +
        "methods: [{ strategy: zero-shot }]\n",
    )
    const db = join(dir, "remote.db")
    const running = lyceum(["run", remote, "--db", db])
    while (received === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    const stopped = await stop(running, "SIGINT")
    expect(stopped.code).toBe(130)
    expect(stopped.ms).toBeLessThan(5000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(closed).toBe(received)
    expect(readRun(db)).toMatchObject({ status: "stopped", rounds: 0, integrity: "ok" })
    server.close()
  })
})

describe("with workers", () => {
  const scope = Effect.runSync(Scope.make())
  let nats = ""
  beforeAll(async () => {
    nats = (await Effect.runPromise(NatsServer.make().pipe(Scope.extend(scope)))).url
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  const startWorker = async (name: string) => {
    const worker = lyceum(["worker", "--nats", nats, "--name", name])
    await worker.waitFor(/ready/)
    return worker
  }

  it("a second Ctrl-C quits at once while the first is still stopping, and the database stays sound", async () => {
    const worker = await startWorker("frozen")
    const db = join(dir, "twice.db")
    const running = lyceum(["run", scenario, "--db", db, "--nats", nats, "--workers", "frozen"])
    await running.waitFor(/ round \d+ \(n=/)
    // A frozen worker cannot answer, so the first stop waits on it (releasing its agents takes up to 10 s).
    worker.child.kill("SIGSTOP")
    running.child.kill("SIGINT")
    await running.waitFor(/Ctrl-C: stopping/)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(running.child.exitCode).toBeNull()
    const quit = await stop(running, "SIGINT")
    expect(quit.code).toBe(130)
    expect(quit.ms).toBeLessThan(1000)
    const run = readRun(db)
    expect(run.integrity).toBe("ok")
    expect(run.rounds).toBeGreaterThanOrEqual(1)
    worker.child.kill("SIGCONT")
    expect((await stop(worker, "SIGTERM")).code).toBe(143)
  })

  it("a worker stops cleanly on SIGTERM and on Ctrl-C, and the run names what it lost as progress does", async () => {
    const worker = await startWorker("leaving")
    const db = join(dir, "worker.db")
    const running = lyceum(["run", scenario, "--db", db, "--nats", nats, "--workers", "leaving"])
    await running.waitFor(/ round \d+ \(n=/)
    const left = await stop(worker, "SIGTERM")
    expect(left.code).toBe(143)
    expect(left.ms).toBeLessThan(5000)
    expect(left.stderr).toMatch(/worker leaving stopping: releasing 1 cohort\(s\) of 1 run\(s\)/)
    expect(left.stderr).toContain("worker leaving stopped; its NATS connection is closed")

    const failed = await running.exited
    expect(failed.code).toBe(1)
    // The cohort as the progress lines name it (task.method, repeat from 1), the agents by their ids.
    expect(failed.stderr).toMatch(/sms-spam\.synthetic-examples repeat [1-6]\b/)
    expect(failed.stderr).toMatch(/(teacher|student)-\d/)
    expect(failed.stderr.split("\n").at(-2)).not.toMatch(/repeat 0|task 0|method 0|--r\d-/)
    expect(readRun(db)).toMatchObject({ status: "failed", integrity: "ok" })

    const idle = await startWorker("idle")
    const interrupted = await stop(idle, "SIGINT")
    expect(interrupted.code).toBe(130)
    expect(interrupted.stderr).toContain("worker idle stopped; its NATS connection is closed")
  })
})
