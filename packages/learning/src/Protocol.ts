import { AgentFailed } from "@lyceum/coalition"
import { Lesson, LessonRequest, TaskItem } from "@lyceum/core"
import { FilterDecisionSchema } from "@lyceum/privacy"
import { Schema } from "effect"

/**
 * The messages teachers, students and the coordinator exchange. They are Schemas so the same protocol runs
 * in one process or across NATS. Note what is absent: there is no teacher-to-teacher message, and a student
 * never receives a lesson the privacy filter dropped.
 */

export { AgentFailed } from "@lyceum/coalition"

/** Student → teacher: the identical query every teacher of the student receives. */
export class Teach extends Schema.TaggedRequest<Teach>()("Teach", {
  failure: AgentFailed,
  success: Schema.Array(Lesson),
  payload: { request: LessonRequest },
}) {}

/** Student → teacher (voting aggregator): rank these candidates by your held-out data, best first. */
export class Rank extends Schema.TaggedRequest<Rank>()("Rank", {
  failure: AgentFailed,
  success: Schema.Array(Schema.String),
  payload: { candidates: Schema.Array(Lesson) },
}) {}

export const TeacherProtocol = Schema.Union(Teach, Rank)

/** Teacher → coordinator: every candidate lesson with its filter decision, for the audit trail. */
export class RecordAudit extends Schema.TaggedRequest<RecordAudit>()("RecordAudit", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {
    records: Schema.Array(
      Schema.Struct({
        lesson: Lesson,
        decision: FilterDecisionSchema,
        sent: Schema.Boolean,
        leakage: Schema.optional(Schema.Struct({ distance: Schema.Number, verbatimCopy: Schema.Boolean })),
        smuggle: Schema.optional(Schema.Struct({ transform: Schema.String, intact: Schema.Boolean })),
        rankedBy: Schema.optional(Schema.Literal("prompt-score", "generation-logprobs")),
      }),
    ),
  },
}) {}

export const RecorderProtocol = RecordAudit

/** Coordinator → student: ask your teachers for lessons until your prompt holds `size`; reply what you chose. */
export class Learn extends Schema.TaggedRequest<Learn>()("Learn", {
  failure: AgentFailed,
  success: Schema.Array(Lesson),
  payload: { repeat: Schema.Int, round: Schema.Int, size: Schema.Int },
}) {}

export const ItemResult = Schema.Struct({
  itemId: Schema.String,
  answer: Schema.String,
  target: Schema.String,
  correct: Schema.Boolean,
})
export type ItemResult = typeof ItemResult.Type

/** Coordinator → student: answer these test items with what you have learned. */
export class Evaluate extends Schema.TaggedRequest<Evaluate>()("Evaluate", {
  failure: AgentFailed,
  /**
   * The graded answers, how many lessons the prompt held (an instruction counts as one), and what the student
   * had learned (`context`): each item was asked as `studentPrompt(task, item, context)`, so the coordinator
   * stores the prompts without each one crossing the bus (a student holds no private data).
   */
  success: Schema.Struct({
    promptLessons: Schema.Int,
    context: Schema.String,
    results: Schema.Array(ItemResult),
  }),
  payload: { items: Schema.Array(TaskItem) },
}) {}

/**
 * Coordinator → student (Secret Sharer): how likely is each of the cohort's canary texts (the canary first, then
 * its alternatives) as a continuation of your learned prompt, per token (mean natural-log probability)? The
 * texts are not in the message: the student derives them from the run's seed as the teachers do, so the canary,
 * a teacher's secret, never crosses the bus.
 */
export class ScoreCanary extends Schema.TaggedRequest<ScoreCanary>()("ScoreCanary", {
  failure: AgentFailed,
  success: Schema.Array(Schema.Number),
  payload: {},
}) {}

export const StudentProtocol = Schema.Union(Learn, Evaluate, ScoreCanary)
