import { FilterAction, type LessonKind, PolicyAction } from "@lyceum/core"
import { Schema } from "effect"

/*
 * Plain records as they are written to and read from the run database. Property names are the camelCase
 * forms of the column names documented in the package README.
 */

export type RunStatus = "running" | "completed" | "failed" | "stopped"

/** A value SQLite can bind. */
export type SqlValue = string | number | bigint | Uint8Array | null

/** Software and model versions a run was produced with, stored as JSON in `runs.versions`. */
export interface RunVersions {
  readonly lyceum: string
  readonly node: string
  readonly [component: string]: unknown
}

/** What the runner knows when a run starts; the store adds the scenario hash and the status. */
export interface NewRun {
  readonly id: string
  readonly scenarioName: string
  readonly scenarioPath: string
  /** The scenario file exactly as read, so a run can be repeated from the database alone. */
  readonly scenarioText: string
  readonly seed: number
  /** The coalition kind the scenario declares (`social-learning`, `ensemble`, ...). */
  readonly kind: string
  readonly versions: RunVersions
  /** The resolved scenario (defaults applied), stored as JSON. */
  readonly config: unknown
  /** ISO-8601; defaults to the current time (the Effect `Clock`). */
  readonly startedAt?: string
  /** The process that plays the run: it holds the run's lease from the moment the run row exists. */
  readonly lease?: LeaseOwner
  /** A swept scenario's points (`sweep_points`), written with the run row. */
  readonly sweepPoints?: ReadonlyArray<SweepPointRow>
}

/** One point of a swept run: `values` maps each swept path to its value at the point (`sweep_points`). */
export interface SweepPointRow {
  readonly point: number
  readonly label: string
  readonly values: Readonly<Record<string, unknown>>
}

/** A process that may hold a run's lease: `token` is random per process, so a reused pid is not the owner. */
export interface LeaseOwner {
  readonly pid: number
  readonly host: string
  readonly token: string
}

/** A row of `run_leases`: who plays the run now, since when, and when it last proved it is alive. */
export interface RunLeaseRow extends LeaseOwner {
  readonly runId: string
  /** ISO-8601. */
  readonly acquiredAt: string
  /** ISO-8601; the holder refreshes it every few seconds while it plays. */
  readonly heartbeatAt: string
}

/** What `acquireLease` found: the lease is now ours (`previous`: a holder we took over from), or it is held. */
export type LeaseAcquisition =
  | { readonly _tag: "Acquired"; readonly previous: RunLeaseRow | undefined }
  | { readonly _tag: "Held"; readonly holder: RunLeaseRow }

export interface RunRow {
  readonly id: string
  readonly scenarioName: string
  readonly scenarioPath: string
  readonly scenarioText: string
  /** SHA-256 of `scenarioText`, lower-case hex. */
  readonly scenarioHash: string
  readonly seed: number
  /** The coalition kind; `social-learning` for runs stored before kinds existed. */
  readonly kind: string
  readonly versions: RunVersions
  readonly config: unknown
  readonly status: RunStatus
  readonly error: string | null
  readonly startedAt: string
  readonly finishedAt: string | null
}

export interface AgentRow {
  readonly runId: string
  readonly agentId: string
  /** The agent's role in its kind: `teacher`, `student`, `proposer`, `judge`, ... (non-empty). */
  readonly role: string
  /** The coalition kind the agent plays in (the run's). */
  readonly kind: string
  readonly model: string
  /** How many private training items the agent holds (a teacher's); null for agents without private data. */
  readonly dataSize: number | null
}

/**
 * Every lesson a teacher produced, including dropped ones. `text` is what the student received (after any
 * redaction); for a dropped lesson it is the withheld candidate, which never left the teacher.
 */
export interface LessonRow {
  readonly runId: string
  readonly id: string
  readonly repeat: number
  readonly round: number
  readonly teacher: string
  readonly student: string
  readonly task: string
  readonly method: string
  readonly kind: LessonKind
  readonly text: string
  /** What the privacy filter did with it before it left its teacher. */
  readonly filterAction: FilterAction
  readonly filterDetector: string | null
  readonly filterReason: string | null
  /** It left the teacher: passed the filter and was among the best candidates the teacher returned. */
  readonly sent: boolean
  /** The student's aggregator put it into the student's prompt. */
  readonly chosen: boolean
  /** Generated lessons: normalised insert/delete distance to the prompt that generated it (paper App. D). */
  readonly distance?: number | null | undefined
  /** Generated lessons: it reproduces one of the teacher's private examples. */
  readonly verbatimCopy?: boolean | null | undefined
  /** An adversarial teacher's smuggling attempt: the transform it used. */
  readonly smuggle?: string | null | undefined
  /** For a smuggling attempt: what left the teacher still carries the hidden secret. */
  readonly smuggleIntact?: boolean | null | undefined
  /** How the teacher ranked the samples it was chosen from; null where nothing was ranked. */
  readonly rankedBy?: "prompt-score" | "generation-logprobs" | null | undefined
  /** ISO-8601. */
  readonly createdAt: string
}

export type Metric = "accuracy"

/** One graded answer of a student to one test item. For accuracy, `score` is 1 (correct) or 0. */
export interface EvaluationRow {
  readonly runId: string
  readonly repeat: number
  readonly round: number
  readonly student: string
  readonly task: string
  /** The teaching method (scenario `methods[].name`, or its strategy). */
  readonly method: string
  /** The prompt size the round's schedule asked for (0 in round 0). */
  readonly n: number
  /** Lessons actually in the student's prompt (fewer than `n` when teachers could not supply enough). */
  readonly promptLessons: number
  readonly metric: Metric
  readonly itemId: string
  readonly answer: string
  readonly target: string
  readonly score: number
  /**
   * The prompt the answer was given to, as the model was asked (an agent's private examples in it masked unless
   * the scenario keeps withheld text). Stored once per run (`prompts`), the row keeping its hash; absent or
   * null where no single prompt produced the answer.
   */
  readonly prompt?: string | null | undefined
  /**
   * The part of `prompt` the agent's other answers share (its lessons, its examples): when `prompt` starts with
   * it, it is stored once (`prompt_contexts`) and each prompt keeps only the rest.
   */
  readonly promptContext?: string | undefined
}

/** Failed attempts of one kind (a row of `model_faults`): all of them, and those that ended their call. */
export interface ModelFaultCount {
  readonly attempts: number
  readonly errors: number
}

/** Model calls, tokens and faults of one agent in one round. */
export interface ModelUsageRow {
  readonly runId: string
  readonly repeat: number
  readonly round: number
  readonly task: string
  readonly method: string
  readonly agentId: string
  readonly model: string
  readonly calls: number
  readonly promptTokens: number
  readonly completionTokens: number
  /** US dollars, from the prices declared for the model; 0 when none are. */
  readonly costUsd?: number
  /** Attempts repeated after a retryable failure; 0 when not given (so for the four below). */
  readonly retries?: number
  /** Attempts that timed out, retried or not. */
  readonly timeouts?: number
  /** Calls that failed after all their retries. */
  readonly errors?: number
  readonly rateLimitWaits?: number
  readonly rateLimitWaitMs?: number
  /**
   * Calls whose endpoint reported no token usage, so their tokens were counted with a tokenizer of the model's
   * family (`estimated_calls`); NULL in the table when not given (not measured).
   */
  readonly estimatedCalls?: number
  /** Failed attempts by kind (`rate_limited`, `timeout`, ...: see `FaultKind` in @lyceum/models). */
  readonly faults?: Readonly<Record<string, ModelFaultCount | undefined>>
}

/** One point of the `learning_curve` view: the mean score of a student on a task after a round. */
export interface LearningCurveRow {
  readonly runId: string
  readonly repeat: number
  readonly round: number
  readonly student: string
  readonly task: string
  readonly method: string
  readonly n: number
  readonly promptLessons: number
  readonly metric: Metric
  /** Mean score over the evaluated items (accuracy in [0, 1]). */
  readonly value: number
  readonly nItems: number
}

/** One detector finding behind a lesson's filter decision; the matched text only as a keyed hash. */
export interface FindingRow {
  readonly runId: string
  readonly lessonId: string
  readonly detector: string
  readonly action: PolicyAction
  /** UTF-16 offsets into the checked lesson text; `end` exclusive. */
  readonly start: number
  readonly end: number
  readonly matchedHash: string
  readonly reason: string
}

/** A leakage measure (e.g. `canary_rank`, `canary_exposure`) of one student, or of one teacher's lessons. */
export interface LeakageRow {
  readonly runId: string
  readonly repeat: number
  readonly round: number
  readonly task: string
  readonly method: string
  readonly teacher: string | null
  readonly student: string
  readonly metric: string
  readonly value: number
}

/** The culture and topic a test item is about (cultural probes). */
export interface ItemLabelRow {
  readonly runId: string
  readonly task: string
  readonly itemId: string
  readonly culture: string
  readonly topic: string
}

/**
 * Text one agent sent another (a row of `messages`), with the privacy filter's decision when the sender holds
 * private data (null fields when no filter stood between them). For a dropped message, `text` is the withheld
 * text, which never left the sender.
 */
export const MessageRow = Schema.Struct({
  runId: Schema.String,
  id: Schema.String,
  repeat: Schema.Int,
  round: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  sender: Schema.String,
  recipient: Schema.String,
  /** What the text is in the kind's protocol: `answer`, `candidates`, `verdict`, ... */
  kind: Schema.NonEmptyString,
  text: Schema.String,
  filterAction: Schema.NullOr(FilterAction),
  filterDetector: Schema.NullOr(Schema.String),
  filterReason: Schema.NullOr(Schema.String),
  /** It reached the recipient (not dropped by the filter). */
  sent: Schema.Boolean,
  /** ISO-8601. */
  createdAt: Schema.String,
  /** The exchange's place in its step, 0-based (a conversation's turn); absent when order does not matter. */
  turn: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
})
export type MessageRow = typeof MessageRow.Type

/**
 * A detector finding behind a message's filter decision (a row of `message_findings`): where in the checked
 * text, and a keyed hash of what matched, never the text itself. Written after the messages of its batch.
 */
export const MessageFindingRow = Schema.Struct({
  runId: Schema.String,
  messageId: Schema.String,
  detector: Schema.String,
  action: PolicyAction,
  start: Schema.Int,
  end: Schema.Int,
  matchedHash: Schema.String,
  reason: Schema.String,
})
export type MessageFindingRow = typeof MessageFindingRow.Type

/** One stored step of a cohort (a row of `cohort_steps`); the store stamps `finished_at`. */
export const CohortStepRow = Schema.Struct({
  runId: Schema.String,
  repeat: Schema.Int,
  task: Schema.String,
  method: Schema.String,
  /** 0-based; a cohort of `steps` steps is finished when steps 0 .. steps-1 all have a row. */
  step: Schema.Int.pipe(Schema.nonNegative()),
  /** The cohort ended with this step (a conversation over early): finished once steps 0 .. this one are stored. */
  final: Schema.optional(Schema.Boolean),
  /** The `lyceum worker` that played it (work queue) and the delivery of its unit; absent: played here. */
  worker: Schema.optional(Schema.String),
  attempt: Schema.optional(Schema.Int.pipe(Schema.positive())),
})
export type CohortStepRow = typeof CohortStepRow.Type

/**
 * One `openai` model's capability probe at a run's start (a row of `model_capabilities`; a resumed run probes
 * again and replaces it): the declared and the effective score mode, each verdict, and every finding as JSON.
 */
export const ModelCapabilitiesRow = Schema.Struct({
  runId: Schema.String,
  model: Schema.String,
  baseURL: Schema.String,
  declaredScore: Schema.String,
  effectiveScore: Schema.String,
  echo: Schema.String,
  chatLogprobs: Schema.String,
  n: Schema.String,
  seed: Schema.String,
  /** The probe's findings with their evidence (`ModelCapabilities` of @lyceum/models), as JSON. */
  findings: Schema.String,
})
export type ModelCapabilitiesRow = typeof ModelCapabilitiesRow.Type

/**
 * Rows for one of a kind's own tables (e.g. `ensemble_items`), keyed by column name (snake_case). The store
 * checks the table and every column against the database schema before writing; the table must have run_id,
 * repeat, task and method columns, so resume can find and delete a cohort's rows.
 */
export interface KindRows {
  readonly table: string
  readonly rows: ReadonlyArray<Readonly<Record<string, SqlValue>>>
}

/** Rows written together, atomically: typically everything one completed step produced. */
export interface RowBatch {
  readonly agents?: ReadonlyArray<AgentRow>
  readonly lessons?: ReadonlyArray<LessonRow>
  readonly messages?: ReadonlyArray<MessageRow>
  /** Written after `messages` in the same batch (they reference their message). */
  readonly messageFindings?: ReadonlyArray<MessageFindingRow>
  readonly evaluations?: ReadonlyArray<EvaluationRow>
  readonly modelUsage?: ReadonlyArray<ModelUsageRow>
  readonly itemLabels?: ReadonlyArray<ItemLabelRow>
  readonly leakage?: ReadonlyArray<LeakageRow>
  /** Written after `lessons` in the same batch (they reference their lesson). */
  readonly findings?: ReadonlyArray<FindingRow>
  /** Per-kind tables, in the order given. */
  readonly kindRows?: ReadonlyArray<KindRows>
  /** The steps this batch completes: with the batch's other rows or not at all. */
  readonly cohortSteps?: ReadonlyArray<CohortStepRow>
  /** Replaces the run's earlier probe of the same model (a resumed run probes again). */
  readonly modelCapabilities?: ReadonlyArray<ModelCapabilitiesRow>
}
