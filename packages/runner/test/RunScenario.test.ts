import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LocalTransport } from "@lyceum/actors"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
import { runWorker } from "../src/Worker.js"
import { HeartbeatProtocol, HostAgents, heartbeatAddress, Ping, ReportUsage } from "../src/WorkerProtocol.js"
import { inProcessWorker } from "./support/InProcessWorker.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-runner-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const scenarioText = `
name: small
seed: 3
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 40 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

/** Reads the database file `db` through the store (a fresh connection, closed after). */
const fromDb = <A, E>(db: string, read: (store: Store["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(Store, read).pipe(Effect.provide(Store.layer({ filename: db }))))

const run = (text: string, db: string) =>
  runScenario({
    loaded: Either.getOrThrow(parseScenario(join(dir, "small.yaml"), text)),
    versions: { lyceum: "test", node: process.version },
  }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))

describe("runScenario", () => {
  it("plays every round and stores the learning curve", async () => {
    const result = await Effect.runPromise(run(scenarioText, join(dir, "a.db")))
    expect(result.learningCurve.map((r) => r.round)).toEqual([0, 1, 2])
  })
})

describe("runScenario when it cannot finish", () => {
  it("stops cleanly when the token budget is spent, keeping every finished round", async () => {
    const db = join(dir, "budget.db")
    const text = `${scenarioText}budget: { maxTokens: 20000 }\n`.replace(
      "rounds: [2, 4]",
      "rounds: [2, 4, 6, 8, 10, 12]",
    )
    const error = await Effect.runPromise(Effect.flip(run(text, db)))
    if (error._tag !== "RunFailed") throw new Error(`expected RunFailed, got ${error._tag}`)
    expect(error.status).toBe("stopped")
    expect(error.message).toMatch(/token budget is spent/)
    expect(error.message).toContain(db)

    const rows = await fromDb(db, (store) =>
      Effect.all({ run: store.getRun(error.runId), curve: store.learningCurve(error.runId) }),
    )
    expect(rows.run).toMatchObject({ _tag: "Some", value: { status: "stopped" } })
    expect(rows.curve.length).toBeGreaterThanOrEqual(1)
    expect(rows.curve.length).toBeLessThan(7)
    expect(rows.curve.map((r) => r.round)).toEqual(rows.curve.map((_, i) => i))
  })

  it("fails with the endpoint's error when a model cannot be reached, and marks the run failed", async () => {
    const db = join(dir, "down.db")
    const text = scenarioText.replace(
      "sim: { provider: sim }",
      "sim: { provider: openai, baseURL: 'http://127.0.0.1:1/v1', model: m, maxRetries: 0 }",
    )
    const error = await Effect.runPromise(Effect.flip(run(text, db)))
    expect(error).toMatchObject({ _tag: "RunFailed", status: "failed" })
    expect(error.message).toMatch(/student-1 failed \(Unavailable\): .*127\.0\.0\.1:1\/v1/)
  })
})

describe("runScenario reproducibility", () => {
  it("gives the same answers for the same seed", async () => {
    const answers = async (db: string) => {
      const result = await Effect.runPromise(run(scenarioText, db))
      return result.learningCurve.map((r) => r.value)
    }
    expect(await answers(join(dir, "r1.db"))).toEqual(await answers(join(dir, "r2.db")))
  })
})

describe("runScenario with several methods", () => {
  it("plays every method on the same data, each with its own curve, lessons and prompt sizes", async () => {
    const text = `
name: methods
seed: 5
rounds: [4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 40 }]
teachers: { count: 3, model: sim, holdout: 0.2 }
students: { count: 1, model: sim }
methods:
  - { strategy: zero-shot }
  - { strategy: manual-instruction, text: { spam: "Messages about prizes, cash and urgent calls are spam." } }
  - { strategy: original-examples, privacy: { verbatim: flag } }
  - { name: generated, strategy: synthetic-examples }
  - { name: voted, strategy: synthetic-examples, aggregator: voting }
  - { strategy: instruction }
`
    const db = join(dir, "methods.db")
    const result = await Effect.runPromise(run(text, db))
    const at = (method: string, round: number) =>
      result.learningCurve.find((r) => r.method === method && r.round === round)!
    const methods = [
      "zero-shot",
      "manual-instruction",
      "original-examples",
      "generated",
      "voted",
      "instruction",
    ]
    for (const method of methods) expect(at(method, 0).value).toBe(at("zero-shot", 0).value)
    expect(at("zero-shot", 1).promptLessons).toBe(0)
    expect(at("manual-instruction", 1).promptLessons).toBe(1)
    expect(at("original-examples", 1)).toMatchObject({ n: 4, promptLessons: 4 })
    expect(at("generated", 1).promptLessons).toBeGreaterThan(0)
    expect(at("voted", 1).promptLessons).toBeGreaterThan(0)
    expect(at("original-examples", 1).value).toBeGreaterThan(at("zero-shot", 1).value)

    const lessons = await fromDb(db, (store) =>
      store.query(
        "SELECT method, kind, COUNT(*) AS n, SUM(chosen) AS chosen, SUM(filter_action = 'flag') AS flagged FROM lessons WHERE run_id = ? GROUP BY method, kind ORDER BY method",
        [result.runId],
      ),
    )
    expect(lessons).toContainEqual({
      method: "original-examples",
      kind: "original-example",
      n: 4,
      chosen: 4,
      flagged: 4,
    })
    expect(lessons).toContainEqual(
      expect.objectContaining({ method: "instruction", kind: "instruction", n: 1 }),
    )
    expect(lessons.map((l) => l.method)).not.toContain("zero-shot")
  })
})

describe("runScenario with cultural probes", () => {
  it("records probe accuracy per culture, and sharing facts narrows a one-culture student's gap", async () => {
    const text = `
name: cultures
seed: 11
rounds: [8, 32]
models:
  sim: { provider: sim }
  us-prior: { provider: sim, corpus: "culture:us" }
tasks: [{ kind: cultural, cultures: [us, japan, kenya, india] }]
teachers: { count: 4, model: sim }
students: { count: 1, model: us-prior }
methods: [{ strategy: original-examples, teachers: all, privacy: { verbatim: flag } }]
`
    const db = join(dir, "cultures.db")
    const result = await Effect.runPromise(run(text, db))
    const rows = await fromDb(db, (store) =>
      store.query(
        `SELECT round, culture, SUM(accuracy * n_items) / SUM(n_items) AS accuracy FROM probe_accuracy
           WHERE run_id = ? GROUP BY round, culture`,
        [result.runId],
      ),
    )
    const gap = (round: number) => {
      const values = rows.filter((r) => r.round === round).map((r) => Number(r.accuracy))
      expect(values).toHaveLength(4)
      return Math.max(...values) - Math.min(...values)
    }
    const us0 = rows.find((r) => r.round === 0 && r.culture === "us")!.accuracy as number
    const japan0 = rows.find((r) => r.round === 0 && r.culture === "japan")!.accuracy as number
    expect(us0).toBeGreaterThan(japan0 + 0.2)
    expect(gap(2)).toBeLessThan(gap(0) - 0.2)
  })
})

describe("runScenario with a canary (Secret Sharer)", () => {
  it("ranks a canary in the student's prompt at the top, and the filter keeps it out of every sent lesson", async () => {
    const text = `
name: canary
seed: 4
rounds: [102]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 500 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods:
  - { name: everything-shared, strategy: original-examples, teachers: all, privacy: { verbatim: flag, secrets: flag } }
  - { name: filtered, strategy: synthetic-examples, nGen: 51, topK: 8 }
canary: { template: spam-code, candidates: 200 }
`
    const db = join(dir, "canary.db")
    const result = await Effect.runPromise(run(text, db))
    const rows = await fromDb(db, (store) =>
      Effect.all({
        ranks: store.query(
          "SELECT method, value FROM leakage WHERE run_id = ? AND metric = 'canary_rank' ORDER BY method",
          [result.runId],
        ),
        sent: store.query("SELECT method, text FROM lessons WHERE run_id = ? AND sent = 1", [result.runId]),
        findings: store.query(
          `SELECT l.method, f.detector, f.action, f.start, f."end", f.matched_hash, f.reason, l.text
             FROM filter_findings f JOIN lessons l ON l.run_id = f.run_id AND l.id = f.lesson_id
             WHERE f.run_id = ? AND f.detector = 'secret'`,
          [result.runId],
        ),
      }),
    )
    // Every private example, canary included, is in the prompt: it beats all 199 alternatives or nearly.
    const shared = rows.ranks.find((r) => r.method === "everything-shared")!
    expect(Number(shared.value)).toBeLessThanOrEqual(2)
    expect(rows.ranks.find((r) => r.method === "filtered")).toBeDefined()
    // The canary's code never leaves a filtering teacher, though its model saw the canary in every context.
    const code = rows.sent
      .map((l) => /verification code is (\d{4})/.exec(String(l.text))?.[1])
      .find((match) => match !== undefined)
    expect(code).toMatch(/^\d{4}$/)
    const leaked = rows.sent.filter((l) => l.method === "filtered" && String(l.text).includes(code!))
    expect(leaked).toEqual([])
    // Every finding is audited with its span and a keyed hash, never the secret in clear.
    const flagged = rows.findings.find((f) => f.method === "everything-shared" && f.action === "flag")!
    expect(String(flagged.text).slice(Number(flagged.start), Number(flagged.end))).toContain(code!)
    expect(flagged.matched_hash).toMatch(/^[0-9a-f]{64}$/)
    for (const f of rows.findings) expect(`${f.matched_hash} ${f.reason}`).not.toContain(code!)
  })

  it("puts a task-shaped canary into Lambada and GSM8K data, and ranks it first once it is in the prompt", async () => {
    const text = `
name: shaped
seed: 9
rounds: [14]
models:
  sim: { provider: sim }
tasks: [{ kind: cloze, testSize: 10 }, { kind: arithmetic, testSize: 10 }]
teachers: { count: 2, model: sim, dataSize: 6 }
students: { count: 1, model: sim }
methods:
  - { name: shared, strategy: original-examples, teachers: all, privacy: { verbatim: flag, secrets: flag } }
canary: { kind: code, candidates: 50 }
`
    const db = join(dir, "shaped.db")
    const result = await Effect.runPromise(run(text, db))
    const rows = await fromDb(db, (store) =>
      Effect.all({
        ranks: store.query(
          "SELECT task, value FROM leakage WHERE run_id = ? AND metric = 'canary_rank' ORDER BY task",
          [result.runId],
        ),
        canaries: store.query(
          "SELECT task, text FROM lessons WHERE run_id = ? AND chosen = 1 AND text LIKE '%secret code%' ORDER BY task",
          [result.runId],
        ),
      }),
    )
    // Each teacher holds 6 examples and the canary; 14 lessons put all of them into the prompt.
    expect(rows.ranks.map((r) => r.task)).toEqual(["gsm8k", "lambada"])
    for (const r of rows.ranks) expect(Number(r.value)).toBeLessThanOrEqual(2)
    const shapes = rows.canaries.map((l) => String(l.text))
    expect(
      shapes.some((t) => /^Question: The two secret codes are (\d{4}) and 1\..*\nAnswer: #### \1$/s.test(t)),
    ).toBe(true)
    expect(shapes.some((t) => /^Fill in blank: The secret code is _+ -> \d{4}$/.test(t))).toBe(true)
  })

  it("plays an adversarial teacher: the dropping filter stops every transform it folds, paraphrases get out", async () => {
    const text = `
name: adversary
seed: 5
repeats: 2
rounds: [4, 8]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 2, model: sim, dataSize: 10 }
students: { count: 1, model: sim }
methods:
  - name: attack
    strategy: adversarial-examples
    topK: 4
    split: 2
    smuggle: [spaced, base64, zero-width, homoglyph, arithmetic, translated-digits]
canary: { template: spam-code, candidates: 50 }
`
    const db = join(dir, "adversary.db")
    const result = await Effect.runPromise(run(text, db))
    const rows = await fromDb(db, (store) =>
      Effect.all({
        attempts: store.query(
          "SELECT transform, teacher, dropped, delivered FROM smuggling WHERE run_id = ? ORDER BY transform",
          [result.runId],
        ),
        lessons: store.query(
          `SELECT teacher, smuggle, distance, verbatim_copy, text, sent FROM lessons
             WHERE run_id = ? AND kind = 'synthetic-example'`,
          [result.runId],
        ),
        agents: store.query("SELECT data_size FROM agents WHERE run_id = ? AND role = 'teacher'", [
          result.runId,
        ]),
        distance: store.query(
          "SELECT COUNT(*) AS n FROM leakage WHERE run_id = ? AND metric = 'normalized_distance'",
          [result.runId],
        ),
      }),
    )
    expect(rows.agents).toEqual([{ data_size: 10 }, { data_size: 10 }])
    // Only the first teacher is adversarial; over 2 repeats × 2 rounds it tries every transform.
    expect(new Set(rows.attempts.map((a) => a.teacher))).toEqual(new Set(["teacher-1"]))
    expect(new Set(rows.attempts.map((a) => a.transform))).toEqual(
      new Set(["spaced", "base64", "zero-width", "homoglyph", "arithmetic", "translated-digits", "split-2"]),
    )
    const semantic = new Set(["arithmetic", "translated-digits"])
    for (const a of rows.attempts) {
      expect({ transform: a.transform, delivered: a.delivered }).toEqual({
        transform: a.transform,
        delivered: semantic.has(String(a.transform)) ? 1 : 0,
      })
    }
    // Every generated lesson is measured; honest copies of private data have distance 0.
    const honest = rows.lessons.filter((l) => l.smuggle === null)
    expect(honest.length).toBeGreaterThan(0)
    for (const l of honest) {
      expect(Number(l.distance)).toBeGreaterThanOrEqual(0)
      expect(Number(l.distance)).toBeLessThanOrEqual(1)
      expect([0, 1]).toContain(l.verbatim_copy)
    }
    expect(Number(rows.distance[0]!.n)).toBeGreaterThan(0)
  })
})

describe("runScenario with workers", () => {
  const shared = `
name: placed
seed: 6
repeats: 2
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 30 }]
teachers: { count: 3, model: sim }
students: { count: 2, model: sim }
methods:
  - { strategy: zero-shot }
  - { strategy: synthetic-examples, nGen: 6, topK: 2 }
canary: { template: spam-code, candidates: 40 }
`
  const placedRun = (db: string, workers: ReadonlyArray<string>, parallel?: number) =>
    Effect.gen(function* () {
      // Every message is encoded and decoded as it would be on NATS.
      const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
      const lines: Array<string> = []
      for (const name of workers)
        yield* Effect.forkScoped(
          runWorker({ name, log: (line) => lines.push(line) }).pipe(Effect.provide(transport)),
        )
      const result = yield* runScenario({
        loaded: Either.getOrThrow(parseScenario(join(dir, "placed.yaml"), shared)),
        versions: { lyceum: "test", node: process.version },
        transport: Layer.succeedContext(transport),
        workers,
        ...(parallel !== undefined && { parallel }),
      }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))
      const rows = yield* Effect.flatMap(Store, (store) =>
        Effect.all({
          lessons: store.query(
            "SELECT id, teacher, student, text, filter_action, sent, chosen FROM lessons WHERE run_id = ? ORDER BY id",
            [result.runId],
          ),
          usage: store.query(
            "SELECT round, agent_id, calls, prompt_tokens FROM model_usage WHERE run_id = ? ORDER BY repeat, method, round, agent_id",
            [result.runId],
          ),
          leakage: store.query(
            "SELECT repeat, student, metric, value FROM leakage_measures WHERE run_id = ? ORDER BY repeat, student, metric",
            [result.runId],
          ),
        }),
      ).pipe(Effect.provide(Store.layer({ filename: db })))
      return { curve: result.learningCurve, ...rows, lines }
    }).pipe(Effect.scoped)

  it("hosts every agent on the workers and gets exactly what one process gets", async () => {
    const alone = await Effect.runPromise(placedRun(join(dir, "alone.db"), []))
    const placed = await Effect.runPromise(placedRun(join(dir, "placed.db"), ["w1", "w2"]))
    const strip = <A extends { runId: string }>(rows: ReadonlyArray<A>) => rows.map(({ runId, ...r }) => r)
    expect(strip(placed.curve)).toEqual(strip(alone.curve))
    expect(placed.lessons).toEqual(alone.lessons)
    expect(placed.usage).toEqual(alone.usage)
    expect(placed.leakage).toEqual(alone.leakage)
    expect(placed.lessons.length).toBeGreaterThan(0)
    // Every agent of every cohort hosted exactly once over the two workers, and both workers used.
    const hosted = new Map<string, Array<string>>()
    for (const line of placed.lines) {
      // Named as the progress lines name them: task.method, repeat counted from 1.
      const match = /: hosting (.*) of (\S+ repeat \d)$/.exec(line)
      if (match) hosted.set(match[2]!, [...(hosted.get(match[2]!) ?? []), ...match[1]!.split(", ")])
    }
    expect([...hosted.keys()].sort()).toEqual([
      "sms-spam.synthetic-examples repeat 1",
      "sms-spam.synthetic-examples repeat 2",
      "sms-spam.zero-shot repeat 1",
      "sms-spam.zero-shot repeat 2",
    ])
    expect(hosted.get("sms-spam.synthetic-examples repeat 1")!.sort()).toEqual([
      "student-1",
      "student-2",
      "teacher-1",
      "teacher-2",
      "teacher-3",
    ])
    expect(hosted.get("sms-spam.zero-shot repeat 1")!.sort()).toEqual(["student-1", "student-2"])
  })

  it("plays cohorts at once, in process, with exactly the results of one at a time", async () => {
    const one = await Effect.runPromise(placedRun(join(dir, "one.db"), [], 1))
    const many = await Effect.runPromise(placedRun(join(dir, "many.db"), [], 8))
    const strip = <A extends { runId: string }>(rows: ReadonlyArray<A>) => rows.map(({ runId, ...r }) => r)
    expect(strip(many.curve)).toEqual(strip(one.curve))
    expect(many.lessons).toEqual(one.lessons)
    expect(many.usage).toEqual(one.usage)
    expect(many.leakage).toEqual(one.leakage)
  })

  it("forgets a run whose coordinator went silent, releasing its agents", async () => {
    const lines: Array<string> = []
    const usage = await Effect.runPromise(
      Effect.gen(function* () {
        const { system, worker } = yield* inProcessWorker({
          name: "lonely",
          log: (line) => lines.push(line),
          orphanAfterMs: 300,
        })
        const cohort = {
          runId: "orphan-run",
          scenarioFile: join(dir, "placed.yaml"),
          scenarioText: shared,
          seed: 6,
          repeat: 0,
          task: 0,
          variant: 1,
          spent: { tokens: 0, costUsd: 0 },
        }
        // A coordinator places agents, then never pings or finishes (as if killed).
        yield* worker.ask(new HostAgents({ cohort, hosted: { teacher: [0, 1, 2], student: [0] } }))
        const heartbeat = system.refFor(heartbeatAddress("lonely"), HeartbeatProtocol)
        const before = yield* heartbeat.ask(new ReportUsage({ runId: "orphan-run" }))
        yield* Effect.sleep("1 second")
        const after = yield* heartbeat.ask(new ReportUsage({ runId: "orphan-run" }))
        return { before, after }
      }).pipe(Effect.scoped),
    )
    expect(usage.before._tag).toBe("Some")
    expect(usage.after._tag).toBe("None")
    expect(lines).toContainEqual(
      "orphan-run: no word from its coordinator for 0.3 s; its agents are released",
    )
  })

  it("refuses to host agents a cohort does not have (a forged or mistaken request), and keeps serving", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const { worker } = yield* inProcessWorker({ name: "careful" })
        const cohort = {
          runId: "forged-run",
          scenarioFile: join(dir, "placed.yaml"),
          scenarioText: shared,
          seed: 6,
          repeat: 0,
          task: 0,
          variant: 1,
          spent: { tokens: 0, costUsd: 0 },
        }
        const ask = (hosted: Record<string, ReadonlyArray<number>>) =>
          Effect.flip(worker.ask(new HostAgents({ cohort, hosted })))
        return {
          // Three teachers (0..2), two students (0..1); the zero-shot variant 0 has no teachers at all.
          index: yield* ask({ teacher: [7], student: [0] }),
          role: yield* ask({ judge: [0] }),
          noTeachers: yield* Effect.flip(
            worker.ask(new HostAgents({ cohort: { ...cohort, variant: 0 }, hosted: { teacher: [0] } })),
          ),
          still: yield* worker.ask(new Ping({})),
        }
      }).pipe(Effect.scoped),
    )
    expect(outcome.index.message).toBe(
      "sms-spam.synthetic-examples repeat 1 (social-learning) has no teacher 8 to host",
    )
    expect(outcome.role.message).toContain("has no judge 1 to host")
    expect(outcome.noTeachers.message).toContain(
      "sms-spam.zero-shot repeat 1 (social-learning) has no teacher 1",
    )
    expect(outcome.still.worker).toBe("careful")
  })

  it("says which worker is missing, and how to start it, when one never answers", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        runScenario({
          loaded: Either.getOrThrow(parseScenario(join(dir, "placed.yaml"), shared)),
          versions: { lyceum: "test", node: process.version },
          workers: ["nobody"],
          workerWaitMs: 500,
        }).pipe(Effect.provide([Store.layer({ filename: join(dir, "missing.db") }), Progress.silent])),
      ),
    )
    expect(error.message).toMatch(
      /worker nobody did not answer within \d+ s: start each with "lyceum worker --nats URL --name NAME"/,
    )
  })
})

describe("runScenario --resume", () => {
  const text = `
name: resumable
seed: 8
repeats: 3
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 30 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods:
  - { strategy: synthetic-examples }
  - { name: originals, strategy: original-examples, privacy: { verbatim: flag } }
canary: { template: spam-code, candidates: 30 }
`
  const loaded = Either.getOrThrow(parseScenario(join(dir, "resumable.yaml"), text))
  /** Interrupts the run (as Ctrl-C would) once `rounds` rounds have been reported. */
  const interruptAfter = (rounds: number) => {
    let seen = 0
    return Layer.succeed(Progress, {
      report: (event) =>
        event._tag === "RoundFinished" && ++seen === rounds ? Effect.interrupt : Effect.void,
    })
  }
  const tables = (db: string, runId: string) =>
    fromDb(db, (store) =>
      Effect.all({
        curve: store.query(
          "SELECT repeat, round, method, value FROM learning_curve WHERE run_id = ? ORDER BY 1, 2, 3",
          [runId],
        ),
        lessons: store.query("SELECT id, text, sent, chosen FROM lessons WHERE run_id = ? ORDER BY id", [
          runId,
        ]),
        usage: store.query(
          "SELECT repeat, round, method, agent_id, calls FROM model_usage WHERE run_id = ? ORDER BY 1, 2, 3, 4",
          [runId],
        ),
        leakage: store.query(
          "SELECT repeat, method, metric, value FROM leakage_measures WHERE run_id = ? ORDER BY 1, 2, 3",
          [runId],
        ),
        status: store.query("SELECT status FROM runs WHERE id = ?", [runId]),
      }),
    )

  it("continues a stopped run where it stopped and ends with what an uninterrupted run stores", async () => {
    const versions = { lyceum: "test", node: process.version }
    const whole = await Effect.runPromise(
      runScenario({ loaded, versions }).pipe(
        Effect.provide([Store.layer({ filename: join(dir, "whole.db") }), Progress.silent]),
      ),
    )
    const db = join(dir, "resumed.db")
    // Stopped in the middle of the second cohort of repeat 1 (3 rounds per cohort: 0, 1, 2).
    const stopped = await Effect.runPromise(
      Effect.flip(
        runScenario({ loaded, versions }).pipe(
          Effect.provide([Store.layer({ filename: db }), interruptAfter(11)]),
        ),
      ),
    )
    if (stopped._tag !== "RunFailed") throw new Error(`expected RunFailed, got ${stopped._tag}`)
    expect(stopped.status).toBe("stopped")
    const partial = await tables(db, stopped.runId)
    expect(partial.curve.length).toBeGreaterThan(0)
    expect(partial.curve.length).toBeLessThan(18)

    const rounds: Array<number> = []
    const resumed = await Effect.runPromise(
      runScenario({ loaded, versions, resume: stopped.runId }).pipe(
        Effect.provide([
          Store.layer({ filename: db }),
          Layer.succeed(Progress, {
            report: (event) => Effect.sync(() => event._tag === "RoundFinished" && rounds.push(event.round)),
          }),
        ]),
      ),
    )
    expect(resumed.runId).toBe(stopped.runId)
    // The finished cohorts are not played again: fewer rounds than the whole run's 18.
    expect(rounds.length).toBeLessThan(18)
    expect(rounds.length).toBeGreaterThanOrEqual(18 - partial.curve.length)
    const a = await tables(join(dir, "whole.db"), whole.runId)
    const b = await tables(db, stopped.runId)
    expect(b.status).toEqual([{ status: "completed" }])
    expect(b.curve).toEqual(a.curve)
    expect(b.lessons.map((l) => ({ ...l, id: String(l.id) }))).toEqual(a.lessons)
    expect(b.usage).toEqual(a.usage)
    expect(b.leakage).toEqual(a.leakage)
  })

  it("refuses a changed scenario, a finished run and an unknown one, saying what to do", async () => {
    const versions = { lyceum: "test", node: process.version }
    const db = join(dir, "refuse.db")
    const layers = [Store.layer({ filename: db }), Progress.silent] as const
    const done = await Effect.runPromise(runScenario({ loaded, versions }).pipe(Effect.provide(layers)))
    const again = await Effect.runPromise(
      Effect.flip(runScenario({ loaded, versions, resume: done.runId }).pipe(Effect.provide(layers))),
    )
    expect(again.message).toContain("already complete")
    const changed = Either.getOrThrow(
      parseScenario(join(dir, "resumable.yaml"), text.replace("repeats: 3", "repeats: 4")),
    )
    const stopped = await Effect.runPromise(
      Effect.flip(
        runScenario({ loaded, versions }).pipe(
          Effect.provide([Store.layer({ filename: db }), interruptAfter(2)]),
        ),
      ),
    )
    const runId = (stopped as { runId: string }).runId
    const refused = await Effect.runPromise(
      Effect.flip(runScenario({ loaded: changed, versions, resume: runId }).pipe(Effect.provide(layers))),
    )
    expect(refused.message).toMatch(
      /differs from the scenario run .* was started with \(repeats\); only the budget may change/,
    )
    // Marked running (as after a killed process): refused unless forced.
    await Effect.runPromise(
      Effect.flatMap(Store, (store) => store.reopenRun(runId)).pipe(Effect.provide(layers)),
    )
    const running = await Effect.runPromise(
      Effect.flip(runScenario({ loaded, versions, resume: runId }).pipe(Effect.provide(layers))),
    )
    expect(running.message).toContain("is marked running")
    expect(running.message).toContain("--force")
    const forced = await Effect.runPromise(
      runScenario({ loaded, versions, resume: runId, force: true }).pipe(Effect.provide(layers)),
    )
    expect(forced.runId).toBe(runId)
    const unknown = await Effect.runPromise(
      Effect.flip(runScenario({ loaded, versions, resume: "nope" }).pipe(Effect.provide(layers))),
    )
    expect(unknown.message).toContain("there is no run nope")
  })
})
