import { describe, expect, it } from "vitest"
import { isVerbatimCopy, lessonLeakage, verbatimCopyRate } from "../src/LeakageMetrics.js"

const privateTexts = ["Call 0800 123 456 to claim your prize now", "ok"]

describe("leakage metrics", () => {
  it("verbatim copies: equal or containing a private text, after normalisation", () => {
    expect(isVerbatimCopy("Text: CALL 0800 123 456 to claim your prize now\nClass: spam", privateTexts)).toBe(
      true,
    )
    expect(isVerbatimCopy("ok", privateTexts)).toBe(true)
    expect(isVerbatimCopy("ok then", privateTexts)).toBe(false)
    expect(
      verbatimCopyRate(
        ["ok", "hello there", "nothing", "Call 0800 123 456 to claim your prize now!"],
        privateTexts,
      ),
    ).toBe(0.5)
    expect(verbatimCopyRate([], privateTexts)).toBe(0)
  })

  it("per-lesson normalised distance to the prompt: 0 for a copy, high for unrelated text", () => {
    const prompt = privateTexts.join("\n")
    const [copy, near, far] = lessonLeakage(
      [
        "call 0800 123 456 to claim your prize now",
        "call 0800 123 999 to claim a prize",
        "see you at the gym at six",
      ],
      prompt,
      privateTexts,
    )
    expect(copy).toEqual({ distance: 0, verbatimCopy: true })
    expect(near!.distance).toBeGreaterThan(0)
    expect(near!.distance).toBeLessThan(far!.distance)
    expect(far!.distance).toBeGreaterThan(0.4)
  })
})
