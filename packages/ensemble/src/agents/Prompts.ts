import { TaskItem } from "@lyceum/core"
import { fewShotContext, type Task } from "@lyceum/tasks"

/**
 * The prompts of the ensemble's agents. They are completion style, like the tasks' own prompts (an answer is
 * the continuation after the item's input), so the sim model and chat endpoints read them alike: candidates are
 * shown as the item answered by them, one after the other, before the item is asked again.
 */

/** A proposer's context: its instruction, then its in-context examples. */
export const proposerContext = (
  task: Task,
  instruction: string | undefined,
  shots: ReadonlyArray<TaskItem>,
) =>
  [instruction ?? "", fewShotContext(task, shots)]
    .filter((part) => part.trim().length > 0)
    .join(task.separator)

/** What a proposer asks its model for `item`: its context, then `extra` (a moa layer's candidates), then the item. */
export const answerPrompt = (task: Task, context: string, item: TaskItem, extra = "") =>
  task.prompt(item, joined(task, context, extra))

/**
 * The context a proposer's graded answers are stored with (`evaluations.prompt_hash`; each item is asked after
 * it, `answerPrompt`): its own, except that its private in-context examples are replaced by a note saying how
 * many there were, unless the scenario keeps withheld text (`privacy.keepDroppedText`, which makes the file as
 * private as the agents' data).
 */
export const storedProposerContext = (
  task: Task,
  proposer: { readonly instruction: string | undefined; readonly shots: ReadonlyArray<TaskItem> },
  keepPrivate: boolean,
) =>
  keepPrivate
    ? proposerContext(task, proposer.instruction, proposer.shots)
    : joined(
        task,
        proposer.instruction ?? "",
        proposer.shots.length === 0 ? "" : `[${proposer.shots.length} private in-context examples withheld]`,
      )

/** The item answered by each candidate, in the order given (what a moa layer, fuser or judge sees). */
export const candidatesContext = (task: Task, item: TaskItem, candidates: ReadonlyArray<string>) =>
  candidates
    .map((answer) => task.render(new TaskItem({ id: item.id, input: item.input, target: answer })))
    .join(task.separator)

/** `context`, then `more`, joined by the task's separator (either may be empty). */
export const joined = (task: Task, ...parts: ReadonlyArray<string>) =>
  parts.filter((part) => part.trim().length > 0).join(task.separator)

/** The verifier's question after the answered item; it continues with " yes" or " no". */
export const verifyPrompt = (task: Task, item: TaskItem, answer: string) =>
  `${task.render(new TaskItem({ id: item.id, input: item.input, target: answer }))}\nIs this answer correct (yes or no)?`
