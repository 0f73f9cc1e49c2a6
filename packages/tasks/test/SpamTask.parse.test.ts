import { describe, expect, it } from "vitest"
import { makeSpamTask } from "../src/spam/SpamTask.js"

describe("spam task: parsing generated examples", () => {
  for (const format of ["base", "with-class"] as const) {
    const task = makeSpamTask({ format })
    it(`round-trips a rendered example (${format})`, () => {
      const item = task.toItem({ id: "x", text: "Call 09061 to claim your prize", label: "spam" })
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    })
  }

  it("rejects broken generations", () => {
    const task = makeSpamTask()
    expect(task.parse("Text: see you at six\nClass: not spam")).toBeDefined()
    expect(task.parse("Text: see you at six\nClass: maybe")).toBeUndefined()
    expect(task.parse("Text: see you at six")).toBeUndefined()
    expect(task.parse("Text: \nClass: spam")).toBeUndefined()
    expect(task.parse("see you\nClass: spam")).toBeUndefined()
    expect(task.parse("Text: a\nClass: spam\nText: b")).toBeUndefined()
  })
})
