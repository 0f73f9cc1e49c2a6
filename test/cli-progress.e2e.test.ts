import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"

// The built CLI's progress on a terminal (a pseudo-terminal from util-linux `script`) and piped, and its JSON.
const root = fileURLToPath(new URL("..", import.meta.url))
const cli = process.env.LYCEUM_CLI ?? join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-progress-e2e-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const hasScript = spawnSync("script", ["--version"]).status === 0

const ESC = "\u001b["
const scenarioOf = (name: string, repeats: number, rounds: string) => {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(
    file,
    `name: ${name}\nseed: 4\nrepeats: ${repeats}\nrounds: ${rounds}\nmodels:\n  sim: { provider: sim }\n` +
      "tasks: [{ kind: spam, testSize: 40 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 1, model: sim }\n" +
      "methods: [{ strategy: synthetic-examples }]\n",
  )
  return file
}
/** Six repeats of five rounds: seconds of work, so Ctrl-C lands in the middle. */
const long = scenarioOf("long", 6, "[2, 4, 6, 8]")
const small = scenarioOf("small", 1, "[2, 4]")

const lyceum = (args: ReadonlyArray<string>) => {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const query = <T>(db: string, sql: string, ...params: Array<unknown>) => {
  const sqlite = new Database(db, { readonly: true })
  try {
    return sqlite.prepare(sql).all(...params) as Array<T>
  } finally {
    sqlite.close()
  }
}

describe.skipIf(!hasScript)("lyceum run on a terminal", () => {
  it("redraws one block in place, prints Ctrl-C's lines above it, and leaves the cursor shown", async () => {
    const db = join(dir, "tty.db")
    // Ctrl-C as a user types it: the terminal's interrupt character, written to the pseudo-terminal.
    const child = spawn(
      "script",
      ["-qfec", `${process.execPath} ${cli} run ${long} --db ${db}`, "/dev/null"],
      {
        cwd: dir,
      },
    )
    let out = ""
    let typed = false
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      if (!typed && /steps 3\/30/.test(out)) {
        typed = true
        child.stdin.write("\u0003")
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    expect(typed).toBe(true)
    expect(code).toBe(130)
    // Cursor hidden while drawing, redrawn by erasing the previous block's lines, shown again at the end.
    expect(out).toContain(`${ESC}?25l`)
    expect(out).toContain(`${ESC}2K${ESC}1A`)
    const hidden = out.lastIndexOf(`${ESC}?25l`)
    expect(out.lastIndexOf(`${ESC}?25h`)).toBeGreaterThan(hidden)
    expect(out).toMatch(/steps \d+\/30 · [\d.]+s elapsed, ETA [\d.]+s/)
    expect(out).toMatch(/model calls \d+ · tokens [\d.]+k? · cost \$0\.0000 · cache hits 0/)
    expect(out).toContain("retries 0 · timeouts 0 · errors 0")
    // The "stopping" line survives the redraws, the final block says so, the resume line follows it.
    const stopping = out.indexOf("Ctrl-C: stopping (press Ctrl-C again to quit at once)")
    const final = out.indexOf("· long (social-learning) · stopped")
    const resume = out.indexOf("continue the run with: lyceum run")
    expect(stopping).toBeGreaterThan(0)
    expect(final).toBeGreaterThan(stopping)
    expect(resume).toBeGreaterThan(final)
    // Nothing erases after the final block: it stays on screen.
    expect(out.slice(final).includes(`${ESC}2K`)).toBe(false)
    const [run] = query<{ status: string }>(db, "SELECT status FROM runs")
    expect(run?.status).toBe("stopped")
  })

  it("prints plain lines under --progress plain, even on a terminal", () => {
    const db = join(dir, "tty-plain.db")
    const result = spawnSync(
      "script",
      ["-qfec", `${process.execPath} ${cli} run ${small} --db ${db} --progress plain`, "/dev/null"],
      { cwd: dir, encoding: "utf8", timeout: 120_000 },
    )
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^ {2}sms-spam\.synthetic-examples repeat 1 round 2 \(n=4\): accuracy/m)
    expect(result.stdout).not.toContain(`${ESC}2K`)
  })
})

describe("lyceum run piped", () => {
  it("prints one plain line per step on stderr and, with --format json, one JSON document that matches the DB", () => {
    const db = join(dir, "json.db")
    const result = lyceum(["run", small, "--db", db, "--format", "json"])
    expect(result.code).toBe(0)
    expect(result.stderr).not.toContain(ESC)
    const steps = result.stderr.split("\n").filter((line) => line.startsWith("  sms-spam"))
    expect(steps).toHaveLength(3)
    for (const line of steps)
      expect(line).toMatch(
        / round \d \(n=\d\): accuracy [\d.]+ .* model calls, .* tokens · \d\/3 · .* elapsed, ETA /,
      )
    const json = JSON.parse(result.stdout)
    const [usage] = query<{ calls: number; prompt: number; completion: number; cost: number }>(
      db,
      "SELECT SUM(calls) AS calls, SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion, SUM(cost_usd) AS cost FROM model_usage",
    )
    const [run] = query<{ id: string; status: string }>(db, "SELECT id, status FROM runs")
    expect(json).toMatchObject({
      runId: run?.id,
      status: "completed",
      db,
      scenario: "small",
      kind: "social-learning",
      steps: 3,
      plannedCohorts: 1,
      cohorts: [{ repeat: 0, task: "sms-spam", method: "synthetic-examples", stepsDone: 3 }],
      modelCalls: usage?.calls,
      tokens: { prompt: usage?.prompt, completion: usage?.completion },
      costUsd: usage?.cost,
      cacheHits: 0,
    })
    expect(json.elapsedMs).toBeGreaterThan(0)
    // The results are `lyceum report --format json`'s default table.
    const report = JSON.parse(lyceum(["report", "--db", db, "--format", "json"]).stdout)
    expect(json.results).toEqual({ table: report.table, columns: report.columns, rows: report.rows })
    const finals = json.results.rows.filter((row: { round: number }) => row.round === 2)
    const [curve] = query<{ value: number }>(db, "SELECT value FROM learning_curve WHERE round = 2")
    expect(finals.map((row: { mean: number }) => row.mean)).toEqual([curve?.value])
  })

  it("prints the JSON of a run stopped by Ctrl-C too, with its status, and exits 130", async () => {
    const db = join(dir, "stopped.db")
    const child = spawn(process.execPath, [cli, "run", long, "--db", db, "--format", "json"], { cwd: dir })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      if (/ 3\/30 · /.test(stderr) && !child.killed) child.kill("SIGINT")
    })
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
    expect(code).toBe(130)
    const json = JSON.parse(stdout)
    const [run] = query<{ id: string }>(db, "SELECT id FROM runs")
    const [done] = query<{ steps: number }>(db, "SELECT COUNT(*) AS steps FROM cohort_steps")
    expect(json).toMatchObject({ runId: run?.id, status: "stopped", error: "interrupted" })
    expect(json.cohorts.reduce((sum: number, c: { stepsDone: number }) => sum + c.stepsDone, 0)).toBe(
      done?.steps,
    )
    expect(stderr).toContain(`--resume ${run?.id}`)
  })

  it("logs its progress as JSON lines with --log-format json, so every stderr line parses", () => {
    const result = lyceum(["run", small, "--db", join(dir, "json-logs.db"), "--log-format", "json"])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stderr.split("\n").filter((line) => line !== "")
    const entries = lines.map(
      (line) =>
        JSON.parse(line) as { level: string; message: unknown; annotations?: Record<string, unknown> },
    )
    const steps = entries.filter((entry) => entry.annotations?.progress === "RoundFinished")
    // Round 0 and two rounds of one cohort, each an info entry with the plain line's text.
    expect(steps).toHaveLength(3)
    expect(
      steps.every((entry) => entry.level === "info" && String(entry.message).startsWith("sms-spam")),
    ).toBe(true)
    expect(entries.some((entry) => entry.annotations?.progress === "RunFinished")).toBe(true)
  })

  it("prints nothing but errors with --quiet", () => {
    const ok = lyceum(["run", small, "--db", join(dir, "quiet.db"), "--quiet"])
    expect(ok).toMatchObject({ code: 0, stdout: "", stderr: "" })
    const failed = lyceum(["run", join(dir, "missing.yaml"), "--db", join(dir, "quiet.db"), "-q"])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain("missing.yaml")
  })
})

describe("lyceum validate --format json", () => {
  it("prints one array of verdicts and still fails when a file is invalid", () => {
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, "name: bad\nrounds: [2]\nrepeats: 0\n")
    const result = lyceum(["validate", "--format", "json", small, bad])
    expect(result.code).toBe(1)
    const verdicts = JSON.parse(result.stdout)
    expect(verdicts).toHaveLength(2)
    expect(verdicts[0]).toMatchObject({ file: small, ok: true, scenario: "small", errors: [] })
    expect(verdicts[0].plan).toMatchObject({ cohorts: 1, rounds: 3 })
    expect(verdicts[1]).toMatchObject({ file: bad, ok: false, plan: null })
    expect(verdicts[1].errors).toContainEqual({
      message: "expected a positive integer, got 0",
      line: 3,
      field: "repeats",
    })
  })
})
