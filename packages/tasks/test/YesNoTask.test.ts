import { describe, expect, it } from "vitest"
import { fewShotContext } from "../src/Task.js"
import { builtinYesNoItems } from "../src/yesno/YesNoData.js"
import { makeYesNoTask } from "../src/yesno/YesNoTask.js"

const ethanol = {
  id: "e",
  passage: "Ethanol fuel -- All biomass goes through\nat least some of these steps.",
  question: "does ethanol take more energy make that produces",
  answer: "no",
} as const

describe("YesNoTask", () => {
  const task = makeYesNoTask()

  it("renders Passage/Question/Answer lines with a question mark and a space-led label", () => {
    const item = task.toItem(ethanol)
    expect(item.input).toBe(
      "Passage: Ethanol fuel -- All biomass goes through at least some of these steps.\nQuestion: does ethanol take more energy make that produces?\nAnswer:",
    )
    expect(item.target).toBe(" no")
    expect(task.toItem({ ...ethanol, question: "is it?" }).input).toContain("\nQuestion: is it?\n")
    expect(task.render(item)).toBe(`${item.input} no`)
    expect(task.name).toBe("boolq")
  })

  it("builds few-shot prompts ending in the item's input", () => {
    const small = makeYesNoTask({ examples: [ethanol, { ...ethanol, id: "f", answer: "yes" }] })
    const [a, b] = small.examples()
    expect(small.prompt(b!, fewShotContext(small, [a!]))).toBe(`${small.render(a!)}\n\n${b!.input}`)
  })

  it("grades the first word of the answer", () => {
    const no = task.toItem(ethanol)
    for (const answer of [" no", " No.", "NO\nPassage: x", " no, it does not"])
      expect(task.grade(answer, no)).toBe(true)
    for (const answer of [" yes", " not", " nope", "", " maybe no"])
      expect(task.grade(answer, no)).toBe(false)
    expect(task.grade(" Yes!", task.toItem({ ...ethanol, answer: "yes" }))).toBe(true)
  })

  it("parses rendered examples back and rejects broken generations", () => {
    for (const item of task.examples().slice(0, 50)) {
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    }
    expect(task.parse("Passage: It rains.\nQuestion: does it rain?\nAnswer: Yes")?.target).toBe(" yes")
    expect(task.parse("Passage: It rains.\nQuestion: does it rain?\nAnswer: maybe")).toBeUndefined()
    expect(task.parse("Passage: It rains.\nQuestion: does it rain?")).toBeUndefined()
    expect(task.parse("Question: does it rain?\nAnswer: yes")).toBeUndefined()
    expect(task.parse("Passage: \nQuestion: does it rain?\nAnswer: yes")).toBeUndefined()
    expect(task.parse("Passage: a\nQuestion: b?\nAnswer: yes\nPassage: c")).toBeUndefined()
  })
})

describe("builtinYesNoItems", () => {
  const items = builtinYesNoItems()

  it("gives 300 distinct, balanced, deterministic items", () => {
    expect(items).toHaveLength(300)
    expect(items.filter((item) => item.answer === "yes")).toHaveLength(150)
    expect(new Set(items.map((item) => item.passage + item.question)).size).toBe(300)
    expect(new Set(items.map((item) => item.id)).size).toBe(300)
    expect(builtinYesNoItems()).toEqual(items)
    expect(builtinYesNoItems(1)).not.toEqual(items)
    for (const item of items) {
      expect(item.passage).not.toMatch(/undefined|NaN|\n|\s$/)
      expect(item.question).toMatch(/^[a-z][^?A-Z]*$/)
    }
  })

  it("does not let negative words give the answer away", () => {
    const negative = /\b(not|never|no|nobody|only)\b/
    const share = (label: string) => {
      const withLabel = items.filter((item) => item.answer === label)
      return withLabel.filter((item) => negative.test(item.passage)).length / withLabel.length
    }
    // Facts are worded both ways, and inverse questions flip the answer: "a negative word means no" is a
    // weak rule.
    const rule = (share("no") + 1 - share("yes")) / 2
    expect(Math.abs(rule - 0.5)).toBeLessThan(0.15)
  })
})
