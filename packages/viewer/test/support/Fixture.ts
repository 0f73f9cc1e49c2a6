import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { socialLearningReport } from "@lyceum/report"
import {
  type EvaluationRow,
  type LessonRow,
  makeStore,
  type RowBatch,
  type StoreService,
} from "@lyceum/store"
import { Effect } from "effect"
import type { KindCatalog } from "../../src/api/ViewerContext.js"

/**
 * A real Lyceum database written through @lyceum/store's own writers (so it has this build's schema and
 * constraints): two finished social-learning runs of the same scenario (for compare), one still running,
 * an ensemble run and a population run.
 */

export const SECRET = "CANARY-7Q4X-SECRET"
export const T0 = "2026-01-01T00:00:00.000Z"

const social = {
  repeats: 2,
  rounds: 2,
  tasks: [{ name: "spam" }],
  methods: [{ strategy: "zero-shot" }, { strategy: "original-examples" }],
}

/** What the CLI gives from the kinds registry, for the kinds the fixture has. */
export const catalog: KindCatalog = {
  report: (kind) => (kind === "social-learning" ? socialLearningReport : undefined),
  plan: (kind, config) => {
    const c = config as typeof social | null
    if (kind !== "social-learning" || c === null) return undefined
    return { cohorts: c.repeats * c.tasks.length * c.methods.length, steps: c.rounds + 1 }
  },
}

const createRun = (store: StoreService, id: string, kind: string, config: unknown, startedAt: string) =>
  store.createRun({
    id,
    scenarioName: id.replace(/-\d+$/, ""),
    scenarioPath: `scenarios/${id}.yaml`,
    scenarioText: `name: ${id}\nkind: ${kind}\n`,
    seed: 7,
    kind,
    versions: { lyceum: "test", node: process.version },
    config,
    startedAt,
  })

/** Accuracy of `method` in a round: original-examples learns, zero-shot stays; run `better` adds one item. */
const scores = (method: string, round: number, better: boolean) => {
  const right = method === "zero-shot" ? 2 : 2 + 2 * round + (better ? 1 : 0)
  return Array.from({ length: 8 }, (_, i) => (i < right ? 1 : 0))
}

export const PROMPT_CONTEXT = "Lesson: WIN a prize now -> spam\n\n"

const socialBatch = (runId: string, better: boolean, steps: number): RowBatch => {
  const evaluations: Array<EvaluationRow> = []
  const cohortSteps: Array<{ runId: string; repeat: number; task: string; method: string; step: number }> = []
  const modelUsage = []
  for (let repeat = 0; repeat < 2; repeat++)
    for (const method of ["zero-shot", "original-examples"])
      for (let round = 0; round < steps; round++) {
        scores(method, round, better).forEach((score, i) => {
          evaluations.push({
            runId,
            repeat,
            round,
            student: "student-1",
            task: "spam",
            method,
            n: method === "zero-shot" ? 0 : round * 2,
            promptLessons: method === "zero-shot" ? 0 : round * 2,
            metric: "accuracy",
            itemId: `item-${i}`,
            answer: score === 1 ? "spam" : "ham",
            target: "spam",
            score,
            // The prompt each answer was given to: a shared context (the lessons) and the item.
            prompt: `${PROMPT_CONTEXT}Text: item-${i}\nClass:`,
            promptContext: PROMPT_CONTEXT,
          })
        })
        cohortSteps.push({ runId, repeat, task: "spam", method, step: round })
        modelUsage.push({
          runId,
          repeat,
          round,
          task: "spam",
          method,
          agentId: "student-1",
          model: "sim",
          calls: 8,
          promptTokens: 100,
          completionTokens: 10,
          costUsd: 0.01,
        })
      }
  return { evaluations, cohortSteps, modelUsage }
}

const lesson = (
  runId: string,
  id: string,
  round: number,
  action: LessonRow["filterAction"],
  text: string,
): LessonRow => ({
  runId,
  id,
  repeat: 0,
  round,
  teacher: "teacher-1",
  student: "student-1",
  task: "spam",
  method: "original-examples",
  kind: "original-example",
  text,
  filterAction: action,
  filterDetector: action === "allow" ? null : "secret",
  filterReason: action === "allow" ? null : "contains a configured secret",
  sent: action !== "drop",
  chosen: action !== "drop",
  createdAt: T0,
})

/** The flagged lesson's text: the secret in clear at `FLAG_AT` (a flag lets the lesson through whole). */
export const FLAGGED = `Free entry! text ${SECRET} to win`
const FLAG_AT = FLAGGED.indexOf(SECRET)
/** The redacted lesson as the filter stored it, and the flagged secret after its placeholder. */
const REDACT_SOURCE = `call 555-0100 now ${SECRET} ok`
export const REDACTED = `call [redacted phone] now ${SECRET} ok`

const lessonsBatch = (runId: string): RowBatch => {
  const lessons: Array<LessonRow> = [
    lesson(runId, "l-allow", 1, "allow", "WINNER!! claim your prize"),
    lesson(runId, "l-flag", 1, "flag", FLAGGED),
    lesson(runId, "l-drop", 2, "drop", ""),
    lesson(runId, "l-redact", 2, "redact", REDACTED),
    ...Array.from({ length: 30 }, (_, i) => lesson(runId, `l-bulk-${i}`, 1 + (i % 2), "allow", `bulk ${i}`)),
  ]
  const secretAt = REDACT_SOURCE.indexOf(SECRET)
  const finding = (
    lessonId: string,
    detector: string,
    action: "flag" | "redact" | "drop",
    start: number,
    end: number,
  ) => ({
    runId,
    lessonId,
    detector,
    action,
    start,
    end,
    matchedHash: "ab".repeat(32),
    reason: `${detector} found`,
  })
  return {
    agents: [
      { runId, agentId: "teacher-1", role: "teacher", kind: "social-learning", model: "sim", dataSize: 8 },
      { runId, agentId: "student-1", role: "student", kind: "social-learning", model: "sim", dataSize: null },
    ],
    lessons,
    findings: [
      finding("l-flag", "secret", "flag", FLAG_AT, FLAG_AT + SECRET.length),
      finding("l-drop", "secret", "drop", 0, 10),
      finding("l-redact", "phone", "redact", 5, 13),
      finding("l-redact", "secret", "flag", secretAt, secretAt + SECRET.length),
    ],
  }
}

const ensembleBatch = (runId: string): RowBatch => {
  const kindRows = [
    {
      table: "ensemble_items",
      rows: ["vote", "judge"].flatMap((method) =>
        [0, 1].flatMap((repeat) =>
          Array.from({ length: 4 }, (_, i) => ({
            run_id: runId,
            repeat,
            task: "spam",
            method,
            item_id: `item-${i}`,
            answer: "spam",
            target: "spam",
            correct: method === "judge" || i < 2 ? 1 : 0,
            oracle: 1,
            calls: method === "judge" ? 5 : 3,
            prompt_tokens: method === "judge" ? 500 : 300,
            completion_tokens: 20,
            cost_usd: 0,
          })),
        ),
      ),
    },
  ]
  return { kindRows }
}

const populationBatch = (runId: string): RowBatch => ({
  kindRows: [
    {
      table: "population_rounds",
      rows: [0, 1].flatMap((repeat) =>
        [0, 1, 2].flatMap((round) =>
          [0, 1].map((hop) => ({
            run_id: runId,
            repeat,
            task: "facts",
            method: "gossip",
            round,
            hop,
            agents: 50,
            learners: 0,
            lessons_sent: 10,
            lessons_dropped: 1,
            lessons_redacted: 0,
            memory_mean: 1,
            seed_facts_mean: 1,
            knowers: Math.min(50, hop === 0 ? 10 + 10 * round : 5 * round + repeat),
            canary_holders: null,
            evaluated: 0,
            accuracy: null,
            canary_rank: null,
          })),
        ),
      ),
    },
  ],
})

export const RUNS = {
  a: "quick-1",
  b: "quick-2",
  running: "quick-3",
  ensemble: "ens-1",
  population: "pop-1",
  sweep: "sweep-1",
} as const

/** A swept run: zero-shot at two temperatures (points 0 and 1), one repeat, rounds 0..2. */
const sweepConfig = {
  ...social,
  repeats: 1,
  methods: [{ strategy: "zero-shot" }],
  sweep: { mode: "grid", fields: { "models.sim.temperature": [0.3, 0.7] } },
}
const sweepBatch = (runId: string): RowBatch => {
  const methods = ["zero-shot@p0", "zero-shot@p1"]
  return {
    evaluations: methods.flatMap((method, point) =>
      [0, 1, 2].flatMap((round) =>
        [0, 1, 2, 3].map((i) => ({
          runId,
          repeat: 0,
          round,
          student: "student-1",
          task: "spam",
          method,
          n: 0,
          promptLessons: 0,
          metric: "accuracy" as const,
          itemId: `item-${i}`,
          answer: "spam",
          target: "spam",
          score: i <= point ? 1 : 0,
        })),
      ),
    ),
    cohortSteps: methods.flatMap((method) =>
      [0, 1, 2].map((step) => ({ runId, repeat: 0, task: "spam", method, step })),
    ),
  }
}

/** Writes the fixture database in a fresh temp directory and returns its path. */
export const writeFixture = (): Promise<string> => {
  const filename = join(mkdtempSync(join(tmpdir(), "lyceum-viewer-")), "fixture.db")
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename })
        yield* createRun(store, RUNS.a, "social-learning", social, "2026-01-01T00:00:00.000Z")
        yield* store.writeBatch({ ...lessonsBatch(RUNS.a), ...socialBatch(RUNS.a, false, 3) })
        yield* store.finishRun(RUNS.a, "completed")
        yield* createRun(store, RUNS.b, "social-learning", social, "2026-01-02T00:00:00.000Z")
        yield* store.writeBatch(socialBatch(RUNS.b, true, 3))
        yield* store.finishRun(RUNS.b, "completed")
        yield* createRun(store, RUNS.running, "social-learning", social, "2026-01-03T00:00:00.000Z")
        yield* store.writeBatch(socialBatch(RUNS.running, false, 1))
        yield* createRun(store, RUNS.ensemble, "ensemble", { repeats: 2 }, "2026-01-04T00:00:00.000Z")
        yield* store.writeBatch(ensembleBatch(RUNS.ensemble))
        yield* store.finishRun(RUNS.ensemble, "completed")
        yield* createRun(store, RUNS.population, "population", { repeats: 2 }, "2026-01-05T00:00:00.000Z")
        yield* store.writeBatch(populationBatch(RUNS.population))
        yield* store.finishRun(RUNS.population, "failed", "budget spent")
        yield* store.createRun({
          id: RUNS.sweep,
          scenarioName: "sweep",
          scenarioPath: "scenarios/sweep.yaml",
          scenarioText: "name: sweep\n",
          seed: 7,
          kind: "social-learning",
          versions: { lyceum: "test", node: process.version },
          config: sweepConfig,
          startedAt: "2026-01-06T00:00:00.000Z",
          sweepPoints: [
            { point: 0, label: "temperature=0.3", values: { "models.sim.temperature": 0.3 } },
            { point: 1, label: "temperature=0.7", values: { "models.sim.temperature": 0.7 } },
          ],
        })
        yield* store.writeBatch(sweepBatch(RUNS.sweep))
        yield* store.finishRun(RUNS.sweep, "completed")
        return filename
      }),
    ),
  )
}
