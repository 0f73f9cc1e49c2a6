import { makeRng } from "@lyceum/core"
import { describe, expect, it } from "vitest"
import {
  builtinInsertionItems,
  insertionSymbols,
  insertRandomSymbols,
} from "../src/insertion/InsertionData.js"
import { makeInsertionTask } from "../src/insertion/InsertionTask.js"
import { insertionWords } from "../src/insertion/InsertionWords.js"

const succession = { id: "s", word: "succession", scrambled: "s.u!c/c!e.s s i/o/n" }

describe("InsertionTask", () => {
  const task = makeInsertionTask()

  it("renders GPT-3's unscramble format with a space-led word", () => {
    const item = task.toItem(succession)
    expect(item.input).toBe(
      "Please unscramble the letters into a word, and write that word:\ns.u!c/c!e.s s i/o/n =",
    )
    expect(item.target).toBe(" succession")
    expect(task.render(item)).toBe(`${item.input} succession`)
    expect(task.name).toBe("random-insertion")
  })

  it("grades the first word of the answer", () => {
    const item = task.toItem(succession)
    for (const answer of [" succession", " Succession.", "succession\nPlease", ' "succession"']) {
      expect(task.grade(answer, item)).toBe(true)
    }
    for (const answer of [" s.u!c/c!e.s s i/o/n", " succesion", " success ion", ""]) {
      expect(task.grade(answer, item)).toBe(false)
    }
  })

  it("parses rendered examples back and rejects broken generations", () => {
    for (const item of task.examples()) {
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    }
    const instruction = "Please unscramble the letters into a word, and write that word:"
    expect(task.parse(`${instruction}\nc-a-t = cat`)?.target).toBe(" cat")
    expect(task.parse(`${instruction}\nc-a-t =`)).toBeUndefined()
    expect(task.parse(`${instruction}\nc--a-t = cat`)).toBeUndefined()
    expect(task.parse(`${instruction}\nc-a-t = the cat`)).toBeUndefined()
    expect(task.parse(`${instruction}\nc-a-t = c.a`)).toBeUndefined()
    expect(task.parse("c-a-t = cat")).toBeUndefined()
    expect(task.parse(`${instruction}\nc-a-t = cat\nd-o-g = dog`)).toBeUndefined()
  })
})

describe("random insertion data", () => {
  it("inserts one symbol between every two letters", () => {
    const rng = makeRng(1)
    for (const word of insertionWords.slice(0, 60)) {
      const scrambled = insertRandomSymbols(word, rng)
      expect(scrambled).toHaveLength(2 * word.length - 1)
      for (let i = 0; i < scrambled.length; i++) {
        if (i % 2 === 0) expect(scrambled[i]).toBe(word[i / 2])
        else expect(insertionSymbols).toContain(scrambled[i])
      }
    }
    expect(insertRandomSymbols("a", rng)).toBe("a")
  })

  it("has a list of 349 distinct lower-case words", () => {
    expect(insertionWords).toHaveLength(349)
    expect(new Set(insertionWords).size).toBe(349)
    expect(insertionWords.every((word) => /^[a-z]{5,11}$/.test(word))).toBe(true)
  })

  it("gives 300 deterministic items drawn from the list, with varied symbols", () => {
    const items = builtinInsertionItems()
    expect(items).toHaveLength(300)
    expect(builtinInsertionItems()).toEqual(items)
    expect(builtinInsertionItems(1)).not.toEqual(items)
    expect(new Set(items.map((item) => item.id)).size).toBe(300)
    expect(items.every((item) => insertionWords.includes(item.word))).toBe(true)
    expect(new Set(items.map((item) => item.word)).size).toBeGreaterThan(150)
    const used = new Set(items.flatMap((item) => [...item.scrambled].filter((_, i) => i % 2 === 1)))
    expect(used.size).toBe(insertionSymbols.length)
    expect(builtinInsertionItems(0, 5, ["ab"]).every((item) => item.word === "ab")).toBe(true)
  })
})
