import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Actor, ActorSystem, LocalTransport } from "@lyceum/actors"
import { agentAddress, type CoalitionKind, meteringLabel } from "@lyceum/coalition"
import { TaskItem } from "@lyceum/core"
import { kinds } from "@lyceum/kinds"
import { ModelRegistry } from "@lyceum/models"
import { parseScenarioWith, type ScenarioBase } from "@lyceum/scenario"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer, Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { preflight } from "../src/Preflight.js"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"
import { runWorker } from "../src/Worker.js"

/**
 * A kind written here, in a test, and given to the runner beside the registry's: the runner, preflight, resume
 * and the store must play it without knowing anything about it (no switch on kinds anywhere).
 */
class Answer extends Schema.TaggedRequest<Answer>()("Answer", {
  failure: Schema.Never,
  success: Schema.Array(
    Schema.Struct({ itemId: Schema.String, answer: Schema.String, correct: Schema.Boolean }),
  ),
  payload: { items: Schema.Array(TaskItem), shots: Schema.Int },
}) {}

const soloFields = {
  solvers: Schema.Struct({ count: Schema.Int.pipe(Schema.between(1, 10)), model: Schema.String }),
  /** Steps: step s gives each solver s in-context examples. */
  steps: Schema.Int.pipe(Schema.between(1, 5)),
}
type Solo = ScenarioBase & Schema.Struct.Type<typeof soloFields>

const solverId = (i: number) => `solver-${i + 1}`

const solo: CoalitionKind<Solo> = {
  name: "solo",
  fields: soloFields,
  summary: "solvers answer alone, with more examples every step",
  roles: ["solver"],
  agentId: (_scenario, _role, i) => solverId(i),
  variants: () => ["alone"],
  steps: (s) => s.steps,
  agents: (s) =>
    Array.from({ length: s.solvers.count }, (_, i) => ({
      agentId: solverId(i),
      role: "solver",
      model: s.solvers.model,
      dataSize: null,
    })),
  plan: (s, tasks) => ({
    agentsPerCohort: s.solvers.count,
    modelCalls: s.repeats * s.steps * s.solvers.count * tasks.reduce((n, t) => n + t.test.length, 0),
    tokens: 0,
  }),
  hosts: (c) => ({ solver: Array.from({ length: c.scenario.solvers.count }, (_, i) => i) }),
  spawn: (c, hosted) =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const registry = yield* ModelRegistry
      for (const i of hosted.solver ?? []) {
        const model = yield* registry.forAgent(c.scenario.solvers.model, meteringLabel(c.id, solverId(i)))
        const { task, train } = c.data
        yield* system.spawn(
          agentAddress(c.runId, c.id, "solver", solverId(i)),
          Actor.make(
            Answer,
            Effect.succeed({
              Answer: ({ items, shots }) =>
                Effect.forEach(items, (item) =>
                  model
                    .generate({
                      prompt: task.prompt(
                        item,
                        train
                          .slice(i, i + shots)
                          .map(task.render)
                          .join(task.separator),
                      ),
                      temperature: 0,
                      maxTokens: 8,
                      stop: task.stop,
                    })
                    .pipe(
                      Effect.map((r) => ({
                        itemId: item.id,
                        answer: r.texts[0] ?? "",
                        correct: task.grade(r.texts[0] ?? "", item),
                      })),
                      Effect.orDie,
                    ),
                ),
            }),
          ),
        )
      }
    }),
  open: (c) =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const solvers = c.scenario.solvers
      const refs = Array.from({ length: solvers.count }, (_, i) =>
        system.refFor(agentAddress(c.runId, c.id, "solver", solverId(i)), Answer),
      )
      return {
        play: (step: number) =>
          Effect.gen(function* () {
            const answers = yield* Effect.forEach(refs, (ref) =>
              ref.ask(new Answer({ items: c.data.test, shots: step })),
            )
            const evaluations = answers.flatMap((list, i) =>
              list.map((a) => ({
                runId: c.runId,
                ...c.id,
                round: step,
                student: solverId(i),
                n: step,
                promptLessons: step,
                metric: "accuracy" as const,
                itemId: a.itemId,
                answer: a.answer,
                target: c.data.test.find((t) => t.id === a.itemId)!.target,
                score: a.correct ? 1 : 0,
              })),
            )
            return { rows: { evaluations }, summary: { accuracy: 0 } }
          }),
      }
    }),
  report: { tables: [], html: () => Effect.succeed([]) },
}

const dir = mkdtempSync(join(tmpdir(), "lyceum-kind-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const known = [...kinds, solo]
const text = `
kind: solo
name: alone
seed: 5
repeats: 2
models: { sim: { provider: sim } }
tasks: [{ kind: spam, testSize: 12 }]
solvers: { count: 2, model: sim }
steps: 3
`

const loaded = Either.getOrThrow(parseScenarioWith(known)(join(dir, "solo.yaml"), text))
const play = (db: string, resume?: string) =>
  runScenario({
    loaded,
    versions: { lyceum: "test", node: process.version },
    kinds: known,
    ...(resume !== undefined && { resume }),
  }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))
const rows = (db: string, sql: string) =>
  Effect.runPromise(
    Effect.flatMap(Store, (store) => store.query(sql)).pipe(Effect.provide(Store.layer({ filename: db }))),
  )

describe("a kind the runner has never seen", () => {
  it("is planned, played step by step and stored with its role and kind", async () => {
    const { plan } = await Effect.runPromise(preflight(loaded, { kinds: known }))
    expect(plan).toMatchObject({ cohorts: 2, agents: 4, rounds: 3, modelCalls: 2 * 3 * 2 * 12 })
    const db = join(dir, "a.db")
    await Effect.runPromise(play(db))
    expect(await rows(db, "SELECT kind FROM runs")).toEqual([{ kind: "solo" }])
    expect(await rows(db, "SELECT agent_id, role, kind FROM agents ORDER BY agent_id")).toEqual([
      { agent_id: "solver-1", role: "solver", kind: "solo" },
      { agent_id: "solver-2", role: "solver", kind: "solo" },
    ])
    const counts = await rows(
      db,
      "SELECT repeat, round, student, COUNT(*) AS items FROM evaluations GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    expect(counts).toHaveLength(2 * 3 * 2)
    expect(counts.every((r) => r.items === 12)).toBe(true)
    // Each solver's calls are its own usage rows, per step.
    const usage = await rows(
      db,
      "SELECT agent_id, SUM(calls) AS calls FROM model_usage GROUP BY 1 ORDER BY 1",
    )
    expect(usage).toEqual([
      { agent_id: "solver-1", calls: 2 * 3 * 12 },
      { agent_id: "solver-2", calls: 2 * 3 * 12 },
    ])
    const steps = await rows(db, "SELECT COUNT(*) AS n FROM cohort_steps")
    expect(steps).toEqual([{ n: 2 * 3 }])
  })

  it("resumes: a cohort cut short is played again and the result equals an uninterrupted run", async () => {
    const whole = join(dir, "whole.db")
    await Effect.runPromise(play(whole))
    const cut = join(dir, "cut.db")
    await Effect.runPromise(play(cut))
    const id = ((await rows(cut, "SELECT id FROM runs")) as Array<{ id: string }>)[0]!.id
    // As if the process died in repeat 2's last step: its rows are gone, the run was left running.
    await Effect.runPromise(
      Effect.flatMap(Store, (store) =>
        Effect.zipRight(
          store.deleteCohort(id!, { repeat: 1, task: "sms-spam", method: "alone" }),
          store.finishRun(id!, "stopped", "test"),
        ),
      ).pipe(Effect.provide(Store.layer({ filename: cut }))),
    )
    await Effect.runPromise(play(cut, id))
    const answers =
      "SELECT repeat, round, student, item_id, answer, score FROM evaluations ORDER BY 1, 2, 3, 4"
    expect(await rows(cut, answers)).toEqual(await rows(whole, answers))
  })

  it("is hosted by a worker given the same kinds, with the rows of one process", async () => {
    const answers =
      "SELECT repeat, round, student, item_id, answer, score FROM evaluations ORDER BY 1, 2, 3, 4"
    const alone = join(dir, "worker-alone.db")
    await Effect.runPromise(play(alone))
    const placed = join(dir, "worker-placed.db")
    await Effect.runPromise(
      Effect.gen(function* () {
        const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
        // Before: the worker looked the kind up in the registry alone and refused it ("does not know").
        yield* Effect.forkScoped(
          runWorker({ name: "solo-host", kinds: known }).pipe(Effect.provide(transport)),
        )
        yield* runScenario({
          loaded,
          versions: { lyceum: "test", node: process.version },
          kinds: known,
          transport: Layer.succeedContext(transport),
          workers: ["solo-host"],
        }).pipe(Effect.provide([Store.layer({ filename: placed }), Progress.silent]))
      }).pipe(Effect.scoped),
    )
    expect(await rows(placed, answers)).toEqual(await rows(alone, answers))
  })
})

describe("a kind whose cohorts can end early (a conversation over before its planned steps)", () => {
  // The solo kind, but every cohort says after step 1 (of 3) that it has nothing left to play.
  const early: CoalitionKind<Solo> = {
    ...solo,
    name: "early",
    open: (c) =>
      Effect.map(solo.open(c), (opened) => ({
        play: (step, context) =>
          Effect.map(opened.play(step, context), (result) => ({ ...result, final: step === 1 })),
      })),
  }
  const withEarly = [...kinds, early]
  const earlyLoaded = Either.getOrThrow(
    parseScenarioWith(withEarly)(join(dir, "early.yaml"), text.replace("kind: solo", "kind: early")),
  )
  const playEarly = (db: string, resume?: string) =>
    runScenario({
      loaded: earlyLoaded,
      versions: { lyceum: "test", node: process.version },
      kinds: withEarly,
      ...(resume !== undefined && { resume }),
    }).pipe(Effect.provide([Store.layer({ filename: db }), Progress.silent]))

  it("stops each cohort at its final step, and a resume counts it finished", async () => {
    const db = join(dir, "early.db")
    await Effect.runPromise(playEarly(db))
    expect(await rows(db, "SELECT repeat, step, final FROM cohort_steps ORDER BY repeat, step")).toEqual([
      { repeat: 0, step: 0, final: 0 },
      { repeat: 0, step: 1, final: 1 },
      { repeat: 1, step: 0, final: 0 },
      { repeat: 1, step: 1, final: 1 },
    ])
    expect(await rows(db, "SELECT MAX(round) AS last FROM evaluations")).toEqual([{ last: 1 }])
    const id = ((await rows(db, "SELECT id FROM runs")) as Array<{ id: string }>)[0]!.id
    await Effect.runPromise(
      Effect.flatMap(Store, (store) => store.finishRun(id, "stopped", "test")).pipe(
        Effect.provide(Store.layer({ filename: db })),
      ),
    )
    // Nothing left to play: the resume plays no step and the rows stay as they were.
    const before = await rows(db, "SELECT COUNT(*) AS n FROM evaluations")
    await Effect.runPromise(playEarly(db, id))
    expect(await rows(db, "SELECT COUNT(*) AS n FROM evaluations")).toEqual(before)
    expect(await rows(db, "SELECT status FROM runs")).toEqual([{ status: "completed" }])
  })
})
