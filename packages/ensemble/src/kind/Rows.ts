import { type CohortId, cohortKey, filterColumns, findingColumns, type StepResult } from "@lyceum/coalition"
import type { TaskItem } from "@lyceum/core"
import { auditText } from "@lyceum/privacy"
import type { Task } from "@lyceum/tasks"
import { answerPrompt } from "../agents/Prompts.js"
import { COALITION } from "../config/EnsembleConfig.js"
import type { PlayOutcome } from "./Play.js"

export interface RowsContext {
  readonly runId: string
  readonly id: CohortId
  readonly task: Task
  readonly items: ReadonlyArray<TaskItem>
  readonly names: ReadonlyArray<string>
  /** In-context examples each proposer's prompt holds (`evaluations.prompt_lessons`). */
  readonly shots: ReadonlyArray<number>
  /** ISO-8601, for the messages rows. */
  readonly now: string
  /** `privacy.keepDroppedText`: store withheld answers as written (default: "" for a dropped one). */
  readonly keepDroppedText: boolean
  /** The context proposer `p`'s answers are stored with (`storedProposerContext`), in proposer order. */
  readonly contexts: ReadonlyArray<string>
}

/**
 * A step's records: every proposer's graded answers and the coalition's (`evaluations`, round 0, n 0; the
 * coalition's prompt_lessons is the examples of all its proposers), one `ensemble_items` row per item, the
 * stages, and every answer shown to another agent with its sender's filter decision (`messages`).
 */
export const stepRows = (ctx: RowsContext, outcome: PlayOutcome): StepResult => {
  const { runId, id, task, items } = ctx
  const cohort = { runId, repeat: id.repeat, task: id.task, method: id.method }
  // The coalition's answer has no prompt of its own (it is aggregated from several): stored without one.
  const evaluation = (
    student: string,
    promptLessons: number,
    item: TaskItem,
    answer: string,
    context: string | null,
  ) => ({
    ...cohort,
    round: 0,
    student,
    n: 0,
    promptLessons,
    metric: "accuracy" as const,
    itemId: item.id,
    answer,
    target: item.target,
    score: task.grade(answer, item) ? 1 : 0,
    ...(context !== null && { prompt: answerPrompt(task, context, item), promptContext: context }),
  })
  const proposerRows = outcome.answers.flatMap((row, p) =>
    row.map((a, i) => evaluation(ctx.names[p]!, ctx.shots[p]!, items[i]!, a.answer, ctx.contexts[p]!)),
  )
  const totalShots = ctx.shots.reduce((a, b) => a + b, 0)
  const coalitionRows = outcome.outcomes.map((o, i) =>
    evaluation(COALITION, totalShots, items[i]!, o.answer, null),
  )
  const key = { run_id: runId, repeat: id.repeat, task: id.task, method: id.method }
  const itemRows = outcome.outcomes.map((o, i) => ({
    ...key,
    item_id: items[i]!.id,
    answer: o.answer,
    target: items[i]!.target,
    correct: coalitionRows[i]!.score,
    oracle: outcome.answers.some((row) => task.grade(row[i]!.answer, items[i]!)) ? 1 : 0,
    chosen: o.chosen ?? null,
    confidence: o.confidence ?? null,
    stages: o.stages,
    calls: o.usage.calls,
    prompt_tokens: o.usage.promptTokens,
    completion_tokens: o.usage.completionTokens,
    cost_usd: o.usage.costUsd,
    flips: o.flips ?? null,
    pairs: o.pairs ?? null,
  }))
  const stageRows = outcome.stages.map((s) => ({
    ...key,
    item_id: s.itemId,
    stage: s.stage,
    agent: s.agent,
    answer: s.answer,
    confidence: s.confidence,
    accepted: s.accepted ? 1 : 0,
  }))
  const messageId = (s: (typeof outcome.shown)[number]) =>
    `${cohortKey(id)}/${s.itemId}/${s.layer}/${s.sender}/${s.recipient}`
  const messages = outcome.shown.map((s) => {
    const { decision } = s.shared
    const sent = decision.action !== "drop"
    return {
      ...cohort,
      id: messageId(s),
      // Answers of layer l are shown to their readers in the step's l-th exchange (moa: layer by layer).
      turn: s.layer - 1,
      round: 0,
      sender: s.sender,
      recipient: s.recipient,
      kind: "answer",
      // As for lessons: what the recipient saw; a withheld answer only when the scenario keeps dropped text.
      text: auditText(
        { written: s.answer, action: decision.action, cleared: s.shared.text },
        ctx.keepDroppedText,
      ),
      ...filterColumns(decision),
      sent,
      createdAt: ctx.now,
    }
  })
  // Where the filter found something in an answer it showed or withheld: spans and keyed hashes only.
  const messageFindings = outcome.shown.flatMap((s) =>
    findingColumns(s.shared.decision).map((f) => ({ runId: cohort.runId, messageId: messageId(s), ...f })),
  )
  const evaluations = [...proposerRows, ...coalitionRows]
  return {
    rows: {
      evaluations,
      messages,
      messageFindings,
      kindRows: [
        { table: "ensemble_items", rows: itemRows },
        { table: "ensemble_stages", rows: stageRows },
      ],
    },
    summary: {
      accuracy: coalitionRows.reduce((a, e) => a + e.score, 0) / Math.max(1, coalitionRows.length),
      sent: messages.filter((m) => m.sent).length,
      dropped: messages.length - messages.filter((m) => m.sent).length,
      messages: "answers shown",
    },
  }
}
