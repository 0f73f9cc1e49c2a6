import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NatsCluster } from "@lyceum/nats"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli, root } from "./support/WorkerProcesses.js"

/**
 * `lyceum run --queue` on a 3-node NATS cluster with the work and results streams replicated three times: one
 * node SIGKILLed mid-run (the one leading the results stream, so its leadership must move) and the run completes
 * with the results of an uninterrupted single-process run.
 */
const dir = mkdtempSync(join(tmpdir(), "lyceum-queue-cluster-"))
const children: Array<ChildProcess> = []
let cluster: NatsCluster.StartedCluster | undefined

beforeAll(async () => {
  cluster = await NatsCluster.start({ nodes: 3 })
}, 60_000)
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL")
  await cluster?.close()
  rmSync(dir, { recursive: true, force: true })
})

const scenario = join(dir, "cluster.yaml")
writeFileSync(
  scenario,
  "name: cluster\nrepeats: 4\nrounds: [2, 4, 8]\nmodels:\n  sim: { provider: sim }\n" +
    "tasks: [{ kind: spam, testSize: 80 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 2, model: sim }\n" +
    "methods: [{ strategy: synthetic-examples }, { strategy: instruction }]\n",
)

const lyceum = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root })
  children.push(child)
  const log: Array<string> = []
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => log.push(chunk))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, log, exited }
}

const outputs = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const all = (sql: string) => sqlite.prepare(sql).all()
  const out = {
    curve: all(
      "SELECT repeat, round, student, task, method, metric, value, n_items FROM learning_curve ORDER BY task, method, repeat, round, student, metric",
    ),
    lessons: all("SELECT id, text, filter_action, sent, chosen FROM lessons ORDER BY id"),
    usage: all(
      "SELECT repeat, round, method, agent_id, calls, prompt_tokens, completion_tokens FROM model_usage ORDER BY repeat, round, method, agent_id",
    ),
  }
  sqlite.close()
  return out
}

const stepsIn = (db: string) => {
  try {
    const sqlite = new Database(db, { readonly: true })
    const { n } = sqlite.prepare("SELECT COUNT(*) AS n FROM cohort_steps").get() as { n: number }
    sqlite.close()
    return n
  } catch {
    return 0
  }
}

describe("lyceum run --queue on a NATS cluster", () => {
  it("completes with identical results when a node is killed mid-run (R3 streams)", async () => {
    const urls = cluster!.urls.join(",")
    const alone = join(dir, "alone.db")
    expect(await lyceum(["run", scenario, "--db", alone]).exited).toBe(0)
    // Each worker knows one node first; the client fails over to the others.
    for (const [i, name] of ["c1", "c2"].entries()) {
      const list = [...cluster!.urls.slice(i), ...cluster!.urls.slice(0, i)].join(",")
      lyceum(["worker", "--nats", list, "--name", name])
    }
    const db = join(dir, "cluster.db")
    const coordinator = lyceum([
      "run",
      scenario,
      "--db",
      db,
      "--nats",
      urls,
      "--queue",
      "--nats-replicas",
      "3",
      "--ack-wait",
      "15",
    ])
    for (let i = 0; i < 3000 && stepsIn(db) < 6; i++) await new Promise((r) => setTimeout(r, 20))
    expect(stepsIn(db)).toBeGreaterThanOrEqual(6)
    const leader = await cluster!.streamLeader("LYCEUM_RESULTS")
    expect(leader).toBeDefined()
    await leader!.kill()
    const status = await coordinator.exited
    expect(status, coordinator.log.join("")).toBe(0)
    expect(outputs(db)).toEqual(outputs(alone))
  }, 240_000)
})
