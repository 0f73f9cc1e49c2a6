import { TaskItem } from "@lyceum/core"
import { firstAnswerWord, oneLine } from "../AnswerText.js"
import { joinContext, type Task } from "../Task.js"
import { builtinYesNoItems } from "./YesNoData.js"
import { type YesNoExample, type YesNoLabel, yesNoLabels } from "./YesNoExample.js"

/**
 * The BoolQ task (passage + question → yes/no) in a three-line format:
 * `Passage: <passage>\nQuestion: <question>?\nAnswer: <yes|no>`. The paper does not print its BoolQ template,
 * so this one follows its SMS format (labelled lines, the answer last, after a colon). Grading compares the
 * first word of the answer with the label, ignoring case and punctuation.
 */
export interface YesNoTask extends Task {
  /**
   * The item for one example. `input` ends with `Answer:`; `target` is the label with a leading space. Passage
   * and question become one line each; the question gets a question mark if it has none (BoolQ's have none).
   */
  readonly toItem: (example: YesNoExample) => TaskItem
}

export interface YesNoTaskOptions {
  /** The data behind `examples()`; defaults to `builtinYesNoItems()`. */
  readonly examples?: ReadonlyArray<YesNoExample>
}

const passageLine = /^Passage: (\S.*)$/u
const questionLine = /^Question: (\S.*)$/u
const answerLine = /^Answer: (\S+)$/u

const asQuestion = (text: string): string => {
  const line = oneLine(text)
  return line.endsWith("?") ? line : `${line}?`
}

export const makeYesNoTask = (options: YesNoTaskOptions = {}): YesNoTask => {
  const toItem = (example: YesNoExample): TaskItem =>
    new TaskItem({
      id: example.id,
      input: `Passage: ${oneLine(example.passage)}\nQuestion: ${asQuestion(example.question)}\nAnswer:`,
      target: ` ${example.answer}`,
    })
  let items: ReadonlyArray<TaskItem> | undefined
  const separator = "\n\n"
  return {
    name: "boolq",
    toItem,
    examples: () => {
      items ??= (options.examples ?? builtinYesNoItems()).map(toItem)
      return items
    },
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    parse: (text) => {
      const lines = text.trim().split("\n")
      const passage = lines[0]?.match(passageLine)?.[1]
      const question = lines[1]?.match(questionLine)?.[1]
      const label = lines[2]?.match(answerLine)?.[1]?.toLowerCase()
      if (lines.length !== 3 || passage === undefined || question === undefined) return undefined
      if (!yesNoLabels.includes(label as YesNoLabel)) return undefined
      return toItem({ id: "parsed", passage, question, answer: label as YesNoLabel })
    },
    grade: (answer, item) => firstAnswerWord(answer) === item.target.trim(),
    separator,
    stop: ["\n"],
  }
}
