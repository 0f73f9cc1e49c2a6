import { createHash } from "node:crypto"
import type Database from "better-sqlite3"
import { Clock, Effect } from "effect"
import { chunkBatch } from "./Chunks.js"
import { makeKindRowsWriter } from "./KindRows.js"
import type {
  AgentRow,
  CohortStepRow,
  EvaluationRow,
  FindingRow,
  ItemLabelRow,
  LeakageRow,
  LessonRow,
  MessageFindingRow,
  MessageRow,
  ModelCapabilitiesRow,
  ModelUsageRow,
  RowBatch,
} from "./Rows.js"
import { addScoreAggregates, SCORE_AGGREGATES } from "./ScoreAggregates.js"
import { StoreError, storeErrorFrom } from "./StoreError.js"
import type { TableInfo } from "./Tables.js"

const INSERT_AGENT =
  "INSERT INTO agents (run_id, agent_id, role, kind, model, data_size) VALUES (?, ?, ?, ?, ?, ?)"
const INSERT_MESSAGE = `INSERT INTO messages (run_id, id, repeat, round, task, method, sender, recipient, kind,
  text, filter_action, filter_detector, filter_reason, sent, created_at, turn)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_MESSAGE_FINDING = `INSERT INTO message_findings (run_id, message_id, detector, action, start, "end",
  matched_hash, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_COHORT_STEP = `INSERT INTO cohort_steps (run_id, repeat, task, method, step, finished_at, final,
  worker, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
const UPSERT_MODEL_CAPABILITIES = `INSERT OR REPLACE INTO model_capabilities (run_id, model, base_url,
  declared_score, effective_score, echo, chat_logprobs, n, seed, findings, probed_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_LESSON = `INSERT INTO lessons (run_id, id, repeat, round, teacher, student, task, method, kind,
  text, filter_action, filter_detector, filter_reason, sent, chosen, distance, verbatim_copy, smuggle,
  smuggle_intact, ranked_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_EVALUATION = `INSERT INTO evaluations (run_id, repeat, round, student, task, method, n,
  prompt_lessons, metric, item_id, answer, target, score, prompt_hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
// A prompt is stored once per run, however many answers it was given for (and again on a resumed cohort).
const INSERT_PROMPT = "INSERT OR IGNORE INTO prompts (run_id, hash, context_hash, tail) VALUES (?, ?, ?, ?)"
const INSERT_PROMPT_CONTEXT = "INSERT OR IGNORE INTO prompt_contexts (run_id, hash, text) VALUES (?, ?, ?)"
const INSERT_MODEL_USAGE = `INSERT INTO model_usage (run_id, repeat, round, task, method, agent_id, model,
  calls, prompt_tokens, completion_tokens, cost_usd, retries, timeouts, errors, rate_limit_waits,
  rate_limit_wait_ms, estimated_calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_MODEL_FAULT = `INSERT INTO model_faults (run_id, repeat, round, task, method, agent_id, model,
  kind, attempts, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/** The columns a `model_usage` row and its `model_faults` rows share, in their INSERTs' order. */
const usageKey = (r: ModelUsageRow) =>
  [r.runId, r.repeat, r.round, r.task, r.method, r.agentId, r.model] as const

const INSERT_ITEM_LABEL =
  "INSERT INTO item_labels (run_id, task, item_id, culture, topic) VALUES (?, ?, ?, ?, ?)"

const INSERT_FINDING = `INSERT INTO filter_findings (run_id, lesson_id, detector, action, start, "end",
  matched_hash, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
const INSERT_LEAKAGE = `INSERT INTO leakage_measures (run_id, repeat, round, task, method, teacher, student,
  metric, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

/** The tables `RowBatch` has typed fields for: kind rows go to the others. */
const TYPED_TABLES = new Set([
  "agents",
  "lessons",
  "messages",
  "message_findings",
  "evaluations",
  "prompts",
  "prompt_contexts",
  "filter_findings",
  "leakage_measures",
  "item_labels",
  "model_usage",
  "model_faults",
  "cohort_steps",
  "model_capabilities",
  // Written from evaluations (ScoreAggregates.ts).
  ...SCORE_AGGREGATES,
])

/** `prompts.hash`: the first 128 bits of the text's SHA-256, lower-case hex. */
export const promptHash = (text: string): string =>
  createHash("sha256").update(text).digest("hex").slice(0, 32)

/**
 * Stores an answer's prompt (its context once, then the rest) unless the run has it, and returns its hash; null
 * for an answer without one. Made per transaction: the context stored last is remembered (a step's answers come
 * agent by agent), so it is hashed and inserted once per agent, not per answer.
 */
const promptWriter = (prepare: (sql: string) => Database.Statement) => {
  let last: { readonly runId: string; readonly text: string; readonly hash: string } | undefined
  return (r: EvaluationRow): string | null => {
    if (r.prompt === undefined || r.prompt === null) return null
    const hash = promptHash(r.prompt)
    const context = r.promptContext
    if (context === undefined || context.length === 0 || !r.prompt.startsWith(context)) {
      prepare(INSERT_PROMPT).run(r.runId, hash, null, r.prompt)
      return hash
    }
    if (last?.text !== context || last.runId !== r.runId) {
      last = { runId: r.runId, text: context, hash: promptHash(context) }
      prepare(INSERT_PROMPT_CONTEXT).run(r.runId, last.hash, context)
    }
    prepare(INSERT_PROMPT).run(r.runId, hash, last.hash, r.prompt.slice(context.length))
    return hash
  }
}

/** An optional boolean as SQLite stores it: 1, 0 or NULL. */
const flag = (value: boolean | null | undefined) =>
  value === undefined || value === null ? null : value ? 1 : 0

const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

/** The store's two ways to write rows: all in one transaction, or in transactions of bounded size. */
export interface BatchWriter {
  readonly writeBatch: (batch: RowBatch) => Effect.Effect<void, StoreError>
  readonly writeChunked: (batch: RowBatch, maxRows: number) => Effect.Effect<number, StoreError>
}

/**
 * The store's `writeBatch`: every row of a batch in one transaction (agents first, then lessons, messages,
 * evaluations, findings, leakage, item labels, model usage and faults, the kind's tables, and last the cohort
 * steps the batch completes). Kind rows are checked against the schema before anything is written; a failing
 * row is named by table and position.
 */
export const makeBatchWriter = (
  db: Database.Database,
  filename: string,
  tables: ReadonlyMap<string, TableInfo>,
  prepare: (sql: string) => Database.Statement,
): BatchWriter => {
  // Where a batch failed, for the error message; the transaction itself is all-or-nothing.
  const position = { table: "", index: 0, of: 0 }
  const each = <R>(
    table: string,
    rows: ReadonlyArray<R> | undefined,
    sql: string,
    insert: (statement: Database.Statement, row: R) => void,
  ) => {
    if (rows === undefined || rows.length === 0) return
    const statement = prepare(sql)
    eachRow(table, rows, (row) => insert(statement, row))
  }
  const eachRow = <R>(table: string, rows: ReadonlyArray<R>, insert: (row: R) => void) => {
    position.table = table
    position.of = rows.length
    for (let i = 0; i < rows.length; i++) {
      position.index = i
      insert(rows[i]!)
    }
  }
  const kindRows = makeKindRowsWriter(tables, TYPED_TABLES, prepare)
  const writeAll = db.transaction((batch: RowBatch, now: string) => {
    each("agents", batch.agents, INSERT_AGENT, (s, r: AgentRow) => {
      s.run(r.runId, r.agentId, r.role, r.kind, r.model, r.dataSize)
    })
    each("lessons", batch.lessons, INSERT_LESSON, (s, r: LessonRow) => {
      s.run(
        r.runId,
        r.id,
        r.repeat,
        r.round,
        r.teacher,
        r.student,
        r.task,
        r.method,
        r.kind,
        r.text,
        r.filterAction,
        r.filterDetector,
        r.filterReason,
        r.sent ? 1 : 0,
        r.chosen ? 1 : 0,
        r.distance ?? null,
        flag(r.verbatimCopy),
        r.smuggle ?? null,
        flag(r.smuggleIntact),
        r.rankedBy ?? null,
        r.createdAt,
      )
    })
    each("messages", batch.messages, INSERT_MESSAGE, (s, r: MessageRow) => {
      s.run(
        r.runId,
        r.id,
        r.repeat,
        r.round,
        r.task,
        r.method,
        r.sender,
        r.recipient,
        r.kind,
        r.text,
        r.filterAction,
        r.filterDetector,
        r.filterReason,
        r.sent ? 1 : 0,
        r.createdAt,
        r.turn ?? null,
      )
    })
    each("message_findings", batch.messageFindings, INSERT_MESSAGE_FINDING, (s, r: MessageFindingRow) => {
      s.run(r.runId, r.messageId, r.detector, r.action, r.start, r.end, r.matchedHash, r.reason)
    })
    const writePrompt = promptWriter(prepare)
    each("evaluations", batch.evaluations, INSERT_EVALUATION, (s, r: EvaluationRow) => {
      const hash = writePrompt(r)
      s.run(
        r.runId,
        r.repeat,
        r.round,
        r.student,
        r.task,
        r.method,
        r.n,
        r.promptLessons,
        r.metric,
        r.itemId,
        r.answer,
        r.target,
        r.score,
        hash,
      )
    })
    addScoreAggregates(prepare, batch.evaluations)
    each("filter_findings", batch.findings, INSERT_FINDING, (s, r: FindingRow) => {
      s.run(r.runId, r.lessonId, r.detector, r.action, r.start, r.end, r.matchedHash, r.reason)
    })
    each("leakage_measures", batch.leakage, INSERT_LEAKAGE, (s, r: LeakageRow) => {
      s.run(r.runId, r.repeat, r.round, r.task, r.method, r.teacher, r.student, r.metric, r.value)
    })
    each("item_labels", batch.itemLabels, INSERT_ITEM_LABEL, (s, r: ItemLabelRow) => {
      s.run(r.runId, r.task, r.itemId, r.culture, r.topic)
    })
    each("model_usage", batch.modelUsage, INSERT_MODEL_USAGE, (s, r: ModelUsageRow) => {
      s.run(
        ...usageKey(r),
        r.calls,
        r.promptTokens,
        r.completionTokens,
        r.costUsd ?? 0,
        r.retries ?? 0,
        r.timeouts ?? 0,
        r.errors ?? 0,
        r.rateLimitWaits ?? 0,
        Math.round(r.rateLimitWaitMs ?? 0),
        r.estimatedCalls ?? null,
      )
    })
    // After model_usage: each fault row references its usage row.
    const faults = batch.modelUsage?.flatMap((r) =>
      Object.entries(r.faults ?? {}).flatMap(([kind, count]) =>
        count === undefined || count.attempts === 0 ? [] : [{ usage: r, kind, count }],
      ),
    )
    each("model_faults", faults, INSERT_MODEL_FAULT, (s, { usage, kind, count }) => {
      s.run(...usageKey(usage), kind, count.attempts, count.errors)
    })
    for (const { table, rows } of batch.kindRows ?? []) {
      eachRow(table, rows, (row) => kindRows.insert(table, row))
    }
    each("cohort_steps", batch.cohortSteps, INSERT_COHORT_STEP, (s, r: CohortStepRow) => {
      s.run(
        r.runId,
        r.repeat,
        r.task,
        r.method,
        r.step,
        now,
        r.final === true ? 1 : 0,
        r.worker ?? null,
        r.attempt ?? null,
      )
    })
    each(
      "model_capabilities",
      batch.modelCapabilities,
      UPSERT_MODEL_CAPABILITIES,
      (s, r: ModelCapabilitiesRow) => {
        s.run(
          r.runId,
          r.model,
          r.baseURL,
          r.declaredScore,
          r.effectiveScore,
          r.echo,
          r.chatLogprobs,
          r.n,
          r.seed,
          r.findings,
          now,
        )
      },
    )
  })

  /** The batch's kind rows checked against the schema, before any of its transactions. */
  const checked = (batch: RowBatch): Effect.Effect<string, StoreError> =>
    Effect.flatMap(nowIso, (now) => {
      const refused = kindRows.check(batch.kindRows ?? [])
      return refused !== undefined
        ? Effect.fail(
            new StoreError({
              message: `cannot write rows to ${filename}: ${refused}; nothing from this batch was written`,
            }),
          )
        : Effect.succeed(now)
    })

  const writeBatch = (batch: RowBatch): Effect.Effect<void, StoreError> =>
    Effect.flatMap(checked(batch), (now) =>
      writeRows(batch, now, "nothing from this batch was written"),
    ).pipe(Effect.withSpan("Store.writeBatch"))

  const writeChunked = (batch: RowBatch, maxRows: number): Effect.Effect<number, StoreError> =>
    Effect.gen(function* () {
      const now = yield* checked(batch)
      const chunks = chunkBatch(batch, maxRows)
      for (let c = 0; c < chunks.length; c++) {
        // Another fiber (a heartbeat, a signal) may run between two transactions.
        if (c > 0) yield* Effect.yieldNow()
        yield* writeRows(
          chunks[c]!,
          now,
          `in chunk ${c + 1} of ${chunks.length}: nothing of this chunk was written` +
            (c === 0
              ? ""
              : `; the ${c} before it were, without the row that marks their step done (a resume deletes them)`),
        )
      }
      return chunks.length
    }).pipe(Effect.withSpan("Store.writeChunked"))

  const writeRows = (batch: RowBatch, now: string, kept: string): Effect.Effect<void, StoreError> =>
    Effect.try({
      try: () => {
        position.table = ""
        writeAll(batch, now)
      },
      catch: (cause) =>
        storeErrorFrom(
          position.table === ""
            ? `cannot write rows to ${filename} (${kept})`
            : `cannot write ${position.table} row ${position.index + 1} of ${position.of} to ${filename} ` +
                `(${kept})`,
          cause,
        ),
    })

  return { writeBatch, writeChunked }
}
