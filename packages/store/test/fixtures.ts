import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import type {
  AgentRow,
  EvaluationRow,
  LessonRow,
  MessageRow,
  ModelUsageRow,
  NewRun,
  SqlValue,
} from "../src/index.js"

/** A fresh directory under the OS temp dir, removed with everything in it when the scope closes. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "lyceum-store-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
)

export const newRun = (id: string, overrides: Partial<NewRun> = {}): NewRun => ({
  id,
  scenarioName: "spam-social",
  scenarioPath: "scenarios/spam.yaml",
  scenarioText: "name: spam-social\nseed: 7\n",
  seed: 7,
  kind: "social-learning",
  versions: { lyceum: "0.1.0", node: "v20.20.2", models: { sim: "1" } },
  config: { name: "spam-social", rounds: 2, teachers: 2 },
  startedAt: "2025-01-01T00:00:00.000Z",
  ...overrides,
})

export const agents = (runId: string): Array<AgentRow> => [
  { runId, agentId: "teacher-1", role: "teacher", kind: "social-learning", model: "sim", dataSize: 100 },
  { runId, agentId: "teacher-2", role: "teacher", kind: "social-learning", model: "sim", dataSize: 100 },
  { runId, agentId: "student-1", role: "student", kind: "social-learning", model: "sim", dataSize: null },
  { runId, agentId: "student-2", role: "student", kind: "social-learning", model: "sim", dataSize: null },
]

export const lesson = (runId: string, id: string, overrides: Partial<LessonRow> = {}): LessonRow => ({
  runId,
  id,
  repeat: 0,
  round: 1,
  teacher: "teacher-1",
  student: "student-1",
  task: "spam",
  method: "instruction",
  kind: "instruction",
  text: "Messages offering prizes are spam.",
  filterAction: "allow",
  filterDetector: null,
  filterReason: null,
  sent: true,
  chosen: true,
  createdAt: "2025-01-01T00:00:01.000Z",
  ...overrides,
})

/** One accuracy row per score, items numbered from 0. */
export const evaluations = (
  runId: string,
  at: { repeat: number; round: number; student: string; task?: string; method?: string },
  scores: ReadonlyArray<number>,
): Array<EvaluationRow> =>
  scores.map((score, i) => ({
    runId,
    repeat: at.repeat,
    round: at.round,
    student: at.student,
    task: at.task ?? "spam",
    method: at.method ?? "synthetic-examples",
    n: 2 * at.round,
    promptLessons: 2 * at.round,
    metric: "accuracy",
    itemId: `item-${i}`,
    answer: score === 1 ? "spam" : "ham",
    target: "spam",
    score,
  }))

export const usage = (runId: string, overrides: Partial<ModelUsageRow> = {}): ModelUsageRow => ({
  runId,
  repeat: 0,
  round: 1,
  task: "spam",
  method: "synthetic-examples",
  agentId: "teacher-1",
  model: "sim",
  calls: 3,
  promptTokens: 120,
  completionTokens: 40,
  ...overrides,
})

export const message = (runId: string, id: string, overrides: Partial<MessageRow> = {}): MessageRow => ({
  runId,
  id,
  repeat: 0,
  round: 0,
  task: "spam",
  method: "judge",
  sender: "proposer-1",
  recipient: "judge",
  kind: "answer",
  text: "spam",
  filterAction: "allow",
  filterDetector: null,
  filterReason: null,
  sent: true,
  createdAt: "2025-01-01T00:00:02.000Z",
  ...overrides,
})

/** A row of `ensemble_items` as a kind writes it (`kindRows`): column names as keys. */
export const ensembleItem = (
  runId: string,
  overrides: Readonly<Record<string, SqlValue>> = {},
): Record<string, SqlValue> => ({
  run_id: runId,
  repeat: 0,
  task: "spam",
  method: "vote",
  item_id: "item-0",
  answer: "spam",
  target: "spam",
  correct: 1,
  oracle: 1,
  calls: 2,
  prompt_tokens: 10,
  completion_tokens: 2,
  cost_usd: 0,
  ...overrides,
})
