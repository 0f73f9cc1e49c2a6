import { TaskItem } from "@lyceum/core"
import { joinContext, type Task } from "../Task.js"
import { builtinSpamItems } from "./SpamData.js"
import { type SpamExample, type SpamLabel, spamLabels } from "./SpamExample.js"

/**
 * The paper's two SMS formats (Table 5):
 * - `base`:       `Text: <sms>\nClass: <label>`
 * - `with-class`: `Text: <sms>\nClass (spam or not spam): <label>` (the class list is given in the label line).
 */
export type SpamFormat = "base" | "with-class"

/** The spam task adapter: a `Task` plus the mapping from a labelled SMS to a task item. */
export interface SpamTask extends Task {
  readonly format: SpamFormat
  /**
   * The item for one SMS. `input` ends with the label line's colon (`...\nClass:`); `target` is the label with
   * its leading space (`" spam"` or `" not spam"`), i.e. exactly what a model should continue with, so that
   * `input + target` is the rendered example. Newlines inside the SMS become spaces to keep the two-line shape.
   */
  readonly toItem: (example: SpamExample) => TaskItem
}

export interface SpamTaskOptions {
  readonly format?: SpamFormat
  /** The data behind `examples()`; defaults to `builtinSpamItems()`. */
  readonly examples?: ReadonlyArray<SpamExample>
}

const labelLine: Record<SpamFormat, string> = {
  base: "Class:",
  "with-class": "Class (spam or not spam):",
}

/** Lower case, single spaces, no surrounding quotes or punctuation. */
const normaliseLabel = (text: string): string =>
  text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[\s"'.,;:!?()[\]*-]+|[\s"'.,;:!?()[\]*-]+$/g, "")

/** The answer's first non-blank line, normalised: what grading compares with the label. */
export const parseSpamAnswer = (answer: string): string =>
  normaliseLabel(answer.trimStart().split("\n")[0] ?? "")

export const makeSpamTask = (options: SpamTaskOptions = {}): SpamTask => {
  const format = options.format ?? "base"
  const toItem = (example: SpamExample): TaskItem =>
    new TaskItem({
      id: example.id,
      input: `Text: ${example.text.replace(/\s*[\r\n]+\s*/g, " ").trim()}\n${labelLine[format]}`,
      target: ` ${example.label}`,
    })
  let items: ReadonlyArray<TaskItem> | undefined
  const separator = "\n\n"
  return {
    name: format === "base" ? "sms-spam" : "sms-spam-with-class",
    format,
    toItem,
    examples: () => {
      items ??= (options.examples ?? builtinSpamItems()).map(toItem)
      return items
    },
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    parse: (text) => {
      const lines = text.trim().split("\n")
      const sms = lines[0]?.match(/^Text: (\S.*)$/)?.[1]
      const label = lines[1]?.startsWith(`${labelLine[format]} `)
        ? lines[1].slice(labelLine[format].length + 1)
        : ""
      if (lines.length !== 2 || sms === undefined || !spamLabels.includes(label as SpamLabel))
        return undefined
      return toItem({ id: "parsed", text: sms, label: label as SpamLabel })
    },
    grade: (answer, item) => parseSpamAnswer(answer) === normaliseLabel(item.target),
    separator,
    stop: ["\n"],
  }
}
