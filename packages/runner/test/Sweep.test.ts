import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LocalTransport } from "@lyceum/actors"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { formatPlannedWork, preflight } from "../src/Preflight.js"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
import { runWorker } from "../src/Worker.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-sweep-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const base = `name: swept
seed: 5
rounds: [2, 4]
models:
  sim: { provider: sim, seed: 11 }
tasks: [{ kind: spam, testSize: 30 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods:
  - { strategy: zero-shot }
  - { strategy: synthetic-examples, nGen: 4, topK: 2 }
canary: { template: spam-code, candidates: 30 }
`
// A method's setting and a model's: point 1 plays with models of its own (another registry).
const sweep = `${base}sweep:
  mode: zip
  fields:
    methods.1.nGen: [2, 6]
    models.sim.seed: [11, 12]
`
/** Point k alone: the base scenario with point k's values written in. */
const pointText = (k: number) =>
  base.replace("nGen: 4", `nGen: ${[2, 6][k]}`).replace("seed: 11", `seed: ${[11, 12][k]}`)

const versions = { lyceum: "test", node: process.version }
const load = (text: string) => Either.getOrThrow(parseScenario(join(dir, "swept.yaml"), text))

/** What the cohorts of a run stored, their methods without the sweep point (`@p1`) where `point` is given. */
const cohortRows = (db: string, runId: string, point?: number) =>
  Effect.runPromise(
    Effect.flatMap(Store, (store) =>
      Effect.all({
        curve: store.query(
          "SELECT repeat, round, task, method, student, metric, value FROM learning_curve WHERE run_id = ? ORDER BY 1, 2, 3, 4, 5, 6",
          [runId],
        ),
        lessons: store.query(
          "SELECT id, method, teacher, student, round, text, sent, chosen FROM lessons WHERE run_id = ? ORDER BY id",
          [runId],
        ),
        usage: store.query(
          "SELECT repeat, round, method, agent_id, calls, prompt_tokens, completion_tokens FROM model_usage WHERE run_id = ? ORDER BY 1, 2, 3, 4",
          [runId],
        ),
        leakage: store.query(
          "SELECT repeat, method, student, metric, value FROM leakage_measures WHERE run_id = ? ORDER BY 1, 2, 3, 4",
          [runId],
        ),
      }),
    ).pipe(Effect.provide(Store.layer({ filename: db }))),
  ).then((tables) => {
    const suffix = point === undefined ? undefined : `@p${point}`
    const pick = (rows: ReadonlyArray<Record<string, unknown>>) =>
      rows
        .filter((r) => suffix === undefined || String(r.method ?? r.id).includes(suffix))
        .map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [
              k,
              suffix !== undefined && typeof v === "string" ? v.replaceAll(suffix, "") : v,
            ]),
          ),
        )
    return {
      curve: pick(tables.curve),
      lessons: pick(tables.lessons),
      usage: pick(tables.usage),
      leakage: pick(tables.leakage),
    }
  })

const play = (text: string, db: string, more: Partial<Parameters<typeof runScenario>[0]> = {}) =>
  Effect.runPromise(
    runScenario({ loaded: load(text), versions, ...more }).pipe(
      Effect.provide([Store.layer({ filename: db }), Progress.silent]),
    ),
  )

describe("a swept run", () => {
  it("stores at each point what a run of that point alone stores (same seed, same rows but the method label)", async () => {
    const swept = await play(sweep, join(dir, "swept.db"))
    for (const k of [0, 1]) {
      const alone = await play(pointText(k), join(dir, `alone-${k}.db`))
      const mine = await cohortRows(join(dir, "swept.db"), swept.runId, k)
      const theirs = await cohortRows(join(dir, `alone-${k}.db`), alone.runId)
      expect(mine.curve.length).toBeGreaterThan(0)
      expect(mine.lessons.length).toBeGreaterThan(0)
      expect(mine).toEqual(theirs)
    }
    // The points differ (another nGen, another model seed): not one run stored twice.
    const [p0, p1] = [
      await cohortRows(join(dir, "swept.db"), swept.runId, 0),
      await cohortRows(join(dir, "swept.db"), swept.runId, 1),
    ]
    expect(p1.lessons.map((l) => l.text)).not.toEqual(p0.lessons.map((l) => l.text))
    const stored = await Effect.runPromise(
      Effect.flatMap(Store, (store) =>
        Effect.all({
          points: store.query(
            "SELECT point, label, values_json FROM sweep_points WHERE run_id = ? ORDER BY 1",
            [swept.runId],
          ),
          methods: store.query("SELECT DISTINCT method FROM cohort_steps WHERE run_id = ? ORDER BY 1", [
            swept.runId,
          ]),
          config: store.query("SELECT json_extract(config, '$.sweep.mode') AS mode FROM runs WHERE id = ?", [
            swept.runId,
          ]),
        }),
      ).pipe(Effect.provide(Store.layer({ filename: join(dir, "swept.db") }))),
    )
    expect(stored.points).toEqual([
      { point: 0, label: "nGen=2,seed=11", values_json: '{"methods.1.nGen":2,"models.sim.seed":11}' },
      { point: 1, label: "nGen=6,seed=12", values_json: '{"methods.1.nGen":6,"models.sim.seed":12}' },
    ])
    expect(stored.methods.map((m) => m.method)).toEqual([
      "synthetic-examples@p0",
      "synthetic-examples@p1",
      "zero-shot@p0",
      "zero-shot@p1",
    ])
    expect(stored.config).toEqual([{ mode: "zip" }])
  })

  it("is played alike by workers, which derive each point from the scenario text", async () => {
    const local = await play(sweep, join(dir, "local.db"))
    const placed = await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        yield* Effect.forkScoped(runWorker({ name: "w1" }).pipe(Effect.provide(transport)))
        return yield* runScenario({
          loaded: load(sweep),
          versions,
          transport: Layer.succeedContext(transport),
          workers: ["w1"],
        }).pipe(Effect.provide([Store.layer({ filename: join(dir, "placed.db") }), Progress.silent]))
      }).pipe(Effect.scoped),
    )
    expect(await cohortRows(join(dir, "placed.db"), placed.runId)).toEqual(
      await cohortRows(join(dir, "local.db"), local.runId),
    )
  })

  it("resumes half-finished: the finished points' cohorts are kept, the rest played, as a whole run stores", async () => {
    const whole = await play(sweep, join(dir, "whole.db"))
    const db = join(dir, "half.db")
    // 4 cohorts of 3 steps: interrupted during the third cohort (the first point's two are finished).
    let seen = 0
    const stopped = await Effect.runPromise(
      Effect.flip(
        runScenario({ loaded: load(sweep), versions }).pipe(
          Effect.provide([
            Store.layer({ filename: db }),
            Layer.succeed(Progress, {
              report: (event) =>
                event._tag === "RoundFinished" && ++seen === 7 ? Effect.interrupt : Effect.void,
            }),
          ]),
        ),
      ),
    )
    if (stopped._tag !== "RunFailed") throw new Error(`expected RunFailed, got ${stopped._tag}`)
    // Another sweep is another scenario, even with the same first point: resume refuses it.
    const error = await Effect.runPromise(
      Effect.flip(
        runScenario({
          loaded: load(sweep.replace("[2, 6]", "[2, 8]")),
          versions,
          resume: stopped.runId,
        }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent])),
      ),
    )
    expect(error.message).toMatch(/differs from the scenario run .* was started with \(sweep\)/)
    const played: Array<string> = []
    await Effect.runPromise(
      runScenario({ loaded: load(sweep), versions, resume: stopped.runId }).pipe(
        Effect.provide([
          Store.layer({ filename: db }),
          Layer.succeed(Progress, {
            report: (event) =>
              Effect.sync(
                () => event._tag === "RoundFinished" && played.push(`${event.cohort.method}:${event.round}`),
              ),
          }),
        ]),
      ),
    )
    // Only the unfinished cohorts of point 1 were played again, from their first step.
    expect(played.every((p) => p.includes("@p1"))).toBe(true)
    expect(played.length).toBe(6)
    expect(await cohortRows(db, stopped.runId)).toEqual(await cohortRows(join(dir, "whole.db"), whole.runId))
  })

  it("counts every point's work in the plan, and refuses points of different lengths", async () => {
    const one = await Effect.runPromise(preflight(load(pointText(0))))
    const both = await Effect.runPromise(preflight(load(sweep)))
    expect(both.plan.cohorts).toBe(2 * one.plan.cohorts)
    expect(one.plan.points).toBeUndefined()
    expect(formatPlannedWork(both.plan)).toMatch(/^2 sweep points, 4 cohorts, /)
    expect(both.plan.modelCalls).toBeGreaterThan(one.plan.modelCalls)
    const error = await Effect.runPromise(
      Effect.flip(preflight(load(`${base}sweep:\n  fields:\n    rounds: [[2, 4], [2, 4, 6]]\n`))),
    )
    expect(error.message).toMatch(
      /line 15, sweep\.fields: point 1 \(rounds=\[2,4,6\]\) has 4 steps, point 0 has 3: every point of a sweep plays the same number of steps/,
    )
    // An openai model's endpoint: the run probes the first point's endpoints only.
    const openai = base.replace(
      "sim: { provider: sim, seed: 11 }",
      "sim: { provider: sim, seed: 11 }\n  api: { provider: openai, baseURL: 'http://127.0.0.1:1/v1', model: a, score: none }",
    )
    const endpoints = await Effect.runPromise(
      Effect.flip(preflight(load(`${openai}sweep:\n  fields:\n    models.api.model: [a, b]\n`))),
    )
    expect(endpoints.message).toMatch(
      /line 16, sweep\.fields: point 1 \(model=b\) changes the endpoint of the openai model "api" \(provider, preset, baseURL, model, score, apiKeyEnv\)/,
    )
  })
})
