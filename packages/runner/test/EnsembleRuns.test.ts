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

/**
 * An ensemble run placed on workers, or stopped and resumed, stores exactly the rows of one uninterrupted
 * process: the proposers' answers do not depend on where an agent lives or on which cohorts were played before.
 * The scenario uses every agent an ensemble spawns (proposers with private examples, a judge, a moa layer that
 * shows answers across proposers, a cascade verifier) and both held-out learners.
 */
const dir = mkdtempSync(join(tmpdir(), "lyceum-ensemble-runs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = `
name: ensemble-placed
kind: ensemble
seed: 4
repeats: 2
models:
  cheap: { provider: sim, prices: { promptPerMTok: 1, completionPerMTok: 2 } }
  dear: { provider: sim, seed: 9, prices: { promptPerMTok: 5, completionPerMTok: 10 } }
  referee: { provider: sim, seed: 2 }
tasks: [{ kind: spam, testSize: 10 }]
proposers:
  - { name: p1, model: cheap, shots: 2 }
  - { name: p2, model: dear, shots: 4 }
  - { name: p3, model: cheap, shots: 6 }
holdout: 12
aggregators:
  - { kind: vote }
  - { kind: weighted-vote }
  - { kind: judge, model: referee }
  - { kind: moa, layers: 2, model: referee }
  - { kind: cascade, name: check, confidence: judge, model: referee, thresholds: [0.6] }
  - { kind: cascade, confidence: agreement, samples: 3, thresholds: [0.5, 0.9] }
  - { kind: route, neighbours: 3 }
privacy: { verbatim: drop }
`
const loaded = Either.getOrThrow(parseScenario(join(dir, "ensemble-placed.yaml"), text))
const versions = { lyceum: "test", node: process.version }
/** 2 repeats × 8 variants, one step each. */
const COHORTS = 16

/** Every row the kind stores, in a fixed order, without the run id and the messages' wall-clock time. */
const rowsOf = (db: string, runId: string) =>
  Effect.runPromise(
    Effect.flatMap(Store, (store) =>
      Effect.all({
        evaluations: store.query(
          "SELECT repeat, task, method, round, student, n, prompt_lessons, item_id, answer, score FROM evaluations WHERE run_id = ? ORDER BY repeat, method, student, item_id",
          [runId],
        ),
        items: store.query("SELECT * FROM ensemble_items WHERE run_id = ? ORDER BY repeat, method, item_id", [
          runId,
        ]),
        stages: store.query(
          "SELECT * FROM ensemble_stages WHERE run_id = ? ORDER BY repeat, method, item_id, stage",
          [runId],
        ),
        messages: store.query(
          "SELECT id, repeat, task, method, round, sender, recipient, kind, text, filter_action, filter_detector, filter_reason, sent FROM messages WHERE run_id = ? ORDER BY id",
          [runId],
        ),
        usage: store.query(
          "SELECT repeat, task, method, round, agent_id, model, calls, prompt_tokens, completion_tokens, cost_usd FROM model_usage WHERE run_id = ? ORDER BY repeat, method, round, agent_id, model",
          [runId],
        ),
        steps: store.query(
          "SELECT repeat, task, method, step FROM cohort_steps WHERE run_id = ? ORDER BY repeat, method",
          [runId],
        ),
        status: store.query("SELECT status FROM runs WHERE id = ?", [runId]),
      }).pipe(Effect.map((all) => JSON.parse(JSON.stringify(all).replaceAll(runId, "<run>")))),
    ).pipe(Effect.provide(Store.layer({ filename: db }))),
  )

/** A run in one process: the reference. */
const alone = async (db: string) => {
  const result = await Effect.runPromise(
    runScenario({ loaded, versions }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent])),
  )
  return rowsOf(db, result.runId)
}

describe("an ensemble run", () => {
  const reference = alone(join(dir, "alone.db"))

  it("stores something of every kind (so the comparisons below compare rows)", async () => {
    const rows = await reference
    expect(rows.status).toEqual([{ status: "completed" }])
    expect(rows.steps).toHaveLength(COHORTS)
    expect(rows.items).toHaveLength(COHORTS * 10)
    expect(rows.evaluations).toHaveLength(COHORTS * 10 * 4)
    // moa layers and cascade stages; answers shown to the judge, the moa layers and aggregator, the verifier.
    expect(rows.stages.length).toBeGreaterThan(2 * 2 * 10)
    const recipients = new Set(rows.messages.map((m: { recipient: string }) => m.recipient))
    expect(recipients).toEqual(new Set(["judge-3", "aggregator-4", "verifier-5", "p1", "p2", "p3"]))
  })

  it("with its agents on two workers stores exactly what one process stores", async () => {
    const db = join(dir, "placed.db")
    const lines: Array<string> = []
    const runId = await Effect.runPromise(
      Effect.gen(function* () {
        // Every message is encoded and decoded as it would be on NATS.
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        for (const name of ["w1", "w2"])
          yield* Effect.forkScoped(
            runWorker({ name, log: (line) => lines.push(`${name}| ${line}`) }).pipe(
              Effect.provide(transport),
            ),
          )
        const result = yield* runScenario({
          loaded,
          versions,
          transport: Layer.succeedContext(transport),
          workers: ["w1", "w2"],
        }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))
        return result.runId
      }).pipe(Effect.scoped),
    )
    expect(await rowsOf(db, runId)).toEqual(await reference)
    // Every agent of every cohort was hosted on a worker, and both workers hosted some.
    const hosted = lines.filter((line) => / hosting .* of /.test(line))
    expect(new Set(hosted.map((line) => line.split("|")[0]))).toEqual(new Set(["w1", "w2"]))
    const agents = hosted.flatMap((line) => /: hosting (.*) of /.exec(line)![1]!.split(", "))
    // 3 proposers in each of the 16 cohorts, and the judge, moa aggregator and verifier in their 2 each.
    expect(agents).toHaveLength(COHORTS * 3 + 3 * 2)
    expect(agents.filter((a) => a === "judge-3")).toHaveLength(2)
  })

  it("stopped after some cohorts and resumed stores exactly what an uninterrupted run stores", async () => {
    const db = join(dir, "resumed.db")
    let finished = 0
    // Interrupted (as Ctrl-C would) when the fifth cohort step is reported.
    const stopAtFifth = Layer.succeed(Progress, {
      report: (event) =>
        event._tag === "RoundFinished" && ++finished === 5 ? Effect.interrupt : Effect.void,
    })
    const stopped = await Effect.runPromise(
      Effect.flip(
        runScenario({ loaded, versions }).pipe(Effect.provide([Store.layer({ filename: db }), stopAtFifth])),
      ),
    )
    if (stopped._tag !== "RunFailed") throw new Error(`expected RunFailed, got ${stopped._tag}`)
    const partial = await rowsOf(db, stopped.runId)
    expect(partial.status).toEqual([{ status: "stopped" }])
    expect(partial.steps.length).toBeGreaterThan(0)
    expect(partial.steps.length).toBeLessThan(COHORTS)

    let played = 0
    await Effect.runPromise(
      runScenario({ loaded, versions, resume: stopped.runId }).pipe(
        Effect.provide([
          Store.layer({ filename: db }),
          Layer.succeed(Progress, {
            report: (event) => Effect.sync(() => event._tag === "RoundFinished" && played++),
          }),
        ]),
      ),
    )
    // Only the cohorts without a stored step were played again.
    expect(played).toBe(COHORTS - partial.steps.length)
    expect(await rowsOf(db, stopped.runId)).toEqual(await reference)
  })
})
