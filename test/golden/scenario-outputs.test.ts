import { execFile } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"

/**
 * Every shipped scenario's results, pinned: what a run stores (learning curve, leakage, per-culture probe accuracy,
 * smuggling attempts and the lessons' filter decisions) for the scenario's own seed, with fewer repeats where a file
 * is long. A refactor must leave these files unchanged; a change meant to move results updates them
 * (`vitest run golden -u`) and says why in its commit.
 */
const root = fileURLToPath(new URL("../..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const dir = mkdtempSync(join(tmpdir(), "lyceum-golden-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Repeats played per file: enough for two canary draws where there is a canary, one where a repeat is long. */
const repeats: Record<string, number> = {
  "adversarial-teacher": 2,
  "cultural-exchange": 2,
  "paper-table1": 1,
  "paper-table2": 1,
  "paper-table3": 2,
  "privacy-canary": 2,
  quickstart: 1,
}

const queries = {
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
    const { id } = sqlite.prepare("SELECT id FROM runs").get() as { id: string }
    // One line per row, so a change reads as a line diff.
    const tables = Object.entries(queries).map(([table, sql]) => {
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
