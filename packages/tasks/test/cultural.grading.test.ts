import { describe, expect, it } from "vitest"
import { answerText, extractJsonAnswer, normaliseAnswer } from "../src/cultural/AnswerText.js"
import { countryOf, cultureIdOf } from "../src/cultural/CountryAliases.js"
import {
  containsShortAnswer,
  gradeProbe,
  matchesAccepted,
  matchOption,
  parseTrueFalse,
  shortAnswerVotes,
} from "../src/cultural/ProbeGrading.js"
import type { ProbeItem } from "../src/cultural/ProbeItem.js"

const probe = (fields: Partial<ProbeItem> & Pick<ProbeItem, "kind">): ProbeItem => ({
  id: "p",
  culture: "japan",
  topic: "t",
  language: "en",
  question: "q",
  options: [],
  answers: [],
  aliases: [],
  source: "test",
  ...fields,
})

describe("answer text", () => {
  it("normalises case, accents, punctuation, articles and percent signs", () => {
    expect(normaliseAnswer("  The Left-hand side! ")).toBe("left hand side")
    expect(normaliseAnswer("Olá")).toBe("ola")
    expect(normaliseAnswer("U.S.")).toBe(normaliseAnswer("US"))
    expect(normaliseAnswer("15-20%")).toBe("15 20 percent")
    expect(normaliseAnswer("Day, month, year.")).toBe("day month year")
    expect(normaliseAnswer("भारतीय।")).toBe("भारतीय")
  })

  it("reads JSON answers the way Shen et al. do", () => {
    expect(extractJsonAnswer('{"Answer": "left"}')).toBe("left")
    expect(extractJsonAnswer('Sure! {"Answer": left}')).toBe("left")
    expect(extractJsonAnswer('{"Answer": "American"')).toBe("American")
    expect(extractJsonAnswer("{“答案”： 右}")).toBe("右")
    expect(extractJsonAnswer("{'question':'What?','answer':['rice']}")).toBe("rice")
    expect(extractJsonAnswer('first {"Answer": "a"} then {"Answer": "b"}')).toBe("b")
    expect(extractJsonAnswer("no json here")).toBeUndefined()
    expect(extractJsonAnswer("{no colon}")).toBeUndefined()
  })

  it("takes the JSON value, else the first real line without an Answer: prefix", () => {
    expect(answerText(' {"Answer": "True"}\nmore')).toBe("True")
    expect(answerText("\n\n  Answer: B\nQuestion: next")).toBe("B")
    expect(answerText("```\nleft\n```")).toBe("left")
    expect(answerText("")).toBe("")
  })
})

describe("option matching", () => {
  const options = ["right", "left", "a knife and fork", "middle"]
  it("picks by letter in the usual spellings", () => {
    for (const answer of ["B", "b", "(B)", "B.", "B) left", "Answer: B", "The answer is B.", "[B]"]) {
      expect(matchOption(answer, options), answer).toBe(1)
    }
  })
  it("picks by option text, preferring text over a leading article letter", () => {
    expect(matchOption("Left", options)).toBe(1)
    expect(matchOption("left side of the road", options)).toBe(1)
    expect(matchOption("A knife and fork", options)).toBe(2)
    expect(matchOption("knife and fork", options)).toBe(2)
  })
  it("picks nothing for unknown letters and text", () => {
    expect(matchOption("E", options)).toBeUndefined()
    expect(matchOption("centre", options)).toBeUndefined()
    expect(matchOption("", options)).toBeUndefined()
  })
})

describe("true/false", () => {
  it("reads English and the translated gold words", () => {
    for (const yes of ["True", "true.", "Yes, it is", "correct", "सच्चा", "真", "واقعی", "Kweli", "T"]) {
      expect(parseTrueFalse(yes), yes).toBe(true)
    }
    for (const no of [
      "False",
      "No.",
      "not true",
      "Si kweli",
      "假",
      "不对",
      "गलत",
      "غلط",
      "uongo",
      "incorrect",
    ]) {
      expect(parseTrueFalse(no), no).toBe(false)
    }
    expect(parseTrueFalse("maybe")).toBeUndefined()
    expect(parseTrueFalse("nothing")).toBeUndefined()
    expect(parseTrueFalse("not sure")).toBeUndefined()
  })
})

describe("aliases and country names", () => {
  it("accepts any alias, and continuations only in prefix mode", () => {
    expect(matchesAccepted("yen", ["yen", "JPY"])).toBe(true)
    expect(matchesAccepted("jpy", ["yen", "JPY"])).toBe(true)
    expect(matchesAccepted("yen.", ["yen"])).toBe(true)
    expect(matchesAccepted("yen coins", ["yen"])).toBe(false)
    expect(matchesAccepted("yen coins", ["yen"], { prefix: true })).toBe(true)
    expect(matchesAccepted("yenta", ["yen"], { prefix: true })).toBe(false)
    expect(
      matchesAccepted("In Japan, people drive on the left.", ["left"], {
        prefix: true,
        stem: "In Japan, people drive on the",
      }),
    ).toBe(true)
    expect(matchesAccepted("中国的", ["中国"], { prefix: true })).toBe(true)
  })
  it("maps names, demonyms and translations to cultures", () => {
    expect(countryOf("Americans")).toBe("us")
    expect(countryOf("U.S.")).toBe("us")
    expect(countryOf("Persian")).toBe("iran")
    expect(countryOf("ایران")).toBe("iran")
    expect(countryOf("भारत")).toBe("india")
    expect(countryOf("Wakenya")).toBe("kenya")
    expect(countryOf("Peru")).toBeUndefined()
    expect(cultureIdOf("the United States")).toBe("us")
    expect(cultureIdOf("North_Korea")).toBe("north-korea")
    expect(cultureIdOf("UK")).toBe("uk")
  })
})

describe("short answers", () => {
  const votes = [
    { answers: ["fruit"], count: 2 },
    { answers: ["sandwiches", "PB&J"], count: 1 },
    { answers: ["面条"], count: 3 },
  ]
  it("finds an annotator answer inside a free answer, folding plurals", () => {
    expect(containsShortAnswer("Fruits, mostly apples", "fruit")).toBe(true)
    expect(containsShortAnswer("a sandwich", "sandwiches")).toBe(true)
    expect(containsShortAnswer("grapefruit juice", "fruit")).toBe(false)
    expect(containsShortAnswer("我们吃面条", "面条")).toBe(true)
  })
  it("reports the votes of the best matched group", () => {
    expect(shortAnswerVotes("fruit or a sandwich", votes)).toBe(2)
    expect(shortAnswerVotes("PB&J", votes)).toBe(1)
    expect(shortAnswerVotes("crackers", votes)).toBe(0)
  })
})

describe("gradeProbe", () => {
  it("grades multiple choice by letter, text, JSON and alias", () => {
    const mc = probe({
      kind: "multiple-choice",
      options: ["dollar", "yen", "euro"],
      answers: ["yen"],
      aliases: ["JPY"],
    })
    expect(gradeProbe(mc, " B")).toBe(true)
    expect(gradeProbe(mc, ' {"Answer": "yen"}')).toBe(true)
    expect(gradeProbe(mc, " JPY")).toBe(true)
    expect(gradeProbe(mc, " A")).toBe(false)
    expect(gradeProbe(mc, " euro")).toBe(false)
  })
  it("grades a GeoMLaMA-style probe with several golds", () => {
    const mc = probe({
      kind: "multiple-choice",
      options: ["meter", "feet", "centimeter"],
      answers: ["meter", "centimeter"],
      aliases: ["meter, centimeter"],
    })
    expect(gradeProbe(mc, '{"Answer": "centimeter"}')).toBe(true)
    expect(gradeProbe(mc, '{"Answer": "meter, centimeter"}')).toBe(true)
    expect(gradeProbe(mc, '{"Answer": "feet"}')).toBe(false)
  })
  it("grades cloze continuations and restatements", () => {
    const cloze = probe({
      kind: "cloze",
      question: "In Japan, people drive on the ___.",
      answers: ["left"],
      aliases: ["left-hand side"],
    })
    expect(gradeProbe(cloze, " left.")).toBe(true)
    expect(gradeProbe(cloze, " left-hand side of the road")).toBe(true)
    expect(gradeProbe(cloze, "In Japan, people drive on the left.")).toBe(true)
    expect(gradeProbe(cloze, " right.")).toBe(false)
    expect(gradeProbe(cloze, "")).toBe(false)
  })
  it("grades country prediction with the alias list", () => {
    const candle = probe({
      kind: "cloze",
      question: "A classic ___ family.",
      answers: ["American"],
      aliases: ["Americans", "U.S.", "America"],
    })
    expect(gradeProbe(candle, '{"Answer": "America"}')).toBe(true)
    expect(gradeProbe(candle, '{"Answer": "US"}')).toBe(true)
    expect(gradeProbe(candle, '{"Answer": "Canadian"}')).toBe(false)
  })
  it("grades true/false against the canonical gold", () => {
    const tf = probe({ kind: "true-false", answers: ["False"] })
    expect(gradeProbe(tf, " False")).toBe(true)
    expect(gradeProbe(tf, ' {"Answer": "No"}')).toBe(true)
    expect(gradeProbe(tf, " True")).toBe(false)
    expect(gradeProbe(tf, " maybe")).toBe(false)
  })
  it("grades short answers by containment of an accepted annotator answer", () => {
    const short = probe({ kind: "short-answer", answers: ["coffee", "orange juice"], aliases: [] })
    expect(gradeProbe(short, " Coffee, usually black")).toBe(true)
    expect(gradeProbe(short, " Orange juice")).toBe(true)
    expect(gradeProbe(short, " tea")).toBe(false)
  })
})
