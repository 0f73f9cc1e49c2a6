import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import { connect } from "nats"
import { describe, expect, it } from "vitest"
import { processesOnNats } from "./support/WorkerProcesses.js"

/**
 * Text a privacy filter withheld (a dropped lesson, a redacted span: here an adversarial teacher's disguised
 * canary and honest samples that copy it) stays with the teacher that wrote it by default: it is in no column
 * or byte of the SQLite file, and in no message on the bus while workers host the teachers, even for a client
 * subscribed to every subject, whether workers host the teachers (`--workers`) or play whole cohorts and ship
 * the rows back (`--queue`). `privacy.keepDroppedText: true` keeps it, and then it does show in both (which
 * also proves the scans see what they look for). Every number is the same either way.
 */
const nats = processesOnNats("lyceum-dropped-text-e2e-", { jetstream: true })
const { dir, startWorker, run } = nats

const scenario = (keep: boolean) => `name: dropped-text
seed: 29
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks:
  - { kind: spam, testSize: 20 }
teachers: { count: 2, model: sim, dataSize: 12 }
students: { count: 1, model: sim }
methods:
  - &attack
    name: attack-dropped
    strategy: adversarial-examples
    adversaries: 1
    nGen: 8
    topK: 4
    smuggle: [spaced, base64, hex, reversed, zero-width, full-width, spelled-digits]
    privacy: { verbatim: drop, secrets: drop }
  - <<: *attack
    name: attack-redacted
    privacy: { verbatim: drop, secrets: redact }
canary: { template: spam-code, candidates: 20 }
${keep ? "privacy: { keepDroppedText: true }\n" : ""}`

const played = async (keep: boolean, db: string, ...extra: Array<string>) => {
  const file = join(dir, `dropped-text-${keep ? "kept" : "default"}.yaml`)
  writeFileSync(file, scenario(keep))
  const result = await run(file, db, ...extra)
  expect(result.stderr).toContain("completed")
  expect(result.status).toBe(0)
  return db
}

const query = (db: string, sql: string) => {
  const sqlite = new Database(db, { readonly: true })
  try {
    return sqlite.prepare(sql).all() as Array<Record<string, unknown>>
  } finally {
    sqlite.close()
  }
}

/** Every text value of every table, and the file's bytes (with its WAL, if any). */
const everything = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  const values: Array<string> = []
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as Array<{ name: string }>
  for (const { name } of tables)
    for (const row of sqlite.prepare(`SELECT * FROM "${name}"`).raw().all() as Array<Array<unknown>>)
      for (const value of row) if (typeof value === "string") values.push(value)
  sqlite.close()
  const files = [db, `${db}-wal`].filter((file) => existsSync(file))
  return { values, bytes: Buffer.concat(files.map((file) => readFileSync(file))) }
}

/** The measurements and decisions, without any text: must not depend on what is kept. */
const numbers = (db: string) => ({
  lessons: query(
    db,
    "SELECT id, filter_action, filter_detector, sent, chosen, distance, verbatim_copy, smuggle, smuggle_intact FROM lessons ORDER BY id",
  ),
  findings: query(
    db,
    'SELECT lesson_id, detector, action, start, "end" FROM filter_findings ORDER BY 1, 4, 2',
  ),
  curve: query(db, "SELECT repeat, round, method, student, value FROM learning_curve ORDER BY 1, 2, 3, 4"),
  leakage: query(
    db,
    "SELECT round, method, teacher, student, metric, value FROM leakage ORDER BY 1, 2, 3, 4, 5",
  ),
  smuggling: query(
    db,
    "SELECT repeat, round, method, teacher, student, transform, lessons, dropped, redacted, delivered, in_prompt FROM smuggling ORDER BY method, round, teacher, transform",
  ),
})

/** A text as it may appear in a payload: as is, or escaped inside a JSON string. */
const forms = (text: string) => [text, JSON.stringify(text).slice(1, -1)].map((t) => Buffer.from(t, "utf8"))

describe("text the privacy filter withheld", () => {
  /** From a run that keeps it: what the filters dropped or redacted, as the teachers wrote it. */
  let withheld: ReadonlyArray<string> = []
  const kept = join(dir, "kept.db")
  const alone = join(dir, "default.db")

  it("is in no column and no byte of the database by default; with keepDroppedText it is kept", async () => {
    await Promise.all([played(true, kept), played(false, alone)])
    const keptRows = query(kept, "SELECT filter_action, text, smuggle FROM lessons")
    const legit = keptRows.filter((r) => r.filter_action === "allow" || r.filter_action === "flag")
    // A withheld text that also left as part of a lesson (a short malformed sample) proves nothing either way.
    withheld = keptRows
      .filter((r) => r.filter_action === "drop" || r.filter_action === "redact")
      .map((r) => r.text as string)
      .filter((t) => t.length >= 20 && !legit.some((r) => (r.text as string).includes(t)))
    const attempts = keptRows.filter((r) => r.smuggle !== null)
    expect(attempts.filter((r) => r.filter_action === "drop").length).toBeGreaterThan(3)
    expect(attempts.filter((r) => r.filter_action === "redact").length).toBeGreaterThan(3)
    expect(withheld.length).toBeGreaterThan(10)

    const plain = everything(alone)
    const found = withheld.filter(
      (t) => plain.values.some((v) => v.includes(t)) || forms(t).some((f) => plain.bytes.includes(f)),
    )
    expect(found).toEqual([])
    // The dropped lessons are still there, as decisions with their findings, text empty.
    expect(query(alone, "SELECT DISTINCT text FROM lessons WHERE filter_action = 'drop'")).toEqual([
      { text: "" },
    ])
    const keptAll = everything(kept)
    for (const t of withheld) expect(keptAll.values.some((v) => v.includes(t))).toBe(true)
    expect(numbers(alone)).toEqual(numbers(kept))
  }, 300_000)

  /** Two workers, started once for the tests below; they serve both ways of spreading a run. */
  let workers: Promise<unknown> | undefined
  /**
   * Plays the scenario over NATS (`mode`: agents placed on the workers, or cohorts queued) while a hostile
   * client on the same server, subscribed to every subject (no permissions on this server), records every
   * payload; returns the database and which withheld texts the client saw.
   */
  const overheard = async (keep: boolean, mode: ReadonlyArray<string>, marker: string) => {
    workers ??= Promise.all([startWorker("w1"), startWorker("w2")])
    await workers
    const client = await connect({ servers: nats.url })
    const payloads: Array<Uint8Array> = []
    const all = client.subscribe(">", { callback: (_error, message) => void payloads.push(message.data) })
    await client.flush()
    const db = await played(
      keep,
      join(dir, `${mode[0]!.slice(2)}-${keep ? "kept" : "default"}.db`),
      "--nats",
      nats.url,
      ...mode,
    )
    await client.flush()
    all.unsubscribe()
    await client.close()
    const bus = Buffer.concat(payloads)
    // The client did hear the traffic that would carry the text: audit records, or a step's rows.
    expect(bus.includes(Buffer.from(marker))).toBe(true)
    return { db, seen: withheld.filter((t) => forms(t).some((f) => bus.includes(f))) }
  }

  it.for([
    { how: "while workers host the teachers", mode: ["--workers", "w1,w2"], marker: "RecordAudit" },
    {
      how: "while workers play whole cohorts and ship their rows",
      mode: ["--queue"],
      marker: "filterAction",
    },
  ])(
    "crosses no NATS message $how, unless the scenario keeps it",
    { timeout: 600_000 },
    async ({ mode, marker }) => {
      expect(withheld.length).toBeGreaterThan(10)
      const quiet = await overheard(false, mode, marker)
      expect(quiet.seen).toEqual([])
      // The same rule in one process and across processes: the distributed run stores what the single one did.
      expect(query(quiet.db, "SELECT id, text FROM lessons ORDER BY id")).toEqual(
        query(alone, "SELECT id, text FROM lessons ORDER BY id"),
      )
      expect(numbers(quiet.db)).toEqual(numbers(alone))
      const loud = await overheard(true, mode, marker)
      expect(loud.seen.length).toBe(withheld.length)
    },
  )
})
