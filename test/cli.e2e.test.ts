import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-e2e-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the built CLI as a user would. */
const lyceum = (...args: Array<string>) => {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** CSV without quoted fields (what the report tables write for these runs) as header-keyed records. */
const parseCsv = (text: string): Array<Record<string, string>> => {
  const [header, ...lines] = text.trim().split("\n")
  const keys = header!.split(",")
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [keys[i]!, value])))
}

describe("lyceum CLI, end to end", () => {
  const db = join(dir, "quickstart.db")

  it("runs the quickstart scenario and records a learning curve that rises", () => {
    const run = lyceum("run", "scenarios/quickstart.yaml", "--db", db)
    expect(run.stderr).toMatch(/sms-spam.synthetic-examples repeat 1 round 4 \(n=8\): accuracy/)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("Learning curve")
    // What to do next: query it, or browse it.
    expect(run.stdout).toContain(`Browse it: lyceum view --db ${db}`)

    const sqlite = new Database(db, { readonly: true })
    const [runRow] = sqlite.prepare("SELECT id, status, scenario_hash, seed FROM runs").all() as Array<{
      id: string
      status: string
      scenario_hash: string
      seed: number
    }>
    expect(runRow).toMatchObject({ status: "completed", seed: 7 })
    const curve = sqlite
      .prepare("SELECT round, value, n_items FROM learning_curve WHERE run_id = ? ORDER BY round")
      .all(runRow!.id) as Array<{ round: number; value: number; n_items: number }>
    expect(curve.map((r) => r.round)).toEqual([0, 1, 2, 3, 4])
    expect(curve.every((r) => r.n_items === 100)).toBe(true)
    expect(curve.at(-1)!.value).toBeGreaterThan(curve[0]!.value)

    const lessons = sqlite
      .prepare(
        "SELECT SUM(sent) AS sent, SUM(chosen) AS chosen, SUM(sent AND filter_action = 'drop') AS leaked FROM lessons WHERE run_id = ?",
      )
      .get(runRow!.id) as { sent: number; chosen: number; leaked: number }
    // 2 lessons per round for 4 rounds enter the prompt; nothing the filter dropped ever left a teacher.
    expect(lessons.chosen).toBe(8)
    expect(lessons.sent).toBeGreaterThanOrEqual(8)
    expect(lessons.leaked).toBe(0)
    sqlite.close()
  })

  it("writes the run as one HTML page with its learning-curve chart", () => {
    const out = join(dir, "report.html")
    const result = lyceum("report", "--db", db, "--format", "html", "--out", out)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`wrote ${out}`)
    const page = readFileSync(out, "utf8")
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain("<h2>Learning curves</h2>")
    // One series (synthetic examples), a marker per round: n = 0, 2, 4, 6, 8.
    expect(page.match(/<g class="series" data-label="synthetic-examples">/g)).toHaveLength(1)
    expect(page.match(/<circle /g)).toHaveLength(5)
    // No value rendered as NaN (the page's one inline script may name Number.isNaN).
    expect(page.replace(/<script>[\s\S]*?<\/script>/g, "")).not.toContain("NaN")
    // Any format goes to --out when given.
    const csvOut = join(dir, "curve.csv")
    expect(lyceum("report", "--db", db, "--format", "csv", "--out", csvOut).stdout).toBe("")
    expect(readFileSync(csvOut, "utf8").split("\n")[0]).toBe(
      "task,method,strategy,student,metric,round,n,prompt_lessons,mean,sem,repeats,n_items",
    )
    const bad = lyceum("report", "--db", db, "--format", "html", "--out", join(dir, "missing-dir", "r.html"))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("cannot write the report to")
  })

  it("reports the stored run as JSON and CSV", () => {
    const json = JSON.parse(lyceum("report", "--db", db, "--format", "json").stdout)
    expect(json.rows).toHaveLength(5)
    expect(json.run.scenario).toBe("quickstart")
    const csv = lyceum("report", "--db", db, "--format", "csv").stdout.trim().split("\n")
    expect(csv[0]).toBe("task,method,strategy,student,metric,round,n,prompt_lessons,mean,sem,repeats,n_items")
    expect(csv).toHaveLength(6)
  })

  it("explains a broken scenario file: file, line, field and what was expected", () => {
    const broken = join(dir, "broken.yaml")
    writeFileSync(
      broken,
      "name: broken\nrounds: [2]\nmodels:\n  sim: { provider: sim }\ntasks: [{ kind: spam }]\n" +
        "teachers: { count: 0, model: sim }\nstudents: { count: 1, model: gpt }\n",
    )
    const result = lyceum("validate", broken)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`${broken}: 3 problems`)
    expect(result.stderr).toMatch(/line 6, teachers\.count: .*positive/)
    expect(result.stderr).toMatch(/^ {2}methods: is missing$/m)
    expect(result.stderr).toMatch(
      /line 7, students.model: unknown model "gpt"; declare it under models \(declared: sim\)/,
    )
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it("fails cleanly, without a stack trace, when the database does not exist", () => {
    const result = lyceum("report", "--db", join(dir, "none.db"))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("no database at")
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it("marks a run failed and says what to do when its model endpoint is down", () => {
    const scenario = join(dir, "down.yaml")
    writeFileSync(
      scenario,
      "name: down\nrounds: [1]\nmodels:\n  remote: { provider: openai, baseURL: 'http://127.0.0.1:1/v1', model: m, maxRetries: 0, timeoutMs: 2000 }\n" +
        "tasks: [{ kind: spam, testSize: 10 }]\nteachers: { count: 1, model: remote }\nstudents: { count: 1, model: remote }\n" +
        "methods: [{ strategy: synthetic-examples }]\n",
    )
    const downDb = join(dir, "down.db")
    const result = lyceum("run", scenario, "--db", downDb)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /run down-\S+ failed: sms-spam\.synthetic-examples repeat 1: student-1 failed \(Unavailable\): .*127\.0\.0\.1:1/,
    )
    const sqlite = new Database(downDb, { readonly: true })
    expect(sqlite.prepare("SELECT status, error FROM runs").get()).toMatchObject({ status: "failed" })
    sqlite.close()
  })

  it("plays the shipped adversarial-teacher scenario (fewer trials) and reports what got past each filter", () => {
    const shipped = readFileSync(join(root, "scenarios/adversarial-teacher.yaml"), "utf8")
    const scenario = join(dir, "adversarial.yaml")
    writeFileSync(
      scenario,
      shipped.replace(/^repeats: \d+$/m, "repeats: 2").replace("candidates: 1000", "candidates: 100"),
    )
    const advDb = join(dir, "adversarial.db")
    expect(lyceum("run", scenario, "--db", advDb).code).toBe(0)

    const smuggling = parseCsv(
      lyceum("report", "--db", advDb, "--table", "smuggling", "--format", "csv").stdout,
    )
    const byMethod = (method: string) => smuggling.filter((r) => r.method === method)
    expect(byMethod("attack-flagged").length).toBeGreaterThan(5)
    for (const r of byMethod("attack-flagged")) expect(r.delivered).toBe(r.attempts)
    for (const method of ["attack-dropped", "attack-redacted"]) {
      for (const r of byMethod(method)) {
        // Only paraphrases a pattern filter cannot follow get out (docs/privacy.md, known limitations).
        if (r.kind === "semantic") expect(r.delivered).toBe(r.attempts)
        else expect(r.delivered).toBe("0")
      }
    }

    const leakage = parseCsv(lyceum("report", "--db", advDb, "--table", "leakage", "--format", "csv").stdout)
    expect(leakage.map((r) => r.method)).toEqual(["attack-dropped", "attack-flagged", "attack-redacted"])
    for (const r of leakage) {
      expect(r.trials).toBe("2")
      expect(r.candidates).toBe("100")
      expect(Number(r.normalized_distance)).toBeGreaterThan(0)
      expect(Number(r.normalized_distance)).toBeLessThan(1)
    }
    expect(Number(leakage[1]!.smuggle_delivery_rate)).toBe(1)
    expect(Number(leakage[0]!.smuggle_delivery_rate)).toBeLessThan(0.5)
    expect(lyceum("report", "--db", advDb, "--table", "smuggling").stdout).toMatch(
      /attack-dropped: \d+ of \d+ attempts delivered intact/,
    )
  })

  it("resumes a run its budget stopped, once the budget is raised, to the curve of an uninterrupted run", () => {
    const scenario = join(dir, "budgeted.yaml")
    const quickstart = readFileSync(join(root, "scenarios/quickstart.yaml"), "utf8")
    writeFileSync(scenario, `${quickstart}\nbudget: { maxTokens: 30000 }\n`)
    const budgetDb = join(dir, "budget.db")
    const stopped = lyceum("run", scenario, "--db", budgetDb)
    expect(stopped.code).toBe(1)
    expect(stopped.stderr).toMatch(/stopped: .*token budget is spent/)
    const runId = /run (quickstart-\S+) stopped/.exec(stopped.stderr)![1]!
    expect(stopped.stderr).toContain(`--resume ${runId}`)
    const listed = lyceum("runs", "--db", budgetDb)
    expect(listed.stdout).toMatch(new RegExp(`${runId}\\s+quickstart\\s+social-learning\\s+stopped`))
    expect(listed.stdout).toContain(`continue it: lyceum run ${scenario} --db ${budgetDb} --resume ${runId}`)

    const unchanged = lyceum("run", scenario, "--db", budgetDb, "--resume", runId)
    expect(unchanged.code).toBe(1)
    expect(unchanged.stderr).toMatch(
      /has spent \d+ tokens of its budget of 30000: raise budget.maxTokens above/,
    )
    writeFileSync(scenario, `${quickstart}\nbudget: { maxTokens: 10000000 }\n`)
    const resumed = lyceum("run", scenario, "--db", budgetDb, "--resume", runId)
    expect(resumed.code).toBe(0)
    const sqlite = new Database(budgetDb, { readonly: true })
    const curve = sqlite.prepare("SELECT round, value FROM learning_curve ORDER BY round").all()
    expect(sqlite.prepare("SELECT status FROM runs").all()).toEqual([{ status: "completed" }])
    const [row] = JSON.parse(lyceum("runs", "--db", budgetDb, "--format", "json").stdout).rows
    expect(row).toMatchObject({ run_id: runId, status: "completed", last_round: 4, repeats: 1 })
    sqlite.close()
    const fresh = new Database(db, { readonly: true })
    expect(curve).toEqual(fresh.prepare("SELECT round, value FROM learning_curve ORDER BY round").all())
    fresh.close()
  })

  it("prints its version and help", () => {
    expect(lyceum("--version").stdout).toMatch(/\d+\.\d+\.\d+/)
    const help = lyceum("--help").stdout
    for (const command of ["run", "validate", "report"]) expect(help).toContain(command)
  })

  it("reports named methods in the paper tables with one value per repeat, in every format with the same columns", () => {
    const scenario = join(dir, "named.yaml")
    writeFileSync(
      scenario,
      "name: named\nseed: 4\nrepeats: 3\nrounds: [2, 4]\nmodels:\n  sim: { provider: sim }\n" +
        "tasks: [{ kind: spam, testSize: 20 }]\nteachers: { count: 2, model: sim }\nstudents: { count: 1, model: sim }\n" +
        "methods:\n  - { name: orig, strategy: original-examples, privacy: { verbatim: flag } }\n" +
        "  - { name: gen, strategy: synthetic-examples }\n",
    )
    const namedDb = join(dir, "named.db")
    expect(lyceum("run", scenario, "--db", namedDb).code).toBe(0)
    const table2 = parseCsv(lyceum("report", "--db", namedDb, "--table", "table2", "--format", "csv").stdout)
    expect(table2.map((r) => [r.method, r.strategy, r.repeats])).toEqual([
      ["orig", "original-examples", "3"],
      ["gen", "synthetic-examples", "3"],
    ])
    expect(lyceum("report", "--db", namedDb, "--table", "table1").stdout).toContain("O / G: orig / gen")
    for (const args of [["report", "--table", "table1"], ["report", "--table", "smuggling"], ["runs"]]) {
      const json = JSON.parse(lyceum(...args, "--db", namedDb, "--format", "json").stdout)
      expect(Object.keys(json)).toEqual(["run", "table", "columns", "rows"])
      const csv = lyceum(...args, "--db", namedDb, "--format", "csv").stdout
      expect(csv.split("\n")[0]).toBe(json.columns.join(","))
    }
  })
})

describe("lyceum validate and run check everything knowable before the first model call", () => {
  /** A scenario file in the test directory (its dataset paths are relative to it). */
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }
  const tiny = (extra: { tasks?: string; teachers?: string; other?: string } = {}) =>
    "name: tiny\nrounds: [2]\nmodels:\n  sim: { provider: sim }\n" +
    `tasks: ${extra.tasks ?? "[{ kind: spam, testSize: 10 }]"}\n` +
    `teachers: ${extra.teachers ?? "{ count: 2, model: sim }"}\nstudents: { count: 1, model: sim }\n` +
    `methods: [{ strategy: synthetic-examples }]\n${extra.other ?? ""}`

  it("an invalid scenario creates no database file", () => {
    const scenario = write(
      "invalid.yaml",
      tiny().replace("rounds: [2]", "rounds: []").replace("name: tiny", "name: tiny\nseed: -1"),
    )
    const db = join(dir, "invalid.db")
    const result = lyceum("run", scenario, "--db", db)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("line 2, seed: expected a non-negative integer, got -1")
    expect(result.stderr).toMatch(/line 3, rounds: expected at least one round/)
    expect(result.stderr).not.toMatch(/Expected|undefined/)
    expect(existsSync(db)).toBe(false)
  })

  it("reads the dataset files: a missing one is named with its line and field, by validate and before run opens a database", () => {
    const scenario = write(
      "missing-data.yaml",
      tiny({
        tasks: "\n  - { kind: spam, testSize: 10 }\n  - { kind: spam, dataset: { path: ./nowhere.tsv } }",
      }),
    )
    const validate = lyceum("validate", scenario)
    expect(validate.code).toBe(1)
    expect(validate.stderr).toMatch(
      /line 7, tasks\[1\]\.dataset\.path: cannot read the SMS Spam Collection at \S*nowhere\.tsv: ENOENT/,
    )
    const db = join(dir, "missing-data.db")
    const run = lyceum("run", scenario, "--db", db)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/line 7, tasks\[1\]\.dataset\.path: .*ENOENT/)
    expect(existsSync(db)).toBe(false)
  })

  it("refuses a --seed a scenario could not hold, before creating the database", () => {
    const db = join(dir, "bad-seed.db")
    const result = lyceum("run", "scenarios/quickstart.yaml", "--db", db, "--seed", "-3")
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      "--seed: expected a non-negative integer up to 4294967295 (seeds are 32-bit), got -3",
    )
    expect(existsSync(db)).toBe(false)
  })

  it("--resume of a run in a database that does not exist creates no file", () => {
    const db = join(dir, "never-created.db")
    const result = lyceum("run", "scenarios/quickstart.yaml", "--db", db, "--resume", "nope")
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`cannot resume run nope: there is no database at ${db}`)
    expect(existsSync(db)).toBe(false)
  })

  it("prints the planned work; a large scenario needs --yes or a budget before anything starts", () => {
    expect(lyceum("validate", "scenarios/quickstart.yaml").stdout).toBe(
      "ok  scenarios/quickstart.yaml (quickstart): 1 cohort, 3 agents, 5 rounds each, ~572 model calls, ~95k tokens (estimated)\n",
    )
    const large = write(
      "large.yaml",
      tiny({ teachers: "{ count: 1000, model: sim }", other: "repeats: 100\n" }).replace(
        "count: 1, model: sim",
        "count: 1000, model: sim",
      ),
    )
    const validate = lyceum("validate", large)
    expect(validate.code).toBe(0)
    expect(validate.stdout).toMatch(
      /100 cohorts, 200,000 agents, 2 rounds each, ~[\d.]+[MG] model calls, ~[\d.]+G tokens/,
    )
    expect(validate.stdout).toContain(
      "large: lyceum run starts it only with --yes, or with a budget: in the scenario",
    )
    const db = join(dir, "large.db")
    const run = lyceum("run", large, "--db", db)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /plans 100 cohorts, .* Nothing was started\. Run it with --yes, or add a budget/,
    )
    expect(existsSync(db)).toBe(false)
  })

  it("refuses an ensemble file that cannot run as meant, by validate and run alike, creating no database", () => {
    const ensemble = (edit: (text: string) => string) =>
      edit(
        "name: ens\nkind: ensemble\nmodels:\n  sim: { provider: sim }\ntasks: [{ kind: spam, testSize: 10 }]\n" +
          "proposers:\n  - { name: a, model: sim, shots: 2 }\n  - { name: b, model: sim, shots: 4 }\n" +
          "holdout: 10\naggregators:\n  - { kind: vote }\n  - { kind: route, neighbours: 5 }\n",
      )
    const cases: Array<[string, (text: string) => string, RegExp]> = [
      // The builtin SMS data leaves 580 training items beside the test split.
      [
        "holdout",
        (t) => t.replace("holdout: 10", "holdout: 100000"),
        /line 9, holdout: holdout 100000 is more than the pool: task sms-spam \(tasks\[0\]\) has \d+ training items; hold out fewer/,
      ],
      [
        "shots",
        (t) => t.replace("shots: 4", "shots: 900"),
        /line 8, proposers\[1\]\.shots: proposer "b" asks for 900 examples, but task sms-spam \(tasks\[0\]\) has \d+ training items and holdout keeps 10 out of prompts: at most \d+; lower shots or holdout/,
      ],
      [
        "percent",
        (t) => t.replace("{ kind: vote }", "{ kind: cascade, thresholds: [50, 90] }"),
        /line 11, aggregators\[0\]\.thresholds\[0\]: expected a threshold between 0 and 1 \(confidences are probabilities: 0\.9, not 90\), got 50/,
      ],
      [
        "neighbours",
        (t) => t.replace("neighbours: 5", "neighbours: 50"),
        /line 12, aggregators\[1\]\.neighbours: route's 50 neighbours are held-out items, but holdout is 10: lower neighbours or raise holdout/,
      ],
      [
        "no-kind",
        (t) => t.replace("kind: ensemble\n", ""),
        /ens-no-kind\.yaml: 3 problems\n {2}line 5, proposers: proposers is a field of kind ensemble, not social-learning: this file has no kind: line, so it is read as social-learning; add kind: ensemble/,
      ],
    ]
    expect(
      lyceum(
        "validate",
        write(
          "ens-ok.yaml",
          ensemble((t) => t),
        ),
      ).code,
    ).toBe(0)
    for (const [name, edit, expected] of cases) {
      const scenario = write(`ens-${name}.yaml`, ensemble(edit))
      const validate = lyceum("validate", scenario)
      expect(validate.code, name).toBe(1)
      expect(validate.stderr.replace(dir + "/", "")).toMatch(expected)
      const db = join(dir, `ens-${name}.db`)
      const run = lyceum("run", scenario, "--db", db)
      expect(run.code, name).toBe(1)
      expect(run.stderr.replace(dir + "/", "")).toMatch(expected)
      expect(existsSync(db), name).toBe(false)
    }
  })

  it("refuses a method that scores on a model that cannot, before spending anything", () => {
    const scenario = write(
      "no-score.yaml",
      tiny({ teachers: "{ count: 2, model: chat }" }).replace(
        "  sim: { provider: sim }\n",
        "  sim: { provider: sim }\n  chat: { provider: openai, baseURL: 'http://127.0.0.1:1/v1', model: m, score: none }\n",
      ),
    )
    const db = join(dir, "no-score.db")
    const result = lyceum("run", scenario, "--db", db)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /line 9, methods\[0\]\.strategy: synthetic-examples ranks each teacher's samples by perplexity, but the teachers cannot rank: their model \"chat\" has score: none/,
    )
    expect(existsSync(db)).toBe(false)
  })
})
