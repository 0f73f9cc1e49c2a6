import type { TaskItem } from "@lyceum/core"

/**
 * A task as agents and evaluators see it: labelled items, how an item looks as a complete example in a
 * prompt, how to ask for an answer, and how to grade one. Generic over cloze, classification, arithmetic
 * and yes/no QA: the task-specific knowledge lives in `render`, `prompt` and `grade`.
 */
export interface Task {
  readonly name: string
  /** The task's labelled items (built-in or loaded data), in a fixed order. */
  readonly examples: () => ReadonlyArray<TaskItem>
  /** A complete example (input followed by its target) as it appears in a few-shot prompt. */
  readonly render: (item: TaskItem) => string
  /** The text a model continues to answer `item`, after an optional learned context (examples, instruction). */
  readonly prompt: (item: TaskItem, context?: string) => string
  /** Whether a model's continuation of `prompt(item)` is a correct answer. */
  readonly grade: (answer: string, item: TaskItem) => boolean
  /**
   * The item a complete example text renders, or undefined when the text is not a well-formed example (how a
   * teacher discards broken generations). `parse(render(item))` gives back the item's input and target.
   */
  readonly parse: (text: string) => TaskItem | undefined
  /** What separates examples in a few-shot prompt. */
  readonly separator: string
  /** Tokens an answer may need (worked solutions are long); short answers by default. */
  readonly maxAnswerTokens?: number
  /** Stop sequences that end an answer. */
  readonly stop: ReadonlyArray<string>
}

/** The few-shot context made of `items` rendered as complete examples, in order. */
export const fewShotContext = (task: Task, items: ReadonlyArray<TaskItem>): string =>
  items.map(task.render).join(task.separator)

/** `context`, then the separator, then `input`; just `input` when the context is empty. */
export const joinContext = (separator: string, input: string, context?: string): string => {
  const trimmed = context?.replace(/\s+$/u, "") ?? ""
  return trimmed.length === 0 ? input : `${trimmed}${separator}${input}`
}
