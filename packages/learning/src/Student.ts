import { type AgentId, type Lesson, makeRng, type TaskItem } from "@lyceum/core"
import type { LanguageModel, ModelError } from "@lyceum/models"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import type { Aggregator } from "./Aggregator.js"
import type { ItemResult } from "./Protocol.js"

export interface StudentSetup {
  readonly id: AgentId
  readonly task: Task
  readonly model: LanguageModel
  readonly aggregator: Aggregator
  readonly seed: number
  /** Parallel model calls while evaluating (endpoints have their own limiter). */
  readonly concurrency?: number
}

/**
 * A student holds no data, only the prompt it has learned. Learning appends aggregated lessons to the prompt
 * (a lesson id is applied once, however often it is delivered); inference is prompt + query → answer.
 */
export const makeStudent = (setup: StudentSetup) => {
  const { id, task, model, aggregator } = setup
  const prompt: Array<Lesson> = []
  const applied = new Set<string>()

  const learn = (round: number, candidates: ReadonlyArray<Lesson>, count: number): ReadonlyArray<Lesson> => {
    const fresh = candidates.filter((lesson) => !applied.has(lesson.id))
    const chosen = aggregator.choose(fresh, count, makeRng(setup.seed).fork("aggregate", round))
    for (const lesson of chosen) {
      applied.add(lesson.id)
      prompt.push(lesson)
    }
    return chosen
  }

  const context = () => prompt.map((lesson) => lesson.text).join(task.separator)

  const evaluate = (items: ReadonlyArray<TaskItem>): Effect.Effect<ReadonlyArray<ItemResult>, ModelError> => {
    const learned = context()
    return Effect.forEach(
      items,
      (item) =>
        model
          .generate({ prompt: task.prompt(item, learned), temperature: 0, maxTokens: 16, stop: task.stop })
          .pipe(
            Effect.map((response) => {
              const answer = response.texts[0] ?? ""
              return { itemId: item.id, answer, target: item.target, correct: task.grade(answer, item) }
            }),
          ),
      { concurrency: setup.concurrency ?? 8 },
    )
  }

  return { id, learn, evaluate, context, lessons: () => [...prompt] }
}
