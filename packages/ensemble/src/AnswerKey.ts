import { TaskItem } from "@lyceum/core"
import type { Task } from "@lyceum/tasks"

/**
 * Which answers to one item are "the same answer", the way the task grades, without looking at the target.
 *
 * A task only says whether an answer matches a target (`grade`), not how it normalises. So each answer is
 * graded against every reading the candidates themselves offer as a target — each candidate whole, its first
 * line and its first word — and two answers are one class when they match exactly the same readings. For spam
 * (`" Spam."` and `"spam"`), cloze (`"Paris is"` and `"paris."`) and arithmetic (`#### 18` in two solutions)
 * this is the task's own normalisation. The pseudo-items carry another id than the item's, so a task that grades
 * by item id (cultural probes) cannot reveal the real answer. An answer that matches no reading, not even its
 * own (an arithmetic answer without `####`), is no answer: it abstains (key undefined).
 */
export const answerKeys = (
  task: Task,
  item: TaskItem,
  answers: ReadonlyArray<string>,
): ReadonlyArray<string | undefined> => {
  const readings = [
    ...new Set(
      answers.flatMap((answer) => {
        const firstLine = answer.trim().split("\n")[0] ?? ""
        const firstWord = firstLine.split(/\s+/u)[0] ?? ""
        return [answer, ` ${firstLine}`, ` ${firstWord}`]
      }),
    ),
  ].filter((reading) => reading.trim().length > 0)
  const targets = readings.map(
    (target, i) => new TaskItem({ id: `${item.id}\u0000reading-${i}`, input: item.input, target }),
  )
  return answers.map((answer) => {
    const signature = targets.map((target) => (task.grade(answer, target) ? "1" : "0")).join("")
    return signature.includes("1") ? signature : undefined
  })
}

/** Answers grouped by key, in order of first appearance; abstentions are left out. */
export interface AnswerClass {
  readonly key: string
  /** Indexes of the answers in the class. */
  readonly members: ReadonlyArray<number>
}

export const answerClasses = (keys: ReadonlyArray<string | undefined>): ReadonlyArray<AnswerClass> => {
  const classes = new Map<string, Array<number>>()
  keys.forEach((key, i) => {
    if (key === undefined) return
    const members = classes.get(key) ?? []
    members.push(i)
    classes.set(key, members)
  })
  return [...classes].map(([key, members]) => ({ key, members }))
}
