import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** One comparison: our code against the raw baseline doing the same work in the same process run. */
export interface BenchResult {
  readonly name: string
  /** What `ours` and `baseline` count, e.g. "msg/s" (higher is better). */
  readonly unit: string
  readonly ours: number
  readonly baseline: number
  /** ours / baseline. */
  readonly ratio: number
  /** The ratio we aim for (informational; benchmarks never fail on speed). */
  readonly goal?: number
}

const root = fileURLToPath(new URL("../..", import.meta.url))
const partial = `${root}bench-results.partial.jsonl`
const output = `${root}bench-results.json`

/** Called by a benchmark with its two measurements; the ratio is computed here, once. */
export const recordBenchmark = (result: Omit<BenchResult, "ratio">): BenchResult => {
  const full = { ...result, ratio: result.ours / result.baseline }
  appendFileSync(partial, `${JSON.stringify(full)}\n`)
  return full
}

/** Median of repeated measurements: robust to a noisy neighbour on a shared machine. */
export const median = (xs: ReadonlyArray<number>): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// vitest globalSetup: start clean, and at the end write bench-results.json and a readable table.
export default function setup() {
  rmSync(partial, { force: true })
  return () => {
    const results: Array<BenchResult> = existsSync(partial)
      ? readFileSync(partial, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : []
    rmSync(partial, { force: true })
    writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`)
    const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2))
    const lines = results.map(
      (r) =>
        `${r.name.padEnd(28)} ${fmt(r.ours).padStart(12)} ${fmt(r.baseline).padStart(12)} ${r.unit.padEnd(8)} ` +
        `${r.ratio.toFixed(2).padStart(6)}${r.goal === undefined ? "" : `  (goal ≥ ${r.goal})`}`,
    )
    process.stdout.write(
      `\n${"benchmark".padEnd(28)} ${"ours".padStart(12)} ${"baseline".padStart(12)} ${"unit".padEnd(8)} ${"ratio".padStart(6)}\n` +
        `${lines.join("\n")}\n\nwrote ${output}\n`,
    )
  }
}
