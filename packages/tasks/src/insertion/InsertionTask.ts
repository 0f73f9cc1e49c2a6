import { TaskItem } from "@lyceum/core"
import { firstAnswerWord, normaliseWord } from "../AnswerText.js"
import { joinContext, type Task } from "../Task.js"
import { builtinInsertionItems, insertionSymbols } from "./InsertionData.js"
import type { InsertionExample } from "./InsertionExample.js"

/**
 * GPT-3's random insertion task (Brown et al. 2020) in its prompt format:
 * `Please unscramble the letters into a word, and write that word:\n<scrambled> = <word>`. Each example repeats
 * the instruction, so that a single item is a complete zero-shot prompt. Grading compares the first word of
 * the answer with the word, ignoring case and surrounding punctuation.
 */
export interface InsertionTask extends Task {
  /** The item for one example: `input` ends with ` =`, `target` is the word with a leading space. */
  readonly toItem: (example: InsertionExample) => TaskItem
}

export interface InsertionTaskOptions {
  /** The data behind `examples()`; defaults to `builtinInsertionItems()`. */
  readonly examples?: ReadonlyArray<InsertionExample>
}

export const insertionInstruction = "Please unscramble the letters into a word, and write that word:"

const symbolClass = insertionSymbols.map((symbol) => symbol.replace(/[\\\]^-]/gu, "\\$&")).join("")
/** Letters with exactly one inserted symbol between every two, ` = `, a word of letters. */
const exampleLine = new RegExp(`^(\\p{L}(?:[${symbolClass}]\\p{L})*) = (\\p{L}+)$`, "u")

export const makeInsertionTask = (options: InsertionTaskOptions = {}): InsertionTask => {
  const toItem = (example: InsertionExample): TaskItem =>
    new TaskItem({
      id: example.id,
      input: `${insertionInstruction}\n${example.scrambled} =`,
      target: ` ${example.word}`,
    })
  let items: ReadonlyArray<TaskItem> | undefined
  const separator = "\n\n"
  return {
    name: "random-insertion",
    toItem,
    examples: () => {
      items ??= (options.examples ?? builtinInsertionItems()).map(toItem)
      return items
    },
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    // The shape only: as for the other tasks, a well-formed example may still be wrong (letters that do not
    // spell its word).
    parse: (text) => {
      const lines = text.trim().split("\n")
      const match = lines[1]?.match(exampleLine)
      if (lines.length !== 2 || lines[0] !== insertionInstruction || match == null) return undefined
      return toItem({ id: "parsed", scrambled: match[1]!, word: match[2]! })
    },
    grade: (answer, item) => {
      const target = normaliseWord(item.target.trim())
      return target !== "" && firstAnswerWord(answer) === target
    },
    separator,
    stop: ["\n"],
  }
}
