import { describe, expect, it } from "vitest"
import { builtinClozeItems } from "../src/cloze/ClozeData.js"
import { makeClozeTask } from "../src/cloze/ClozeTask.js"
import { fewShotContext } from "../src/Task.js"

const friend = { id: "a", context: "Alice was friends with Bob. Alice went to visit her friend", word: "Bob" }
const kettle = { id: "b", context: "She filled the\nkettle and switched on the", word: "kettle" }

describe("ClozeTask", () => {
  const task = makeClozeTask()

  it("renders the GPT-2 fill-in-blank format with a space-led target", () => {
    const item = task.toItem(friend)
    expect(item.input).toBe(
      "Fill in blank: Alice was friends with Bob. Alice went to visit her friend ____ ->",
    )
    expect(item.target).toBe(" Bob")
    expect(task.render(item)).toBe(`${item.input} Bob`)
    expect(task.toItem(kettle).input).toBe("Fill in blank: She filled the kettle and switched on the ____ ->")
    expect(task.name).toBe("lambada")
  })

  it("builds few-shot prompts ending in the item's input", () => {
    const small = makeClozeTask({ examples: [friend, kettle] })
    const [a, b] = small.examples()
    expect(small.prompt(b!, fewShotContext(small, [a!]))).toBe(`${small.render(a!)}\n\n${b!.input}`)
    expect(small.prompt(b!)).toBe(b!.input)
  })

  it("grades the first word of the answer, ignoring case, quotes and punctuation", () => {
    const item = task.toItem(friend)
    for (const answer of [" Bob", " bob.", ' "Bob!"', "Bob\nFill in blank: x", " BOB, who was waiting"]) {
      expect(task.grade(answer, item)).toBe(true)
    }
    for (const answer of [" Bobby", " the Bob", "", " Alice", "B.o.b"])
      expect(task.grade(answer, item)).toBe(false)
    const apostrophe = task.toItem({ id: "c", context: "i do", word: "n't" })
    expect(task.grade(" n’t", apostrophe)).toBe(true)
  })

  it("parses rendered examples back and rejects broken generations", () => {
    for (const item of task.examples().slice(0, 50)) {
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    }
    expect(task.parse("Fill in blank: The cat sat on the ____ -> mat")?.target).toBe(" mat")
    expect(task.parse("Fill in blank: The cat sat on the ____ ->")).toBeUndefined()
    expect(task.parse("Fill in blank: The cat sat on the ____ -> the mat")).toBeUndefined()
    expect(task.parse("The cat sat on the ____ -> mat")).toBeUndefined()
    expect(task.parse("Fill in blank: The cat sat on the mat")).toBeUndefined()
    expect(task.parse("Fill in blank: The cat sat on the ____ -> mat\nFill in blank: more")).toBeUndefined()
    expect(task.parse("Fill in blank: The cat sat on the ____ -> ...")).toBeUndefined()
  })
})

describe("builtinClozeItems", () => {
  it("gives 400 distinct, deterministic, one-line passages", () => {
    const items = builtinClozeItems()
    expect(items).toHaveLength(400)
    expect(new Set(items.map((item) => `${item.context} ${item.word}`)).size).toBe(400)
    expect(new Set(items.map((item) => item.id)).size).toBe(400)
    expect(builtinClozeItems()).toEqual(items)
    expect(builtinClozeItems(1)).not.toEqual(items)
    expect(builtinClozeItems(0, 50)).toHaveLength(50)
    expect(
      items.every((item) => !/[\n{}]|undefined/.test(item.context) && /^[A-Za-z]+$/.test(item.word)),
    ).toBe(true)
  })

  it("ends passages with a word the passage predicts: named earlier, or an object it describes", () => {
    const items = builtinClozeItems()
    const mentioned = items.filter((item) => item.context.includes(item.word))
    expect(mentioned.length / items.length).toBeGreaterThan(0.6)
    expect(new Set(items.map((item) => item.word)).size).toBeGreaterThanOrEqual(40)
  })
})
