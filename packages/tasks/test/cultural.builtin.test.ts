import { describe, expect, it } from "vitest"
import { builtinProbes } from "../src/cultural/BuiltinProbes.js"
import { builtinFacts, factStatement } from "../src/cultural/CulturalFacts.js"
import { builtinCultureIds } from "../src/cultural/Culture.js"
import { gradeProbe } from "../src/cultural/ProbeGrading.js"
import { probeBlank } from "../src/cultural/ProbeItem.js"
import { continuationCloze } from "../src/cultural/ProbeRendering.js"
import { makeProbeTask } from "../src/cultural/ProbeTask.js"

const probes = builtinProbes()
const count = (key: (p: (typeof probes)[number]) => string) => {
  const out = new Map<string, number>()
  for (const p of probes) out.set(key(p), (out.get(key(p)) ?? 0) + 1)
  return out
}

describe("built-in cultural probe set", () => {
  it("is large and diverse enough: ≥300 items, ≥6 cultures including Shen et al.'s five, ≥12 topics, every kind", () => {
    expect(probes.length).toBeGreaterThanOrEqual(300)
    const cultures = count((p) => p.culture)
    for (const culture of ["us", "china", "india", "iran", "kenya"])
      expect(cultures.get(culture)).toBeGreaterThan(40)
    expect(cultures.size).toBeGreaterThanOrEqual(6)
    expect(count((p) => p.topic).size).toBeGreaterThanOrEqual(12)
    const kinds = count((p) => p.kind)
    for (const kind of ["multiple-choice", "cloze", "true-false"])
      expect(kinds.get(kind)).toBeGreaterThan(100)
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length)
    expect(new Set(builtinFacts().map((f) => f.id)).size).toBe(builtinFacts().length)
  })

  it("has well-formed items of each kind", () => {
    for (const p of probes) {
      expect(p.answers.length, p.id).toBe(1)
      expect(p.language).toBe("en")
      if (p.kind === "cloze") expect(continuationCloze(p), p.id).toBeDefined()
      if (p.kind === "multiple-choice") {
        expect(p.options, p.id).toContain(p.answers[0])
        expect(new Set(p.options).size).toBe(p.options.length)
        expect(p.options.length).toBeGreaterThanOrEqual(2)
        expect(p.options.length).toBeLessThanOrEqual(4)
      }
      if (p.kind === "true-false") {
        expect(["True", "False"]).toContain(p.answers[0])
        expect(p.question).not.toContain(probeBlank)
      }
    }
  })

  it("makes false statements only from distractors, and never states a value the table marks as also true", () => {
    const facts = new Map(builtinFacts().map((f) => [f.id, f]))
    for (const p of probes.filter((p) => p.id.endsWith("-tf-false"))) {
      const fact = facts.get(p.id.slice("lyceum-".length, -"-tf-false".length))!
      expect(p.question).toBe(factStatement(fact, fact.distractors[0]))
      expect(fact.distractors).not.toContain(fact.answer)
    }
    const japanSports = facts.get("japan-popular-sport")!
    expect(japanSports.distractors).not.toContain("football")
    const kenyaLanguage = facts.get("kenya-main-language")!
    expect(kenyaLanguage.distractors).not.toContain("English")
  })

  it("states well-known facts", () => {
    const statement = (id: string) => factStatement(builtinFacts().find((f) => f.id === id)!)
    expect(statement("japan-driving-side")).toBe("In Japan, people drive on the left.")
    expect(statement("kenya-currency")).toBe("The currency of Kenya is the shilling.")
    expect(statement("us-date-order")).toBe(
      "In the United States, dates are usually written in the order month, day, year.",
    )
    expect(statement("iran-festival")).toContain("Yalda Night")
    expect(statement("india-main-language")).toBe("The most widely spoken language in India is Hindi.")
    for (const culture of builtinCultureIds)
      expect(builtinFacts().some((f) => f.culture === culture)).toBe(true)
  })

  it("grades every probe's own rendered target as correct and a wrong answer as incorrect", () => {
    const task = makeProbeTask({ probes })
    const json = makeProbeTask({ probes, format: "json" })
    for (const item of task.examples()) {
      const p = task.probe(item.id)!
      expect(task.grade(item.target, item), item.id).toBe(true)
      expect(json.grade(json.toItem(p).target, item), item.id).toBe(true)
      const wrong =
        p.kind === "true-false"
          ? p.answers[0] === "True"
            ? " False"
            : " True"
          : p.kind === "multiple-choice"
            ? ` ${p.options.find((o) => o !== p.answers[0])}`
            : " something else entirely"
      expect(gradeProbe(p, wrong), `${item.id}: ${wrong}`).toBe(false)
    }
  })

  it("filters by culture, topic and kind", () => {
    const some = builtinProbes({ cultures: ["kenya"], topics: ["currency"], kinds: ["cloze"] })
    expect(some.map((p) => p.id)).toEqual(["lyceum-kenya-currency-cloze", "lyceum-kenya-mobile-money-cloze"])
  })
})
