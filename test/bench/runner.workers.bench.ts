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
 * Wall-clock speed of a run spread over two `lyceum worker` processes against the same run in one process, all
 * through the built CLI in this command. The scenario is the shipped Secret Sharer one with 6 trials: sim is
 * CPU-bound, so what the workers buy is cores (this machine has `cpus().length`). Same results either way: the
 * e2e tests check it. Three figures:
 * - runner.workers.speedup: the work queue (`--queue`; each worker plays whole cohorts, two at a time: one
 *   cohort alone leaves its core idle while it waits on the bus and the event loop, 15.6 s against 11.3 s);
 * - runner.workers.placed: agent placement (`--workers b1,b2`; each cohort's agents dealt out, 4 cohorts at once);
 * - runner.queue.failover: from a worker's SIGKILL mid-cohort to its cohort playing again on the other worker,
 *   against the bound the design promises (2 × the ack wait); as rates, so a ratio >= 1 meets it.
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

/** A worker, resolved once ready; `lines` gets each log line as it comes, stamped with when it came. */
const startWorker = (
  url: string,
  name: string,
  lines?: Array<{ at: number; line: string }>,
  extra: ReadonlyArray<string> = [],
) =>
  new Promise<ChildProcess>((resolve) => {
    const child = spawn(process.execPath, [cli, "worker", "--nats", url, "--name", name, ...extra], {
      cwd: root,
    })
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.length > 0) lines?.push({ at: performance.now(), line })
      if (chunk.includes("ready")) resolve(child)
    })
  })

const ACK_WAIT_S = 2

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
    const onWorkers = (...mode: ReadonlyArray<string>) =>
      Effect.scoped(
        Effect.gen(function* () {
          const server = yield* NatsServer.make({ jetstream: true })
          const workers = yield* Effect.acquireRelease(
            Effect.promise(() =>
              Promise.all([
                startWorker(server.url, "b1", undefined, ["--slots", "2"]),
                startWorker(server.url, "b2", undefined, ["--slots", "2"]),
              ]),
            ),
            (children) =>
              Effect.sync(() => {
                for (const child of children) child.kill("SIGKILL")
              }),
          )
          expect(workers).toHaveLength(2)
          return timed(["run", scenario, "--db", join(dir, `${mode[0]}.db`), "--nats", server.url, ...mode])
        }),
      )
    const queued = await Effect.runPromise(onWorkers("--queue"))
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
    const failover = await Effect.runPromise(failoverSeconds(scenario, dir))
    const speedup = recordBenchmark({
      name: "runner.workers.speedup",
      unit: "runs/min",
      ours: 60 / queued,
      baseline: 60 / alone,
      goal: Math.min(2, cpus().length) * 0.9,
    })
    recordBenchmark({
      name: "runner.workers.placed",
      unit: "runs/min",
      ours: 60 / placed,
      baseline: 60 / alone,
      goal: Math.min(2, cpus().length) * 0.75,
    })
    recordBenchmark({
      name: "runner.queue.failover",
      unit: "1/s",
      ours: 1 / failover,
      baseline: 1 / (2 * ACK_WAIT_S),
      goal: 1,
    })
    expect(speedup.ours).toBeGreaterThan(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * Seconds from SIGKILL of the worker playing a cohort (once it has played a step of it) to the other worker
 * starting that cohort's second delivery, with `--ack-wait 2`.
 */
const failoverSeconds = (scenario: string, dir: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const server = yield* NatsServer.make({ jetstream: true })
      const lines = {
        a: [] as Array<{ at: number; line: string }>,
        b: [] as Array<{ at: number; line: string }>,
      }
      const [a, b] = yield* Effect.acquireRelease(
        Effect.promise(() =>
          Promise.all([startWorker(server.url, "f1", lines.a), startWorker(server.url, "f2", lines.b)]),
        ),
        (children) =>
          Effect.sync(() => {
            for (const child of children) child.kill("SIGKILL")
          }),
      )
      const db = join(dir, "failover.db")
      const coordinator = spawn(
        process.execPath,
        [cli, "run", scenario, "--db", db, "--nats", server.url, "--queue", "--ack-wait", String(ACK_WAIT_S)],
        { cwd: root },
      )
      const exited = new Promise((resolve) => coordinator.on("exit", resolve))
      // f2 has been playing a cohort for a moment: kill it there.
      const playing = () => lines.b.some(({ line }) => line.endsWith(": playing"))
      while (!playing()) yield* Effect.sleep(10)
      yield* Effect.sleep(300)
      const killedAt = performance.now()
      b!.kill("SIGKILL")
      yield* Effect.promise(() => exited)
      const again = lines.a.find(({ at, line }) => at > killedAt && line.includes("(attempt 2): playing"))
      expect(again, lines.a.map((l) => l.line).join("\n")).toBeDefined()
      expect(a).toBeDefined()
      return (again!.at - killedAt) / 1000
    }),
  )
