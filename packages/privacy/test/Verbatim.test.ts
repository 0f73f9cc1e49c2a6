import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { distanceDetector } from "../src/DistanceDetector.js"
import { indelDistanceToSubstring, longestCommonSubstring, normalizedDistance } from "../src/EditDistance.js"
import { ScanText } from "../src/ScanText.js"
import { overlapDetector, verbatimDetector } from "../src/VerbatimDetector.js"

const privateTexts = [
  "You have won a guaranteed cash prize of two thousand pounds, call our claims line before midnight",
  "Are we still on for dinner at the new place on Friday?",
]

describe("insert/delete distance to a substring", () => {
  it("is 0 for any substring and counts inserts and deletes, never substitutions", () => {
    expect(indelDistanceToSubstring("cash prize", "a cash prize of")).toBe(0)
    expect(indelDistanceToSubstring("cash prise", "a cash prize of")).toBe(2)
    expect(indelDistanceToSubstring("cashprize", "a cash prize of")).toBe(1)
    expect(normalizedDistance("", "anything")).toBe(0)
    expect(normalizedDistance("xyz", "abc")).toBe(1)
  })

  it("is never more than the pattern length and never negative", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 }), (a, b) => {
        const d = indelDistanceToSubstring(a, b)
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(a.length)
        expect(indelDistanceToSubstring(a, `${b}${a}${b}`)).toBe(0)
      }),
      { seed: 5, numRuns: 200 },
    )
  })

  it("longest common substring", () => {
    expect(longestCommonSubstring("the cash prize", "a cash price")).toBe(9)
    expect(longestCommonSubstring("", "abc")).toBe(0)
  })
})

describe("verbatim, overlap and distance detectors", () => {
  it("verbatim reports the span of the copied private text", () => {
    const lesson = "Text: Are we still ON for dinner at the new place, on Friday?\nClass: not spam"
    const [match] = verbatimDetector(privateTexts).scan(new ScanText(lesson))
    expect(lesson.slice(match!.start, match!.end)).toBe(
      "Are we still ON for dinner at the new place, on Friday",
    )
  })

  it("overlap catches a partial copy of eight or more words, not shorter echoes", () => {
    const partial = "Great news: you have won a guaranteed cash prize of two thousand euros today"
    const [match] = overlapDetector(privateTexts).scan(new ScanText(partial))
    expect(partial.slice(match!.start, match!.end)).toBe(
      "you have won a guaranteed cash prize of two thousand",
    )
    expect(match!.reason).toBe("shares 10 consecutive words with private example #0")
    expect(overlapDetector(privateTexts).scan(new ScanText("you have won a guaranteed holiday"))).toEqual([])
  })

  it("distance fires on near copies below the threshold only", () => {
    const detector = distanceDetector(privateTexts, { threshold: 0.1 })
    expect(detector.scan(new ScanText("Are we still on for dinner at the new plce on Friday?"))).toHaveLength(
      1,
    )
    expect(detector.scan(new ScanText("Fancy a curry at mine on Saturday night?"))).toEqual([])
  })
})
