import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, test } from "vitest"
import { recordBenchmark } from "./BenchResults.js"

/*
 * The population kind's growth, the small points of `pnpm bench:scale` (scale.ts; the 100k and 1M points run on
 * demand, docs/benchmarks.md "Populations"): one round of N agents with one lesson each and 1% evaluated on 5
 * items, played by the CLI in its own process, at N = 2,000 and 20,000.
 * - population.round.linear: agents per second of a 20,000-agent round against a 2,000-agent one, zero-cost
 *   model (framework overhead alone). 1 is linear growth; below 1 the cost per agent grows with N.
 * - population.round.sim: agents per second of the 20,000-agent round on sim against zero: what the model adds.
 */
const here = fileURLToPath(new URL("..", import.meta.url))

interface Point {
  readonly model: string
  readonly n: number
  readonly roundSeconds: ReadonlyArray<number>
}

const points = async (models: string, sizes: string): Promise<ReadonlyArray<Point>> => {
  const dir = mkdtempSync(join(tmpdir(), "lyceum-population-bench-"))
  try {
    const out = join(dir, "scale.json")
    await promisify(execFile)(
      join(here, "node_modules/.bin/tsx"),
      ["bench/scale.ts", "--n", sizes, "--model", models, "--out", out],
      { cwd: here, maxBuffer: 64 * 1024 * 1024 },
    )
    return (JSON.parse(readFileSync(out, "utf8")) as { points: ReadonlyArray<Point> }).points
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rate = (p: Point | undefined) => (p === undefined ? Number.NaN : p.n / p.roundSeconds[0]!)

test("population rounds grow linearly in the agents (zero-cost model), and what sim adds", async () => {
  const measured = await points("zero,sim", "2000,20000")
  const at = (model: string, n: number) => measured.find((p) => p.model === model && p.n === n)
  const linear = recordBenchmark({
    name: "population.round.linear",
    unit: "agents/s",
    ours: rate(at("zero", 20_000)),
    baseline: rate(at("zero", 2_000)),
    goal: 0.9,
  })
  const sim = recordBenchmark({
    name: "population.round.sim",
    unit: "agents/s",
    ours: rate(at("sim", 20_000)),
    baseline: rate(at("zero", 20_000)),
  })
  expect(linear.ratio).toBeGreaterThan(0)
  expect(sim.ratio).toBeGreaterThan(0)
})
