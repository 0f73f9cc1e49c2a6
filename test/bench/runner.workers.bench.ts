import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NatsServer } from "@lyceum/nats"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { recordBenchmark } from "./BenchResults.js"

/*
 * Wall-clock speed of a run spread over two `lyceum worker` processes (each cohort's agents dealt out, two
 * cohorts at once per worker) against the same run in one process, both through the built CLI in this
 * command. The scenario is the shipped Secret Sharer one with 6 trials: sim is CPU-bound, so what the
 * workers buy is cores (this machine has `cpus().length`). Same results either way: the e2e tests check it.
 */

const root = fileURLToPath(new URL("../..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")

const timed = (args: ReadonlyArray<string>) => {
  const started = performance.now()
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  })
  expect(result.status, result.stderr).toBe(0)
  return (performance.now() - started) / 1000
}

const startWorker = (url: string, name: string) =>
  new Promise<ChildProcess>((resolve) => {
    const child = spawn(process.execPath, [cli, "worker", "--nats", url, "--name", name], { cwd: root })
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      if (chunk.includes("ready")) resolve(child)
    })
  })

test("runner.workers: a run on two workers against one process", { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lyceum-bench-workers-"))
  const scenario = join(dir, "canary.yaml")
  writeFileSync(
    scenario,
    readFileSync(join(root, "scenarios/privacy-canary.yaml"), "utf8").replace(
      /^repeats: \d+$/m,
      "repeats: 6",
    ),
  )
  try {
    const alone = timed(["run", scenario, "--db", join(dir, "alone.db")])
    const placed = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* NatsServer.make()
          const workers = yield* Effect.acquireRelease(
            Effect.promise(() => Promise.all([startWorker(server.url, "b1"), startWorker(server.url, "b2")])),
            (children) =>
              Effect.sync(() => {
                for (const child of children) child.kill("SIGKILL")
              }),
          )
          expect(workers).toHaveLength(2)
          return timed([
            "run",
            scenario,
            "--db",
            join(dir, "placed.db"),
            "--nats",
            server.url,
            "--workers",
            "b1,b2",
            "--parallel",
            "4",
          ])
        }),
      ),
    )
    const result = recordBenchmark({
      name: "runner.workers.speedup",
      unit: "runs/min",
      ours: 60 / placed,
      baseline: 60 / alone,
      goal: Math.min(2, cpus().length) * 0.75,
    })
    expect(result.ours).toBeGreaterThan(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
