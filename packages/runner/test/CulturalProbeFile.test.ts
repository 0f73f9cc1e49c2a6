import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-probe-file-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fromDb = <A, E>(db: string, read: (store: Store["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(Store, read).pipe(Effect.provide(Store.layer({ filename: db }))))

const run = (text: string, db: string) =>
  runScenario({
    loaded: Either.getOrThrow(parseScenario(join(dir, "probes.yaml"), text)),
    versions: { lyceum: "test", node: process.version },
  }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))

const row = (country: string, gold: string, question: string) =>
  `${question.replace("COUNTRY", country)}\tWhich one in ${country}?\t${gold}\tleft, right, middle\tdriving side\n`

/**
 * A GeoMLaMA-format file whose rows are not in the us, china, india, iran, kenya order, with Kenya, a culture no
 * teacher holds facts of. Row n is probe `geomlama-en-<n>`.
 */
const rows: ReadonlyArray<readonly [string, string]> = [
  ["Kenya", "kenya"],
  ["the United States", "us"],
  ["Japan", "japan"],
  ["Japan", "japan"],
  ["Kenya", "kenya"],
  ["the United States", "us"],
]
const probeFile = [
  "Prompt\tCorresponding Questions\tAns\tCandidate Ans\tContext\n",
  ...rows.slice(0, 3).map(([c]) => row(c, "left", "In COUNTRY, people drive on the <mask> side.")),
  "\t\t\t\t\n",
  ...rows.slice(3).map(([c]) => row(c, "right", "In COUNTRY, the driver sits on the <mask> side.")),
].join("")

describe("a cultural task with a probes: file", () => {
  it("measures the file's probes, each under the culture its prompt names", async () => {
    writeFileSync(join(dir, "gd_prompt_en.tsv"), probeFile)
    const text = `
name: probe-file
seed: 5
rounds: [4]
models:
  sim: { provider: sim }
tasks:
  - kind: cultural
    cultures: [us, japan]
    probes: { path: gd_prompt_en.tsv, format: geomlama }
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: original-examples, teachers: all, privacy: { verbatim: flag } }]
`
    const db = join(dir, "probe-file.db")
    const result = await Effect.runPromise(run(text, db))
    const labels = await fromDb(db, (store) =>
      store.query("SELECT item_id, culture FROM item_labels WHERE run_id = ? ORDER BY item_id", [
        result.runId,
      ]),
    )
    expect(labels).toEqual(rows.map(([, culture], i) => ({ item_id: `geomlama-en-${i + 1}`, culture })))
    const accuracy = await fromDb(db, (store) =>
      store.query(
        `SELECT round, culture, SUM(n_items) AS n FROM probe_accuracy WHERE run_id = ?
           GROUP BY round, culture ORDER BY round, culture`,
        [result.runId],
      ),
    )
    // Every probe is measured before and after the round; Kenya, untaught, is measured too.
    expect(accuracy).toEqual(
      [0, 1].flatMap((round) => ["japan", "kenya", "us"].map((culture) => ({ round, culture, n: 2 }))),
    )
  })

  it("fails the run with the file and line of a probe whose country cannot be told", async () => {
    writeFileSync(
      join(dir, "nameless.tsv"),
      `${probeFile}\t\t\t\t\nPeople drive on the <mask> side.\tWhich side?\tleft\tleft, right\tdriving\n`,
    )
    const text = `
name: nameless
seed: 5
rounds: [2]
models:
  sim: { provider: sim }
tasks: [{ kind: cultural, cultures: [us], probes: { path: nameless.tsv, format: geomlama } }]
teachers: { count: 1, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: zero-shot }]
`
    const error = await Effect.runPromise(Effect.flip(run(text, join(dir, "nameless.db"))))
    expect(JSON.stringify(error)).toContain(`${join(dir, "nameless.tsv")}:10`)
  })
})
