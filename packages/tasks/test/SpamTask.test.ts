import { describe, expect, it } from "vitest"
import { makeSpamTask, parseSpamAnswer } from "../src/spam/SpamTask.js"
import { fewShotContext } from "../src/Task.js"

const spam = { id: "a", text: "WIN a prize! Txt WIN to 80082", label: "spam" } as const
const ham = { id: "b", text: "See you at\nthe pub at 8", label: "not spam" } as const

describe("SpamTask", () => {
  it("renders the base format with the label as a space-led target", () => {
    const task = makeSpamTask()
    const item = task.toItem(spam)
    expect(item.input).toBe("Text: WIN a prize! Txt WIN to 80082\nClass:")
    expect(item.target).toBe(" spam")
    expect(task.render(item)).toBe("Text: WIN a prize! Txt WIN to 80082\nClass: spam")
    expect(task.toItem(ham).input).toBe("Text: See you at the pub at 8\nClass:")
  })

  it("renders the with-class format", () => {
    const task = makeSpamTask({ format: "with-class" })
    expect(task.render(task.toItem(ham))).toBe(
      "Text: See you at the pub at 8\nClass (spam or not spam): not spam",
    )
    expect(task.name).toBe("sms-spam-with-class")
  })

  it("builds few-shot prompts ending in the item's input", () => {
    const task = makeSpamTask({ examples: [spam, ham] })
    const [a, b] = task.examples()
    const context = fewShotContext(task, [a!])
    expect(task.prompt(b!, context)).toBe(`${task.render(a!)}\n\n${b!.input}`)
    expect(task.prompt(b!)).toBe(b!.input)
    expect(task.prompt(b!, "")).toBe(b!.input)
  })

  it("grades by the normalised first line of the answer", () => {
    const task = makeSpamTask()
    const item = task.toItem(ham)
    expect(task.grade(" not spam\nText: something else", item)).toBe(true)
    expect(task.grade(" Not Spam.", item)).toBe(true)
    expect(task.grade(" spam", item)).toBe(false)
    expect(task.grade(" not spam at all", item)).toBe(false)
    expect(task.grade("", item)).toBe(false)
    expect(task.grade(" spam", task.toItem(spam))).toBe(true)
    expect(parseSpamAnswer('  "SPAM"!\nmore')).toBe("spam")
  })
})
