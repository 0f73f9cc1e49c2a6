import { type AgentId, Lesson, type LessonRequest, makeRng, type TaskItem } from "@lyceum/core"
import { type LanguageModel, type ModelError, meanLogprob } from "@lyceum/models"
import type { FilterDecision, PrivacyFilter } from "@lyceum/privacy"
import { fewShotContext, type Task } from "@lyceum/tasks"
import { Effect } from "effect"

export type LessonStrategy =
  | { readonly kind: "original-examples" }
  | {
      readonly kind: "synthetic-examples"
      /** Private examples shown as few-shot context (paper: n_gen). */
      readonly nGen: number
      /** Sampling temperature (paper: tau). */
      readonly temperature: number
      /** Samples drawn before ranking. */
      readonly samples: number
      readonly maxTokens: number
    }

export interface TeacherSetup {
  readonly id: AgentId
  readonly task: Task
  /** The teacher's private partition; it never leaves the teacher except through the filter. */
  readonly privateItems: ReadonlyArray<TaskItem>
  readonly model: LanguageModel
  readonly filter: PrivacyFilter
  readonly strategy: LessonStrategy
  readonly seed: number
}

/** A candidate lesson with the filter's decision: the audit record, kept whether the lesson left or not. */
export interface LessonAudit {
  readonly lesson: Lesson
  readonly decision: FilterDecision
  /** Whether it left the teacher (passed the filter and ranked among the best `count`). */
  readonly sent: boolean
}

export interface TeachResult {
  /** Lessons that passed the filter (allowed or flagged), best first. */
  readonly lessons: ReadonlyArray<Lesson>
  /** Every candidate that reached the filter or was discarded as malformed, with its decision. */
  readonly audit: ReadonlyArray<LessonAudit>
}

const MALFORMED: FilterDecision = {
  action: "drop",
  detector: "malformed",
  reason: "not a well-formed example",
}

/**
 * A teacher's whole job: answer a lesson request from its private data. Synthetic examples follow the paper:
 * n_gen private examples as few-shot context, sample at temperature tau, discard broken generations, pass the
 * filter, keep the `count` most likely (lowest perplexity) survivors.
 */
export const makeTeacher = (setup: TeacherSetup) => {
  const { id, task, privateItems, model, filter, strategy } = setup

  const lessonFor = (request: LessonRequest, index: number, text: string, kind: Lesson["kind"]) =>
    new Lesson({
      id: `${id}/${request.student}/${request.repeat}/${request.round}/${index}`,
      teacher: id,
      student: request.student,
      repeat: request.repeat,
      round: request.round,
      kind,
      text,
    })

  const teach = (request: LessonRequest): Effect.Effect<TeachResult, ModelError> =>
    Effect.gen(function* () {
      const rng = makeRng(setup.seed).fork("teach", request.student, request.repeat, request.round)
      if (strategy.kind === "original-examples") {
        const chosen = rng.shuffle(privateItems).slice(0, request.count)
        const audit = chosen.map((item, i) => {
          const lesson = lessonFor(request, i, task.render(item), "original-example")
          const decision = filter.check(lesson.text)
          return { lesson, decision, sent: decision.action !== "drop" }
        })
        return { lessons: audit.filter((a) => a.sent).map((a) => a.lesson), audit }
      }

      const shots = rng.shuffle(privateItems).slice(0, strategy.nGen)
      const context = fewShotContext(task, shots) + task.separator
      const generated = yield* model.generate({
        prompt: context,
        temperature: strategy.temperature,
        n: strategy.samples,
        maxTokens: strategy.maxTokens,
        stop: [task.separator],
        seed: rng.int(2 ** 31),
      })
      const candidates: Array<{ lesson: Lesson; decision: FilterDecision }> = []
      const passed: Array<{ lesson: Lesson; score: number }> = []
      for (const [i, raw] of generated.texts.entries()) {
        const lesson = lessonFor(request, i, raw.trim(), "synthetic-example")
        if (task.parse(lesson.text) === undefined) {
          candidates.push({ lesson, decision: MALFORMED })
          continue
        }
        const decision = filter.check(lesson.text)
        candidates.push({ lesson, decision })
        if (decision.action === "drop") continue
        const scored = yield* model.score({ prompt: context, continuation: lesson.text })
        passed.push({ lesson, score: meanLogprob(scored) })
      }
      const best = passed.sort((a, b) => b.score - a.score).slice(0, request.count)
      const sent = new Set(best.map((b) => b.lesson.id))
      const audit = candidates.map((c) => ({ ...c, sent: sent.has(c.lesson.id) }))
      return { lessons: best.map((b) => b.lesson), audit }
    })

  return { id, teach }
}
