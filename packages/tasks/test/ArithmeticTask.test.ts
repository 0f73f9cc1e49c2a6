import { describe, expect, it } from "vitest"
import { builtinArithmeticItems } from "../src/arithmetic/ArithmeticData.js"
import { makeArithmeticTask } from "../src/arithmetic/ArithmeticTask.js"
import { finalAnswer, normaliseNumber, stripCalculatorAnnotations } from "../src/arithmetic/FinalAnswer.js"

/** Evaluates `a op b op c ...` left to right: the templates never mix + or - with * or /. */
const leftToRight = (expression: string): number => {
  const [first, ...rest] = expression.split(/([-+*/])/)
  let value = Number(first)
  for (let i = 0; i < rest.length; i += 2) {
    const operand = Number(rest[i + 1])
    const op = rest[i]
    value =
      op === "+"
        ? value + operand
        : op === "-"
          ? value - operand
          : op === "*"
            ? value * operand
            : value / operand
  }
  return value
}

const ducks = {
  id: "d",
  question: "Janet's ducks lay 16 eggs per day.  She eats three.\nHow many are left?",
  answer: "She has 16 - 3 = <<16-3=13>>13 eggs left.\n\n#### 13",
}

describe("ArithmeticTask", () => {
  const task = makeArithmeticTask()

  it("renders Question/Answer with a multi-line solution ending in ####, annotations stripped", () => {
    const item = task.toItem(ducks)
    expect(item.input).toBe(
      "Question: Janet's ducks lay 16 eggs per day. She eats three. How many are left?\nAnswer:",
    )
    expect(item.target).toBe(" She has 16 - 3 = 13 eggs left.\n#### 13")
    expect(task.render(item)).toBe(`${item.input}${item.target}`)
    expect(makeArithmeticTask({ calculatorAnnotations: "keep" }).toItem(ducks).target).toBe(
      " She has 16 - 3 = <<16-3=13>>13 eggs left.\n#### 13",
    )
    expect(task.name).toBe("gsm8k")
    expect(task.separator).toBe("\n\n")
    expect(task.stop).toContain("\n\n")
  })

  it("grades the number after the first ####, normalised", () => {
    const item = task.toItem(ducks)
    for (const answer of [
      " 16 - 3 = 13\n#### 13",
      "####13",
      "#### 13.0\nmore",
      "#### $13",
      "so\n#### 13.00",
    ]) {
      expect(task.grade(answer, item)).toBe(true)
    }
    for (const answer of [" 13", "The answer is 13.", "#### 12", "#### 130", "#### 12\n#### 13", ""]) {
      expect(task.grade(answer, item)).toBe(false)
    }
    const big = task.toItem({ id: "b", question: "q", answer: "x\n#### 1,250" })
    expect(task.grade("#### 1250", big)).toBe(true)
    expect(task.grade("#### 1,250.0", big)).toBe(true)
  })

  it("normalises numbers and strips calculator annotations", () => {
    expect(normaliseNumber("1,000")).toBe("1000")
    expect(normaliseNumber("$ 18.50")).toBe("18.5")
    expect(normaliseNumber("-0.0")).toBe("0")
    expect(normaliseNumber(".5")).toBe("0.5")
    expect(normaliseNumber("twelve")).toBeUndefined()
    expect(normaliseNumber("1.2.3")).toBeUndefined()
    expect(finalAnswer("no final line")).toBeUndefined()
    expect(finalAnswer("#### -7")).toBe("-7")
    expect(stripCalculatorAnnotations("48/2 = <<48/2=24>>24 and <<24*2=48>>48")).toBe("48/2 = 24 and 48")
  })

  it("parses rendered examples back, accepting ####18, and rejects broken generations", () => {
    for (const item of task.examples().slice(0, 50)) {
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    }
    expect(task.parse("Question: 2 + 2?\nAnswer: 2 + 2 = 4.\n####4")?.target).toBe(" 2 + 2 = 4.\n#### 4")
    expect(task.parse("Question: 2 + 2?\nAnswer: 2 + 2 = 4.")).toBeUndefined()
    expect(task.parse("Question: 2 + 2?\nAnswer: #### 4")).toBeUndefined()
    expect(task.parse("Question: 2 + 2?\nAnswer: 2 + 2 = 4.\n#### four")).toBeUndefined()
    expect(task.parse("Answer: 2 + 2 = 4.\n#### 4")).toBeUndefined()
    expect(task.parse("Question: 2 + 2?\nAnswer: 4\n\n#### 4")).toBeUndefined()
    expect(task.parse("Question: 2 + 2?\nAnswer: 4\nQuestion: 3 + 3?\n#### 4")).toBeUndefined()
    expect(task.parse("Question: 2 + 2?\nAnswer: 4\n#### 4\n#### 5")).toBeUndefined()
  })
})

describe("builtinArithmeticItems", () => {
  const items = builtinArithmeticItems()

  it("gives 300 distinct, deterministic problems with GSM8K-style solutions", () => {
    expect(items).toHaveLength(300)
    expect(new Set(items.map((item) => item.question)).size).toBe(300)
    expect(new Set(items.map((item) => item.id)).size).toBe(300)
    expect(builtinArithmeticItems()).toEqual(items)
    expect(builtinArithmeticItems(1)).not.toEqual(items)
    for (const item of items) {
      expect(item.answer).toMatch(/<<[^>]+=[^>]+>>/)
      expect(item.answer).toMatch(/\n#### \d+$/)
      expect(item.question).not.toMatch(/undefined|NaN/)
    }
  })

  it("writes calculator annotations whose arithmetic is right and whose last result is the answer", () => {
    for (const item of items) {
      const results: Array<number> = []
      for (const [, expression, value] of item.answer.matchAll(/<<([^=]+)=([^>]+)>>/g)) {
        expect(leftToRight(expression!)).toBe(Number(value))
        results.push(Number(value))
      }
      expect(String(results.at(-1))).toBe(finalAnswer(item.answer))
    }
  })

  it("uses every template: a spread of question kinds", () => {
    const kinds = [/buys .* and .* each/, /has \$\d+\./, /shares the rest/, /miles per hour/, /an hour\./]
    for (const kind of kinds) expect(items.some((item) => kind.test(item.question))).toBe(true)
    const more = [
      /years older/,
      /times as old/,
      /saves \$/,
      /cups of flour/,
      /% off/,
      /legs/,
      /pages/,
      /A box/,
    ]
    for (const kind of more) expect(items.some((item) => kind.test(item.question))).toBe(true)
  })
})
