import { describe, expect, it } from "vitest"
import { detokenize, joinStateAfter, joinToken, tokenize, tokenKey } from "../src/sim/Tokenizer.js"

describe("sim tokenizer", () => {
  it("splits words, numbers and punctuation, with newlines as tokens", () => {
    expect(tokenize("Text: WIN £1000 now!\nClass: spam\n\nText: don't")).toEqual([
      "Text",
      ":",
      "WIN",
      "£",
      "1000",
      "now",
      "!",
      "\n",
      "Class",
      ":",
      "spam",
      "\n",
      "\n",
      "Text",
      ":",
      "don't",
    ])
    expect(tokenize("  \t ")).toEqual([])
    expect(tokenize("a\r\nb")).toEqual(["a", "\n", "b"])
    expect(tokenize("naïve café")).toEqual(["naïve", "café"])
  })

  it("matches case-insensitively through keys", () => {
    expect(tokenKey("WIN")).toBe("win")
    expect(tokenKey("Don’t")).toBe("don't")
  })

  it.each([
    "Hello, world! How are you?",
    "Text: WIN a £1000 prize! Call 09061701461 now.\nClass: spam\n\nText: ok",
    "I'll be there at 7:45, don't worry (really).",
    'She said "hello there" and left.',
    "Cost: £1.50/msg, 10,000 people; T&Cs apply 18+ only.",
  ])("round-trips %j", (text) => {
    expect(detokenize(tokenize(text))).toBe(text)
  })

  it("continues a prompt with the spacing the prompt calls for", () => {
    const after = (prompt: string, token: string) =>
      joinToken(joinStateAfter(prompt, tokenize(prompt)), token).text
    expect(after("Class:", "spam")).toBe(" spam")
    expect(after("Class: ", "spam")).toBe("spam")
    expect(after("Class:\n", "spam")).toBe("spam")
    expect(after("It was late", ".")).toBe(".")
    expect(after("", "Hello")).toBe("Hello")
  })
})
