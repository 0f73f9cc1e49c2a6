import { TaskItem } from "@lyceum/core"
import { firstAnswerWord, normaliseWord, oneLine } from "../AnswerText.js"
import { joinContext, type Task } from "../Task.js"
import { builtinClozeItems } from "./ClozeData.js"
import type { ClozeExample } from "./ClozeExample.js"

/**
 * The LAMBADA cloze task in the GPT-2/GPT-3 evaluation format the paper uses (Table 5):
 * `Fill in blank: <passage without its last word> ____ -> <last word>`, one line per example. Grading compares
 * the first word of the answer with the target, ignoring case and surrounding punctuation or quotes.
 */
export interface ClozeTask extends Task {
  /**
   * The item for one passage. `input` ends with the arrow (`Fill in blank: ... ____ ->`); `target` is the word
   * with its leading space, so `input + target` is the rendered example. Line breaks in the passage become
   * spaces (examples are one line each).
   */
  readonly toItem: (example: ClozeExample) => TaskItem
}

export interface ClozeTaskOptions {
  /** The data behind `examples()`; defaults to `builtinClozeItems()`. */
  readonly examples?: ReadonlyArray<ClozeExample>
}

const prefix = "Fill in blank: "
const blank = " ____ ->"
const example = /^Fill in blank: (\S.*?) ____ -> (\S+)$/u

export const makeClozeTask = (options: ClozeTaskOptions = {}): ClozeTask => {
  const toItem = (cloze: ClozeExample): TaskItem =>
    new TaskItem({
      id: cloze.id,
      input: `${prefix}${oneLine(cloze.context)}${blank}`,
      target: ` ${cloze.word}`,
    })
  let items: ReadonlyArray<TaskItem> | undefined
  const separator = "\n\n"
  return {
    name: "lambada",
    toItem,
    examples: () => {
      items ??= (options.examples ?? builtinClozeItems()).map(toItem)
      return items
    },
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    parse: (text) => {
      const match = text.trim().match(example)
      if (match === null || normaliseWord(match[2]!) === "") return undefined
      return toItem({ id: "parsed", context: match[1]!, word: match[2]! })
    },
    grade: (answer, item) => {
      const target = normaliseWord(item.target.trim())
      return target !== "" && firstAnswerWord(answer) === target
    },
    separator,
    stop: ["\n"],
  }
}
