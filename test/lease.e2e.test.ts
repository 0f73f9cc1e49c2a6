import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-lease-"))
const children: Array<ChildProcess> = []
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
})

interface Finished {
  readonly pid: number
  readonly code: number | null
  readonly stderr: string
  readonly endedAt: number
}

/** Starts the built CLI as a user would; `done` settles when it exits. */
const start = (...args: Array<string>) => {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  let stderr = ""
  child.stderr!.on("data", (chunk) => {
    stderr += String(chunk)
  })
  child.stdout!.resume()
  const done = new Promise<Finished>((resolve) =>
    child.on("close", (code) => resolve({ pid: child.pid!, code, stderr, endedAt: Date.now() })),
  )
  return { child, done, stderr: () => stderr }
}

const lyceum = (...args: Array<string>) => {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
  })
  return { code: result.status, stderr: result.stderr }
}

const read = <A>(db: string, sql: string): Array<A> => {
  const sqlite = new Database(db, { readonly: true })
  try {
    return sqlite.prepare(sql).all() as Array<A>
  } finally {
    sqlite.close()
  }
}

/** What an uninterrupted run and a resumed one must agree on. */
const results = (db: string) => ({
  status: read(db, "SELECT status FROM runs"),
  curve: read(db, "SELECT repeat, round, method, value, n_items FROM learning_curve ORDER BY 1, 2, 3"),
  lessons: read(db, "SELECT repeat, round, teacher, text, sent, chosen FROM lessons ORDER BY id"),
  usage: read(db, "SELECT repeat, round, agent_id, calls FROM model_usage ORDER BY 1, 2, 3"),
  leases: read(db, "SELECT * FROM run_leases"),
})

const until = async (what: string, ok: () => boolean, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe("two processes and one run: the run's lease", () => {
  const scenario = join(dir, "leased.yaml")
  // Long enough (about 10 s resumed) that an owner is still playing after its first 5 s heartbeat.
  const quickstart = readFileSync(join(root, "scenarios/quickstart.yaml"), "utf8").replace(
    /^repeats: 1\b/m,
    "repeats: 32",
  )
  const whole = join(dir, "whole.db")
  const stopped = join(dir, "stopped.db")
  let runId = ""

  beforeAll(() => {
    expect(quickstart).toContain("repeats: 32")
    writeFileSync(scenario, `${quickstart}\nbudget: { maxTokens: 10000000 }\n`)
    expect(lyceum("run", scenario, "--db", whole).code).toBe(0)
    // A run its budget stopped during its second repeat, the budget then raised.
    writeFileSync(scenario, `${quickstart}\nbudget: { maxTokens: 100000 }\n`)
    const first = lyceum("run", scenario, "--db", stopped)
    expect(first.stderr).toMatch(/stopped: .*token budget is spent/)
    runId = /run (quickstart-\S+) stopped/.exec(first.stderr)![1]!
    writeFileSync(scenario, `${quickstart}\nbudget: { maxTokens: 10000000 }\n`)
    expect(existsSync(`${stopped}-wal`)).toBe(false)
  }, 300_000)

  it("of two resumes started at once, one plays the run and the other is refused at once, naming the holder", async () => {
    const db = join(dir, "race.db")
    copyFileSync(stopped, db)
    const [a, b] = [
      start("run", scenario, "--db", db, "--resume", runId),
      start("run", scenario, "--db", db, "--resume", runId),
    ]
    const outcomes = await Promise.all([a.done, b.done])
    const winner = outcomes.find((o) => o.code === 0)
    const loser = outcomes.find((o) => o.code !== 0)
    expect(winner, outcomes.map((o) => o.stderr).join("\n---\n")).toBeDefined()
    expect(loser).toBeDefined()
    expect(loser!.code).toBe(1)
    expect(loser!.stderr).toContain(
      `run ${runId} in ${db} is being played by pid ${winner!.pid} on host ${hostname()}`,
    )
    expect(loser!.stderr).toMatch(/last heartbeat at \S+Z, \d+ s ago/)
    expect(loser!.stderr).not.toContain("UNIQUE")
    // Refused before the winner was done, not after a race.
    expect(loser!.endedAt).toBeLessThan(winner!.endedAt)
    expect(results(db)).toEqual(results(whole))
    expect(results(db).leases).toEqual([])
  }, 300_000)

  it("a killed holder's lease is taken over with --force only, and only once the holder is dead", async () => {
    const db = join(dir, "killed.db")
    copyFileSync(stopped, db)
    const owner = start("run", scenario, "--db", db, "--resume", runId)
    // It holds the lease, has finished a round, and its heartbeat has ticked at least once.
    await until("the owner's lease has a heartbeat after a finished round", () => {
      const [lease] = read<{ pid: number; acquired_at: string; heartbeat_at: string }>(
        db,
        "SELECT pid, acquired_at, heartbeat_at FROM run_leases",
      )
      return (
        lease !== undefined &&
        lease.pid === owner.child.pid &&
        lease.heartbeat_at > lease.acquired_at &&
        /round \d+/.test(owner.stderr())
      )
    })

    const forcedWhileAlive = lyceum("run", scenario, "--db", db, "--resume", runId, "--force")
    expect(forcedWhileAlive.code).toBe(1)
    expect(forcedWhileAlive.stderr).toContain(
      `is being played by pid ${owner.child.pid} on host ${hostname()}`,
    )
    expect(forcedWhileAlive.stderr).toContain("--force does not take a run from a live process")

    owner.child.kill("SIGKILL")
    expect((await owner.done).code).toBe(null)
    expect(read(db, "SELECT status FROM runs")).toEqual([{ status: "running" }])
    expect(read(db, "SELECT pid FROM run_leases")).toEqual([{ pid: owner.child.pid }])

    const unforced = lyceum("run", scenario, "--db", db, "--resume", runId)
    expect(unforced.code).toBe(1)
    expect(unforced.stderr).toContain(`pid ${owner.child.pid} no longer exists on this host`)
    expect(unforced.stderr).toContain("add --force")

    const forced = lyceum("run", scenario, "--db", db, "--resume", runId, "--force")
    expect(forced.code, forced.stderr).toBe(0)
    expect(results(db)).toEqual(results(whole))
  }, 300_000)
})
