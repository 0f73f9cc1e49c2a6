import { TaskItem } from "@lyceum/core"
import { oneLine } from "../AnswerText.js"
import { joinContext, type Task } from "../Task.js"
import { builtinArithmeticItems } from "./ArithmeticData.js"
import type { ArithmeticExample } from "./ArithmeticExample.js"
import { finalAnswer, normaliseNumber, stripCalculatorAnnotations } from "./FinalAnswer.js"

/**
 * The GSM8K task: `Question: <problem>\nAnswer: <step-by-step solution>\n#### <number>`. A solution spans
 * several lines, so examples are separated by a blank line and an answer ends at one. Grading compares the
 * number after the first `####` of the answer with the target's (commas, currency signs and trailing `.0`
 * ignored); an answer without `#### <number>` is wrong, which is why zero-shot models score 0 (paper, Table 1).
 */
export interface ArithmeticTask extends Task {
  /**
   * The item for one problem. `input` ends with `Answer:`; `target` is the solution with a leading space, so
   * `input + target` is the rendered example. The question becomes one line; blank lines in the solution are
   * dropped (a blank line separates examples).
   */
  readonly toItem: (example: ArithmeticExample) => TaskItem
  /** Tokens a worked solution may need: answers are much longer than a label. */
  readonly maxAnswerTokens: number
}

export interface ArithmeticTaskOptions {
  /** The data behind `examples()`; defaults to `builtinArithmeticItems()`. */
  readonly examples?: ReadonlyArray<ArithmeticExample>
  /**
   * Whether solutions keep GSM8K's calculator annotations (`<<48/2=24>>`), a training aid for calculator
   * use rather than part of the reasoning. Default "strip".
   */
  readonly calculatorAnnotations?: "keep" | "strip"
}

const question = /^Question: (\S.*)$/u
const finalLine = /^####\s*(\S+)$/u

/** Solution lines trimmed, blank lines dropped, the final line as `#### <number>` (models often write `####18`). */
const solutionLines = (text: string): Array<string> =>
  text
    .split("\n")
    .map((line) => line.replace(/\s+/gu, " ").trim())
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^####\s*/u, "#### "))

export const makeArithmeticTask = (options: ArithmeticTaskOptions = {}): ArithmeticTask => {
  const strip = (options.calculatorAnnotations ?? "strip") === "strip"
  const toItem = (problem: ArithmeticExample): TaskItem => {
    const answer = strip ? stripCalculatorAnnotations(problem.answer) : problem.answer
    return new TaskItem({
      id: problem.id,
      input: `Question: ${oneLine(problem.question)}\nAnswer:`,
      target: ` ${solutionLines(answer).join("\n")}`,
    })
  }
  let items: ReadonlyArray<TaskItem> | undefined
  const separator = "\n\n"
  return {
    name: "gsm8k",
    toItem,
    maxAnswerTokens: 256,
    examples: () => {
      items ??= (options.examples ?? builtinArithmeticItems()).map(toItem)
      return items
    },
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    parse: (text) => {
      const lines = text.trim().split("\n")
      const asked = lines[0]?.match(question)?.[1]
      const first = lines[1]?.startsWith("Answer: ") ? lines[1].slice("Answer: ".length).trim() : ""
      const last = lines.at(-1) ?? ""
      const steps = lines.slice(1, -1)
      if (
        asked === undefined ||
        first.length === 0 ||
        lines.length < 3 ||
        normaliseNumber(last.match(finalLine)?.[1] ?? "") === undefined ||
        steps.some((line) => line.trim().length === 0 || line.includes("####") || question.test(line))
      ) {
        return undefined
      }
      return toItem({ id: "parsed", question: asked, answer: [first, ...lines.slice(2)].join("\n") })
    },
    grade: (answer, item) => {
      const expected = finalAnswer(item.target)
      return expected !== undefined && finalAnswer(answer) === expected
    },
    separator,
    stop: ["\n\n", "\nQuestion:"],
  }
}
