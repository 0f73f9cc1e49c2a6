/**
 * Writes a ~1 GB Lyceum database for timing `lyceum view` (docs/benchmarks.md, "Viewer"), through the store's
 * own writers, so it has the real schema and indexes: one big social-learning run (5 repeats × 4 methods × 11
 * rounds × 50 students × 200 items = 2.2M graded answers; 1M lessons of ~400 characters, a tenth with a
 * finding) and 19 small runs beside it.
 *
 *   npx tsx test/bench/BigDb.ts /tmp/big.db [--scale 1]      (--scale 0.1 for a ~100 MB file)
 */
import { existsSync } from "node:fs"
import {
  type EvaluationRow,
  type FindingRow,
  type LessonRow,
  type ModelUsageRow,
  makeStore,
} from "@lyceum/store"
import { Effect } from "effect"

const file = process.argv[2]
if (file === undefined || existsSync(file)) {
  console.error("usage: tsx test/bench/BigDb.ts NEW_FILE [--scale 1]")
  process.exit(2)
}
const at = process.argv.indexOf("--scale")
const scale = at > 0 ? Number(process.argv[at + 1]) : 1

const methods = ["zero-shot", "original-examples", "synthetic-examples", "instruction"]
const config = (repeats: number, rounds: number) => ({
  repeats,
  rounds,
  tasks: [{ name: "sms-spam" }],
  methods: methods.map((strategy) => ({ strategy })),
})
const filler =
  "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121 to receive entry question(std txt rate)T&C's apply 08452810075over18's. "
const actions = [
  "allow",
  "allow",
  "allow",
  "allow",
  "allow",
  "allow",
  "allow",
  "flag",
  "redact",
  "drop",
] as const

const cohortRows = (
  runId: string,
  repeat: number,
  method: string,
  rounds: number,
  students: number,
  items: number,
) => {
  const evaluations: Array<EvaluationRow> = []
  const lessons: Array<LessonRow> = []
  const findings: Array<FindingRow> = []
  const modelUsage: Array<ModelUsageRow> = []
  for (let round = 0; round <= rounds; round++)
    for (let s = 0; s < students; s++) {
      const student = `student-${s + 1}`
      for (let i = 0; i < items; i++) {
        const score = (i * 7 + s + round * 3 + repeat) % 10 < 3 + round / 2 ? 1 : 0
        evaluations.push({
          runId,
          repeat,
          round,
          student,
          task: "sms-spam",
          method,
          n: round * 2,
          promptLessons: round * 2,
          metric: "accuracy",
          itemId: `sms-${String(i).padStart(5, "0")}`,
          answer: score ? " spam" : " not spam",
          target: " spam",
          score,
        })
      }
      if (round > 0)
        for (let l = 0; l < 10; l++) {
          const id = `${method}/r${repeat}/${round}/${student}/${l}`
          const action = actions[(l + s + round) % actions.length]!
          lessons.push({
            runId,
            id,
            repeat,
            round,
            teacher: `teacher-${(l % 10) + 1}`,
            student,
            task: "sms-spam",
            method,
            kind: "synthetic-example",
            text: action === "drop" ? "" : `${filler}${filler}${l}`.slice(0, 400),
            filterAction: action,
            filterDetector: action === "allow" ? null : "phone",
            filterReason: action === "allow" ? null : "a phone number",
            sent: action !== "drop",
            chosen: action !== "drop" && l < 4,
            createdAt: "2026-01-01T00:00:00.000Z",
          })
          if (action !== "allow")
            findings.push({
              runId,
              lessonId: id,
              detector: "phone",
              action,
              start: 120,
              end: 131,
              matchedHash: "ab".repeat(32),
              reason: "a phone number",
            })
        }
      modelUsage.push({
        runId,
        repeat,
        round,
        task: "sms-spam",
        method,
        agentId: student,
        model: "sim",
        calls: items,
        promptTokens: items * 40,
        completionTokens: items * 2,
        costUsd: 0,
      })
    }
  return { evaluations, lessons, findings, modelUsage }
}

const writeRun = (
  runId: string,
  startedAt: string,
  repeats: number,
  rounds: number,
  students: number,
  items: number,
) =>
  Effect.gen(function* () {
    const store = yield* makeStore({ filename: file })
    yield* store.createRun({
      id: runId,
      scenarioName: runId.replace(/-\d+$/, ""),
      scenarioPath: `scenarios/${runId}.yaml`,
      scenarioText: `name: ${runId}\n`,
      seed: 7,
      kind: "social-learning",
      versions: { lyceum: "bench", node: process.version },
      config: config(repeats, rounds),
      startedAt,
    })
    yield* store.writeBatch({
      agents: [
        ...Array.from({ length: 10 }, (_, t) => ({
          runId,
          agentId: `teacher-${t + 1}`,
          role: "teacher",
          kind: "social-learning",
          model: "sim",
          dataSize: 8,
        })),
        ...Array.from({ length: students }, (_, s) => ({
          runId,
          agentId: `student-${s + 1}`,
          role: "student",
          kind: "social-learning",
          model: "sim",
          dataSize: null,
        })),
      ],
    })
    for (let repeat = 0; repeat < repeats; repeat++)
      for (const method of methods) {
        const rows = cohortRows(runId, repeat, method, rounds, students, items)
        const cohortSteps = Array.from({ length: rounds + 1 }, (_, step) => ({
          runId,
          repeat,
          task: "sms-spam",
          method,
          step,
        }))
        yield* store.writeChunked({ ...rows, cohortSteps })
      }
    yield* store.finishRun(runId, "completed")
  }).pipe(Effect.scoped)

const started = Date.now()
await Effect.runPromise(
  Effect.gen(function* () {
    for (let r = 0; r < 19; r++)
      yield* writeRun(
        `quickstart-${r + 1}`,
        `2026-01-${String(r + 1).padStart(2, "0")}T00:00:00.000Z`,
        1,
        4,
        1,
        100,
      )
    yield* writeRun(
      "paper-big-1",
      "2026-02-01T00:00:00.000Z",
      5,
      10,
      Math.max(1, Math.round(50 * scale)),
      200,
    )
  }),
)
console.log(`wrote ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
