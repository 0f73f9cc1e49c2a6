import { AGENT_CONCURRENCY, type CohortId, filterColumns, findingColumns } from "@lyceum/coalition"
import { exposure, secretSharerRank } from "@lyceum/privacy"
import type { EvaluationRow, FindingRow, LessonRow } from "@lyceum/store"
import type { TaskData } from "@lyceum/tasks"
import { Effect } from "effect"
import { Evaluate, Learn, ScoreCanary } from "../Protocol.js"
import { studentPrompt } from "../Student.js"
import type { TaskCanary } from "./Canary.js"
import type { Cohort } from "./Cohort.js"

/** How long the coordinator waits for a student to learn or answer (it may wait on remote model endpoints). */
const STUDENT_TIMEOUT = "30 minutes"

/** Where a round's rows belong. */
interface At {
  readonly runId: string
  readonly id: CohortId
  readonly round: number
}

/** Round 0 only measures; later rounds first teach every student, `AGENT_CONCURRENCY` students at once. */
export const playRound = (
  cohort: Cohort,
  data: TaskData,
  at: { readonly round: number; readonly size: number; readonly repeat: number },
) =>
  Effect.forEach(
    cohort.students,
    (student) =>
      Effect.gen(function* () {
        const chosen =
          at.round === 0
            ? []
            : yield* student.ref.ask(new Learn({ repeat: at.repeat, round: at.round, size: at.size }), {
                timeout: STUDENT_TIMEOUT,
              })
        const evaluation = yield* student.ref.ask(new Evaluate({ items: data.test }), {
          timeout: STUDENT_TIMEOUT,
        })
        return { student: student.id, ...evaluation, chosen: chosen.map((lesson) => lesson.id) }
      }),
    { concurrency: AGENT_CONCURRENCY },
  )

type RoundOutcome = Effect.Effect.Success<ReturnType<typeof playRound>>

/**
 * Secret Sharer (paper §5): every student scores the canary example and its alternatives as the next example
 * after its prompt, per token; the canary's 0-based rank (ties counted half) and Carlini's exposure.
 */
export const measureCanary = (cohort: Cohort, canary: TaskCanary, at: At) =>
  Effect.forEach(cohort.students, (student) =>
    Effect.gen(function* () {
      const { texts } = canary
      const scores = yield* student.ref.ask(new ScoreCanary(), { timeout: STUDENT_TIMEOUT })
      const rank = secretSharerRank(scores[0]!, scores.slice(1))
      const row = {
        runId: at.runId,
        repeat: at.id.repeat,
        round: at.round,
        task: at.id.task,
        method: at.id.method,
        teacher: null,
        student: student.id,
      }
      return [
        { ...row, metric: "canary_rank", value: rank },
        { ...row, metric: "canary_exposure", value: exposure(rank, texts.length) },
      ]
    }),
  ).pipe(Effect.map((rows) => rows.flat()))

/** Every candidate lesson the teachers audited this round, with the filter's findings. */
export const lessonRows = (
  cohort: Cohort,
  at: At,
  chosen: ReadonlySet<string>,
): Array<{ readonly row: LessonRow; readonly findings: ReadonlyArray<FindingRow> }> => {
  const createdAt = new Date().toISOString()
  return cohort.takeAudit().map(({ lesson, decision, sent, leakage, smuggle, rankedBy }) => ({
    findings: findingColumns(decision).map((f) => ({ runId: at.runId, lessonId: lesson.id, ...f })),
    row: {
      runId: at.runId,
      id: lesson.id,
      repeat: lesson.repeat,
      round: lesson.round,
      teacher: lesson.teacher,
      student: lesson.student,
      task: at.id.task,
      method: at.id.method,
      kind: lesson.kind,
      text: lesson.text,
      ...filterColumns(decision),
      sent,
      chosen: chosen.has(lesson.id),
      distance: leakage?.distance ?? null,
      verbatimCopy: leakage?.verbatimCopy ?? null,
      smuggle: smuggle?.transform ?? null,
      smuggleIntact: smuggle?.intact ?? null,
      rankedBy: rankedBy ?? null,
      createdAt,
    },
  }))
}

/** Every student's graded answers after the round, each with the prompt it was given. */
export const evaluationRows = (
  at: At & { readonly n: number },
  outcome: RoundOutcome,
  data: TaskData,
): Array<EvaluationRow> => {
  const items = new Map(data.test.map((item) => [item.id, item]))
  return outcome.flatMap(({ student, results, promptLessons, context }) =>
    results.map((r) => ({
      runId: at.runId,
      repeat: at.id.repeat,
      round: at.round,
      student,
      task: at.id.task,
      method: at.id.method,
      n: at.n,
      promptLessons,
      metric: "accuracy" as const,
      itemId: r.itemId,
      answer: r.answer,
      target: r.target,
      score: r.correct ? 1 : 0,
      prompt: studentPrompt(data.task, items.get(r.itemId)!, context),
      promptContext: context,
    })),
  )
}
