import { AgentFailed } from "@lyceum/coalition"
import { TaskItem } from "@lyceum/core"
import { FilterDecisionSchema } from "@lyceum/privacy"
import { Schema } from "effect"

/**
 * What the coordinator and a shard (the actor holding `shardSize` agents) exchange. Agents are named by their
 * 0-based index in the population; a message carries many agents' work, so a round of a million agents is a few
 * thousand messages. There is no shard-to-shard message: every lesson of a round is written (Teach) before any
 * is learned (Learn), so agents teach from what they held at the end of the previous round wherever they live.
 */

/** What a lesson's writer and its filter did with one request: `none` when it had nothing to teach. */
export const LessonAction = Schema.Literal("allow", "flag", "redact", "drop", "none")
export type LessonAction = typeof LessonAction.Type

export const WrittenLesson = Schema.Struct({
  /** What left the teacher: the filter's cleared text; "" when dropped or when it had nothing. */
  text: Schema.String,
  action: LessonAction,
  /** The writer's score of the lesson (mean log-probability per token when ranked; 0 for verbatim ones). */
  score: Schema.Number,
  /**
   * The filter's decision when it did not simply allow; its findings (spans and keyed hashes, never the secret)
   * only for the positions the request names in `details` and for what was dropped or redacted.
   */
  decision: Schema.optional(FilterDecisionSchema),
  /** The text as written, only under `privacy.keepDroppedText` and only when the filter withheld some of it. */
  written: Schema.optional(Schema.String),
})
export type WrittenLesson = typeof WrittenLesson.Type

/** Coordinator → teachers' shard: agent `teachers[i]` writes one lesson for agent `learners[i]`. */
export class Teach extends Schema.TaggedRequest<Teach>()("Teach", {
  failure: AgentFailed,
  success: Schema.Array(WrittenLesson),
  payload: {
    round: Schema.Int,
    teachers: Schema.Array(Schema.Int),
    learners: Schema.Array(Schema.Int),
    /** Positions in this request whose lessons are stored (a panel agent's): their findings are wanted. */
    details: Schema.Array(Schema.Int),
  },
}) {}

/** Coordinator → learners' shard: agent `learners[i]` takes lesson `texts[i]` into its memory, in this order. */
export class Learn extends Schema.TaggedRequest<Learn>()("Learn", {
  failure: AgentFailed,
  success: Schema.Void,
  payload: {
    round: Schema.Int,
    /** The chunk's position in the round: a redelivered chunk is applied once. */
    chunk: Schema.Int,
    learners: Schema.Array(Schema.Int),
    texts: Schema.Array(Schema.String),
    scores: Schema.Array(Schema.Number),
  },
}) {}

/** Per agent of the shard, in order: lessons held, seed examples held, whether it holds the canary (0/1). */
export const ShardStats = Schema.Struct({
  memory: Schema.Array(Schema.Int),
  seedFacts: Schema.Array(Schema.Int),
  canary: Schema.Array(Schema.Int),
})
export type ShardStats = typeof ShardStats.Type

export class Stats extends Schema.TaggedRequest<Stats>()("Stats", {
  failure: AgentFailed,
  success: ShardStats,
  payload: {},
}) {}

export const AgentAnswers = Schema.Struct({
  agent: Schema.Int,
  /** Examples in the agent's prompt: its own, then the lessons it holds. */
  promptLessons: Schema.Int,
  /**
   * What the agent had learned, as stored: each item was asked as `task.prompt(item, context)`, except that the
   * agent's own private examples are one note saying how many (unless `privacy.keepDroppedText`). Sent once per
   * agent, not per item, so a reply stays small (`evaluateAgentsPerMessage` in kind/Round.ts).
   */
  context: Schema.String,
  results: Schema.Array(
    Schema.Struct({
      itemId: Schema.String,
      answer: Schema.String,
      target: Schema.String,
      correct: Schema.Boolean,
    }),
  ),
})
export type AgentAnswers = typeof AgentAnswers.Type

/** Coordinator → shard: these agents answer these test items with what they hold. */
export class Evaluate extends Schema.TaggedRequest<Evaluate>()("Evaluate", {
  failure: AgentFailed,
  success: Schema.Array(AgentAnswers),
  payload: { agents: Schema.Array(Schema.Int), items: Schema.Array(TaskItem) },
}) {}

/**
 * Coordinator → shard (Secret Sharer): each agent's mean log-probability per token of the canary and of its
 * alternatives after its prompt. The texts are derived from the run's seed in the shard: the canary never
 * crosses the bus.
 */
export class ScoreCanary extends Schema.TaggedRequest<ScoreCanary>()("ScoreCanary", {
  failure: AgentFailed,
  success: Schema.Array(Schema.Array(Schema.Number)),
  payload: { agents: Schema.Array(Schema.Int) },
}) {}

export const ShardProtocol = Schema.Union(Teach, Learn, Stats, Evaluate, ScoreCanary)
