import { type AgentId, type Lesson, makeRng, type TaskItem } from "@lyceum/core"
import { type LanguageModel, type ModelError, meanLogprob } from "@lyceum/models"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import type { ItemResult } from "./Protocol.js"

export interface StudentSetup {
  readonly id: AgentId
  readonly task: Task
  readonly model: LanguageModel
  readonly seed: number
  /** A hand-written instruction the student is given instead of lessons (paper Table 7). */
  readonly manualInstruction?: string | undefined
  /** Parallel model calls while evaluating (endpoints have their own limiter). */
  readonly concurrency?: number
}

/** What a student asks its model for a test item, given what it has learned (its `context()`). */
export const studentPrompt = (task: Task, item: TaskItem, learned: string): string =>
  task.prompt(item, learned)

/**
 * A student holds no data, only the prompt it has learned. Examples accumulate in the prompt (a lesson id is
 * applied once, however often it is delivered); an instruction replaces the prompt, since the paper's
 * student uses one instruction as its whole prompt. Inference is prompt + query → answer.
 */
export const makeStudent = (setup: StudentSetup) => {
  const { id, task, model } = setup
  let prompt: Array<Lesson> = []
  let instructed = false
  const applied = new Set<string>()

  /** Lessons not applied before, for an aggregator to choose from. */
  const fresh = (candidates: ReadonlyArray<Lesson>) => candidates.filter((lesson) => !applied.has(lesson.id))

  const apply = (chosen: ReadonlyArray<Lesson>): ReadonlyArray<Lesson> => {
    for (const lesson of chosen) applied.add(lesson.id)
    const instruction = chosen.find((lesson) => lesson.kind === "instruction")
    prompt = instruction === undefined ? [...prompt, ...chosen] : [instruction]
    return chosen
  }

  /** From round 1 on a manually instructed student has its instruction; before, nothing (zero-shot). */
  const receiveManualInstruction = () => {
    instructed = setup.manualInstruction !== undefined
  }

  const context = () =>
    instructed && setup.manualInstruction !== undefined
      ? setup.manualInstruction
      : prompt.map((lesson) => lesson.text).join(task.separator)

  /** Lessons in the prompt; a manual instruction counts as one. */
  const promptLessons = () => (instructed ? 1 : prompt.length)

  const evaluate = (items: ReadonlyArray<TaskItem>): Effect.Effect<ReadonlyArray<ItemResult>, ModelError> => {
    const learned = context()
    return Effect.forEach(
      items,
      (item) =>
        model
          .generate({
            prompt: studentPrompt(task, item, learned),
            temperature: 0,
            maxTokens: task.maxAnswerTokens ?? 32,
            stop: task.stop,
          })
          .pipe(
            Effect.map((response) => {
              const answer = response.texts[0] ?? ""
              return { itemId: item.id, answer, target: item.target, correct: task.grade(answer, item) }
            }),
          ),
      { concurrency: setup.concurrency ?? 8 },
    )
  }

  /** Mean log-probability per token of each text right after the learned prompt (as a next example). */
  const scoreTexts = (texts: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<number>, ModelError> => {
    const learned = context()
    const prompt = learned.length === 0 ? "" : learned + task.separator
    return Effect.forEach(
      texts,
      (text) => Effect.map(model.score({ prompt, continuation: text }), meanLogprob),
      {
        concurrency: setup.concurrency ?? 8,
      },
    )
  }

  return {
    id,
    fresh,
    scoreTexts,
    apply,
    receiveManualInstruction,
    evaluate,
    context,
    promptLessons,
    /** A generator for this round's random choices, independent of call order. */
    rngFor: (round: number) => makeRng(setup.seed).fork("aggregate", round),
    lessons: () => [...prompt],
  }
}
