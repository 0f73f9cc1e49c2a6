/**
 * The population kind's large points, on demand (`pnpm bench:scale`; README "Benchmarks"): one scenario per
 * (model, N), played by the real CLI in its own process, each for `--rounds` rounds of one lesson per agent
 * (every agent holds two private examples, so every agent has something to teach) with 1% of the agents
 * evaluated on 5 items. Measured: the wall time of each round from the store's `cohort_steps.finished_at`, the
 * process's peak resident memory (VmHWM from /proc, polled), and the fitted slopes (seconds and bytes per
 * agent, least squares over the N run). Writes scale-results.json at the repository root and prints a table.
 *
 *   pnpm bench:scale                                  # N = 1k, 10k, 100k with zero and sim
 *   pnpm bench:scale -- --n 1000000 --model zero      # the million-agent point
 *   options: --n 1000,10000 --model zero,sim --rounds 1 --strategy original-examples|synthetic-examples
 *            --workers 2 (the population's shards dealt over that many `lyceum worker` processes on a local
 *            nats-server; peak RSS and CPU seconds reported per process) --shard-size 1000 --out scale-results.json
 *            --profile DIR (a V8 CPU profile of every lyceum process, `node --cpu-prof`)
 *            --task '{ kind: arithmetic }' (the task, YAML; cultural by default) --neighbours 1 (lessons per learner)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { NatsServer } from "@lyceum/nats"
import Database from "better-sqlite3"
import { Effect, Exit, Scope } from "effect"

const root = fileURLToPath(new URL("../..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")

const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback
}
const sizes = option("n", "1000,10000,100000").split(",").map(Number)
const models = option("model", "zero,sim").split(",")
const rounds = Number(option("rounds", "1"))
const strategy = option("strategy", "original-examples")
const workers = Number(option("workers", "0"))
const shardSize = option("shard-size", "")
const out = option("out", "scale-results.json")
const task = option("task", "")
const neighbours = option("neighbours", "1")
// --profile DIR: every lyceum process writes a V8 CPU profile there (node --cpu-prof), to see where a round goes.
const profile = option("profile", "")
const nodeFlags = [
  "--max-old-space-size=16384",
  ...(profile === "" ? [] : ["--cpu-prof", "--cpu-prof-dir", resolve(profile)]),
]

const cultural = "{ kind: cultural, cultures: [japan, kenya, india, us], probeKinds: [cloze] }"

export const scaleScenario = (
  n: number,
  model: string,
  rounds: number,
  strategy: string,
  { shardSize = "", task = cultural, neighbours = "1" } = {},
) => `
name: scale-${model}-${n}
kind: population
seed: 1
models:
  m: { provider: ${model} }
tasks:
  - ${task}
agents: ${n}${shardSize === "" ? "" : `\nshardSize: ${shardSize}`}
model: m
topology: { kind: small-world, degree: 10, rewire: 0.1 }
seeds: { count: 4 }
private: { examples: 2 }
memory: { capacity: 8, eviction: oldest }
rounds: ${rounds}
learning: { neighbours: ${neighbours} }
evaluate: { agents: ${Math.max(1, Math.round(n / 100))}, items: 5 }
methods:
  - { name: scale, strategy: ${strategy}${strategy === "synthetic-examples" ? ", samples: 1, nGen: 4" : ""}, privacy: { verbatim: flag } }
`

/** Peak resident set size of a process in bytes (VmHWM), or 0 once it is gone. */
const peakRss = (pid: number): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmHWM:"))
    return line === undefined ? 0 : Number(line.split(/\s+/)[1]) * 1024
  } catch {
    return 0
  }
}

/** User plus system CPU seconds a process has used so far (/proc/PID/stat, 100 ticks a second), or 0. */
const cpuSeconds = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** A child's peak RSS and CPU seconds, polled every 250 ms until `stop` (the last reading before it exits). */
const watch = (child: ChildProcess) => {
  const seen = { peakBytes: 0, cpuSeconds: 0 }
  const poll = setInterval(() => {
    seen.peakBytes = Math.max(seen.peakBytes, peakRss(child.pid!))
    seen.cpuSeconds = Math.max(seen.cpuSeconds, cpuSeconds(child.pid!))
  }, 250)
  return { seen, stop: () => clearInterval(poll) }
}

/** K `lyceum worker` processes (w1..wK) on `url`, each resolved once it says it is ready. */
const startWorkers = (url: string, k: number) =>
  Promise.all(
    Array.from(
      { length: k },
      (_, i) =>
        new Promise<{
          name: string
          child: ChildProcess
          watched: ReturnType<typeof watch>
          readyCpu: number
        }>((resolve, reject) => {
          const name = `w${i + 1}`
          const child = spawn(
            process.execPath,
            [...nodeFlags, cli, "worker", "--nats", url, "--name", name],
            { stdio: ["ignore", "ignore", "pipe"] },
          )
          const watched = watch(child)
          let log = ""
          child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
            log += chunk
            // CPU from here on: the worker's start-up (loading the bundle) is not the population's work.
            if (chunk.includes("ready")) resolve({ name, child, watched, readyCpu: cpuSeconds(child.pid!) })
          })
          child.on("exit", (code, signal) => {
            watched.stop()
            reject(new Error(`worker ${name} exited with ${code ?? signal}: ${log.slice(-2000)}`))
          })
        }),
    ),
  )

interface Point {
  readonly model: string
  readonly n: number
  /** Seconds of each round (round 0 measures only; rounds >= 1 teach, learn and measure). */
  readonly roundSeconds: ReadonlyArray<number>
  readonly setupSeconds: number
  readonly totalSeconds: number
  readonly peakBytes: number
  /** The coordinator's CPU seconds, and with --workers each worker's peak RSS and CPU seconds. */
  readonly cpuSeconds: number
  readonly workers: ReadonlyArray<{
    readonly name: string
    readonly peakBytes: number
    readonly cpuSeconds: number
  }>
  readonly shardSize: string
}

const runPoint = async (model: string, n: number): Promise<Point> => {
  const dir = mkdtempSync(join(tmpdir(), "lyceum-scale-"))
  const scope = Effect.runSync(Scope.make())
  try {
    const file = join(dir, "scale.yaml")
    writeFileSync(
      file,
      scaleScenario(n, model, rounds, strategy, { shardSize, task: task || undefined, neighbours }),
    )
    const db = join(dir, "scale.db")
    const url = workers > 0 ? (await Effect.runPromise(NatsServer.make().pipe(Scope.extend(scope)))).url : ""
    const hosts = workers > 0 ? await startWorkers(url, workers) : []
    const placement = workers > 0 ? ["--nats", url, "--workers", hosts.map((w) => w.name).join(",")] : []
    const started = Date.now()
    const child = spawn(
      process.execPath,
      [...nodeFlags, cli, "run", file, "--db", db, "--yes", ...placement],
      { stdio: ["ignore", "ignore", "pipe"] },
    )
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
      process.stderr.write(chunk)
    })
    const coordinator = watch(child)
    const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)))
    coordinator.stop()
    for (const w of hosts) {
      w.watched.stop()
      w.child.removeAllListeners("exit")
      // SIGINT lets a worker stop cleanly (and write its CPU profile); SIGKILL after a few seconds.
      w.child.kill(profile === "" ? "SIGKILL" : "SIGINT")
      if (profile !== "") await new Promise((r) => setTimeout(r, 5000))
      w.child.kill("SIGKILL")
    }
    if (code !== 0) throw new Error(`N=${n} ${model}: lyceum run exited ${code}\n${stderr.slice(-2000)}`)
    const totalSeconds = (Date.now() - started) / 1000
    const sqlite = new Database(db, { readonly: true })
    const { started_at } = sqlite.prepare("SELECT started_at FROM runs").get() as { started_at: string }
    const steps = sqlite.prepare("SELECT step, finished_at FROM cohort_steps ORDER BY step").all() as Array<{
      step: number
      finished_at: string
    }>
    sqlite.close()
    const times = steps.map((s) => Date.parse(s.finished_at))
    const roundSeconds = times.slice(1).map((t, i) => (t - times[i]!) / 1000)
    return {
      model,
      n,
      roundSeconds,
      setupSeconds: (times[0]! - Date.parse(started_at)) / 1000,
      totalSeconds,
      peakBytes: coordinator.seen.peakBytes,
      cpuSeconds: coordinator.seen.cpuSeconds,
      workers: hosts.map((w) => ({
        name: w.name,
        peakBytes: w.watched.seen.peakBytes,
        cpuSeconds: w.watched.seen.cpuSeconds - w.readyCpu,
      })),
      shardSize: shardSize === "" ? "default" : shardSize,
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Least-squares slope and intercept of y over x. */
const fit = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>) => {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0)
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0)
  const slope = sxx === 0 ? 0 : sxy / sxx
  return { slope, intercept: my - slope * mx }
}

const main = async () => {
  const points: Array<Point> = []
  for (const model of models)
    for (const n of sizes) {
      const point = await runPoint(model, n)
      points.push(point)
      console.log(
        `${model.padEnd(5)} N=${String(n).padStart(8)}  round 1: ${point.roundSeconds[0]?.toFixed(2)} s` +
          ` (${((point.roundSeconds[0]! / n) * 1e6).toFixed(1)} µs/agent)  set-up ${point.setupSeconds.toFixed(1)} s` +
          `  peak ${(point.peakBytes / 2 ** 30).toFixed(2)} GiB (${Math.round(point.peakBytes / n)} B/agent)` +
          `  cpu ${point.cpuSeconds.toFixed(1)} s` +
          point.workers
            .map(
              (w) =>
                `  ${w.name}: peak ${(w.peakBytes / 2 ** 30).toFixed(2)} GiB cpu ${w.cpuSeconds.toFixed(1)} s`,
            )
            .join(""),
      )
    }
  const slopes = models.map((model) => {
    const mine = points.filter((p) => p.model === model)
    const time = fit(
      mine.map((p) => p.n),
      mine.map((p) => p.roundSeconds[0]!),
    )
    const memory = fit(
      mine.map((p) => p.n),
      mine.map((p) => p.peakBytes),
    )
    return {
      model,
      secondsPerAgentRound: time.slope,
      bytesPerAgent: memory.slope,
      fixedBytes: memory.intercept,
    }
  })
  for (const s of slopes)
    console.log(
      `${s.model}: fitted ${(s.secondsPerAgentRound * 1e6).toFixed(1)} µs per agent per round, ` +
        `${Math.round(s.bytesPerAgent)} B per agent (+ ${(s.fixedBytes / 2 ** 20).toFixed(0)} MiB fixed)`,
    )
  writeFileSync(
    resolve(root, out),
    `${JSON.stringify({ rounds, strategy, workers, shardSize: shardSize || "default", points, slopes }, null, 2)}\n`,
  )
}

await main()
