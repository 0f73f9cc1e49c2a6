import { describe, expect, it } from "vitest"
import { builtinProbes } from "../src/cultural/BuiltinProbes.js"
import type { ProbeItem } from "../src/cultural/ProbeItem.js"
import { renderProbe } from "../src/cultural/ProbeRendering.js"
import { makeProbeTask } from "../src/cultural/ProbeTask.js"
import { culturalFactItems, culturalFactStatements, priorCorpus } from "../src/cultural/TeachingData.js"
import { fewShotContext } from "../src/Task.js"

const japan = builtinProbes({ cultures: ["japan"], topics: ["driving side"] })
const byId = (id: string) => japan.find((p) => p.id === id)!

describe("probe rendering", () => {
  it("renders a plain cloze with the blank at the end as the fact sentence to continue", () => {
    expect(renderProbe(byId("lyceum-japan-driving-side-cloze"))).toEqual({
      input: "In Japan, people drive on the",
      target: " left.",
    })
  })

  it("renders multiple choice with lettered options and a letter target", () => {
    const mc = byId("lyceum-japan-driving-side-mc")
    const { input, target } = renderProbe(mc)
    expect(input).toBe(
      `Question: On which side of the road do people drive in Japan?\n${mc.options.map((o, i) => `${"AB"[i]}. ${o}`).join("\n")}\nAnswer:`,
    )
    expect(target).toBe(` ${"AB"[mc.options.indexOf("left")]}`)
  })

  it("renders true/false, and the JSON answer format of Shen et al.", () => {
    expect(renderProbe(byId("lyceum-japan-driving-side-tf-false"))).toEqual({
      input: "True or false: In Japan, people drive on the right.\nAnswer:",
      target: " False",
    })
    const json = renderProbe(byId("lyceum-japan-driving-side-cloze"), "json")
    expect(json.input).toBe(
      'Fill in the blank: In Japan, people drive on the ___.\nAnswer in the json format of {"Answer": }.\nAnswer:',
    )
    expect(json.target).toBe(' {"Answer": "left"}')
  })

  it("keeps a source's verbatim prompt and expects a JSON answer", () => {
    const probe: ProbeItem = {
      ...byId("lyceum-japan-driving-side-cloze"),
      prompt: 'Complete: People drive on the <mask>. Answer in the json format of {"Answer": }.',
    }
    expect(renderProbe(probe)).toEqual({ input: `${probe.prompt}\nAnswer:`, target: ' {"Answer": "left"}' })
  })
})

describe("probe task", () => {
  const task = makeProbeTask({ probes: japan })

  it("exposes probes as task items with metadata lookups", () => {
    const items = task.examples()
    expect(items.map((i) => i.id)).toEqual(japan.map((p) => p.id))
    expect(task.metadata("lyceum-japan-driving-side-mc")).toEqual({
      culture: "japan",
      topic: "driving side",
      kind: "multiple-choice",
      language: "en",
      source: "lyceum",
    })
    expect(task.metadata("nope")).toBeUndefined()
    expect(task.probe(items[0]!.id)).toBe(japan[0])
    expect(task.name).toBe("cultural-probes")
    expect(makeProbeTask({ probes: japan, format: "json" }).name).toBe("cultural-probes-json")
  })

  it("builds prompts after a learned context and grades continuations", () => {
    const [cloze] = task.examples()
    const context = culturalFactStatements("japan")
      .map((s) => s.text)
      .slice(0, 2)
      .join(task.separator)
    expect(task.prompt(cloze!, context)).toBe(`${context}\n\n${cloze!.input}`)
    expect(task.prompt(cloze!)).toBe(cloze!.input)
    expect(task.grade(" left.\nIn China", cloze!)).toBe(true)
    expect(task.grade(" right.", cloze!)).toBe(false)
  })

  it("parses rendered probes back and rejects broken generations", () => {
    for (const item of task.examples()) {
      const parsed = task.parse(task.render(item))
      expect(parsed?.input).toBe(item.input)
      expect(parsed?.target).toBe(item.target)
    }
    expect(task.parse("True or false: In Peru, people drive on the right.\nAnswer: True")).toBeDefined()
    expect(task.parse("In Peru, people drive on the right.")?.target).toBe(" right.")
    expect(task.parse("True or false: In Peru, people drive on the right.\nAnswer: perhaps")).toBeUndefined()
    expect(task.parse("Question: Which side?\nA. left\nB. right\nAnswer: D")).toBeUndefined()
    expect(task.parse("Question: Which side?\nA. left\nB. right\nAnswer: B")).toBeDefined()
    expect(task.parse("Whatever: x\nAnswer: y")).toBeUndefined()
    expect(task.parse("In Peru, people")).toBeUndefined()
    expect(task.parse("two\nlines.")).toBeUndefined()
  })

  it("grades items it does not know against their target", () => {
    const parsed = task.parse("In Peru, people drive on the right.")!
    expect(task.grade(" right", parsed)).toBe(true)
    expect(task.grade(" left", parsed)).toBe(false)
  })

  it("rejects duplicate probe ids", () => {
    expect(() => makeProbeTask({ probes: [japan[0]!, japan[0]!] })).toThrow(/duplicate probe id/)
  })
})

describe("teaching data", () => {
  it("states facts as natural sentences per culture", () => {
    const kenya = culturalFactStatements("kenya")
    expect(kenya.length).toBeGreaterThan(15)
    expect(kenya.every((s) => s.culture === "kenya" && !s.text.includes("___") && /[.]$/.test(s.text))).toBe(
      true,
    )
    expect(kenya.map((s) => s.text)).toContain("In Kenya, people drive on the left.")
    expect(culturalFactStatements(["kenya", "japan"]).length).toBe(
      kenya.length + culturalFactStatements("japan").length,
    )
  })

  it("gives teacher items whose rendered lessons are the fact sentences", () => {
    const task = makeProbeTask({ probes: builtinProbes() })
    const items = culturalFactItems("japan")
    expect(fewShotContext(task, items.slice(0, 2))).toBe(
      "In Japan, people drive on the left.\n\nIn Japan, cars have the steering wheel on the right.",
    )
    for (const item of items) {
      expect(task.render(item)).toBe(culturalFactStatements("japan").find((s) => s.id === item.id)!.text)
      expect(task.parse(task.render(item))).toBeDefined()
      expect(task.grade(item.target, item)).toBe(true)
    }
  })

  it("builds a prior corpus that knows only the chosen culture", () => {
    const corpus = priorCorpus("us", { repeats: 2, base: "Some background." })
    expect(corpus.startsWith("Some background.\n\n")).toBe(true)
    expect(corpus.split("In the United States, people drive on the right.").length - 1).toBe(2)
    expect(corpus).not.toContain("Japan")
  })
})
