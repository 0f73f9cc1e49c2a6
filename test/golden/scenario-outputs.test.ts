import { execFile } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"

/**
 * Every shipped scenario's results, pinned: what a run stores (social learning: learning curve, leakage,
 * per-culture probe accuracy, smuggling attempts and the lessons' filter decisions; ensembles: the coalition
 * against its proposers, the cascade's deferral per stage, the accuracy-cost points) for the scenario's own seed,
 * with fewer repeats where a file is long. A refactor must leave these files unchanged; a change meant to move results updates them
 * (`vitest run golden -u`) and says why in its commit.
 */
const root = fileURLToPath(new URL("../..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-golden-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Repeats played per file: enough for two canary draws where there is a canary, one where a repeat is long. */
const repeats: Record<string, number> = {
  "adversarial-teacher": 2,
  cascade: 2,
  "cultural-exchange": 2,
  "ensemble-vote": 2,
  "paper-table1": 1,
  "paper-table2": 1,
  "paper-table3": 2,
  "population-diffusion": 1,
  "privacy-canary": 2,
  quickstart: 1,
  "sweep-quickstart": 1,
}

const socialLearning = {
  learning_curve:
    "SELECT repeat, round, student, task, method, metric, value, n_items, n, prompt_lessons FROM learning_curve WHERE run_id = ? ORDER BY task, method, repeat, round, student, metric",
  leakage:
    "SELECT repeat, round, teacher, student, task, method, metric, value FROM leakage WHERE run_id = ? ORDER BY task, method, repeat, round, student, teacher, metric",
  probe_accuracy:
    "SELECT repeat, round, student, task, method, culture, topic, accuracy, n_items FROM probe_accuracy WHERE run_id = ? ORDER BY task, method, repeat, round, student, culture, topic",
  smuggling:
    "SELECT repeat, round, task, method, teacher, student, transform, lessons, dropped, redacted, delivered, in_prompt FROM smuggling WHERE run_id = ? ORDER BY task, method, repeat, round, teacher, student, transform",
  lessons:
    "SELECT repeat, round, task, method, teacher, student, filter_action, sent, chosen, COUNT(*) AS lessons FROM lessons WHERE run_id = ? GROUP BY repeat, round, task, method, teacher, student, filter_action, sent, chosen ORDER BY task, method, repeat, round, teacher, student, filter_action, sent, chosen",
}

const ensemble = {
  ensemble_summary:
    "SELECT repeat, task, method, items, accuracy, oracle, best_single, best_agent, mean_proposer, calls_per_item, tokens_per_item, cost_per_item, flip_rate FROM ensemble_summary WHERE run_id = ? ORDER BY task, method, repeat",
  cascade_deferral:
    "SELECT repeat, task, method, stage, reached, deferred, deferral_rate FROM cascade_deferral WHERE run_id = ? ORDER BY task, method, repeat, stage",
  ensemble_frontier:
    "SELECT task, method, repeats, accuracy, accuracy_sem, cost_per_item, tokens_per_item FROM ensemble_frontier WHERE run_id = ? ORDER BY task, method",
}

const population = {
  population_rounds:
    "SELECT repeat, task, method, round, hop, agents, learners, lessons_sent, lessons_dropped, lessons_redacted, memory_mean, seed_facts_mean, knowers, canary_holders, evaluated, accuracy, canary_rank FROM population_rounds WHERE run_id = ? ORDER BY task, method, repeat, round, hop",
  population_agents:
    "SELECT repeat, task, method, round, agent, hop, memory, seed_facts, knower, canary_held, accuracy, canary_rank FROM population_agents WHERE run_id = ? ORDER BY task, method, repeat, round, agent",
  lessons:
    "SELECT repeat, round, task, method, filter_action, sent, COUNT(*) AS lessons FROM lessons WHERE run_id = ? GROUP BY repeat, round, task, method, filter_action, sent ORDER BY task, method, repeat, round, filter_action, sent",
}

/** The tables pinned for a run of each kind. */
const queries: Record<string, Record<string, string>> = {
  "social-learning": socialLearning,
  ensemble,
  population,
}

const shipped = readdirSync(join(root, "scenarios"))
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => name.slice(0, -".yaml".length))

describe("shipped scenarios' results, pinned", () => {
  it("covers every shipped scenario", () => {
    expect(Object.keys(repeats).sort()).toEqual([...shipped].sort())
  })

  it.concurrent.for(shipped)("%s", async (name, { expect }) => {
    const text = readFileSync(join(root, "scenarios", `${name}.yaml`), "utf8")
    const reduced = text.replace(/^repeats: \d+$/m, `repeats: ${repeats[name]}`)
    expect(reduced).toMatch(new RegExp(`^repeats: ${repeats[name]}$`, "m"))
    // A copy elsewhere plays the same: the shipped files use built-in data only.
    const scenario = join(dir, `${name}.yaml`)
    writeFileSync(scenario, reduced)
    const db = join(dir, `${name}.db`)
    const run = await promisify(execFile)(process.execPath, [cli, "run", scenario, "--db", db], {
      maxBuffer: 64 * 1024 * 1024,
    })
    expect(run.stderr).toMatch(/ completed in /)
    const sqlite = new Database(db, { readonly: true })
    const { id, kind } = sqlite.prepare("SELECT id, kind FROM runs").get() as { id: string; kind: string }
    // A swept run's points too (a run without a sweep has none: its pin has no such table).
    const swept = (
      sqlite.prepare("SELECT COUNT(*) AS n FROM sweep_points WHERE run_id = ?").get(id) as {
        n: number
      }
    ).n
    const pinned = {
      ...queries[kind]!,
      ...(swept > 0 && {
        sweep_points: "SELECT point, label, values_json FROM sweep_points WHERE run_id = ? ORDER BY point",
      }),
    }
    // One line per row, so a change reads as a line diff.
    const tables = Object.entries(pinned).map(([table, sql]) => {
      const statement = sqlite.prepare(sql)
      const columns = statement.columns().map((column) => column.name)
      const rows = statement.raw().all(id) as Array<Array<unknown>>
      const body = rows.map((row) => `  ${JSON.stringify(row)}`).join(",\n")
      return `"${table}": {\n "columns": ${JSON.stringify(columns)},\n "rows": [\n${body}\n ]}`
    })
    sqlite.close()
    await expect(`{\n${tables.join(",\n")}\n}\n`).toMatchFileSnapshot(`./outputs/${name}.json`)
  })
})
