import { describe, expect, it } from "vitest"
import { cannotScore, distinctNames } from "../src/BaseChecks.js"

/** A raw document as the kinds' cross-checks read it (before the Schema). */
const raw = {
  models: {
    sim: { provider: "sim" },
    blind: { provider: "openai", model: "m", score: "none" },
    probed: { provider: "openai", model: "m", score: "auto" },
    ollama: { provider: "openai", preset: "ollama", model: "m" },
    llamacpp: { provider: "openai", preset: "llamacpp", model: "m" },
    hosted: { provider: "openai", preset: "openai", model: "m" },
    vllm: { provider: "openai", preset: "vllm", model: "m" },
    ollamaScoring: { provider: "openai", preset: "ollama", model: "m", score: "auto" },
  },
}

describe("cannotScore (shared by every kind's score checks)", () => {
  it("names an openai model declared with score: none, as its owner's", () => {
    expect(cannotScore(raw, "blind", "their")).toBe('their model "blind" has score: none')
    expect(cannotScore(raw, "blind", "its")).toBe('its model "blind" has score: none')
  })

  it("lets sim, score: auto (probed at run start), undeclared and non-text references pass", () => {
    for (const ref of ["sim", "probed", "missing", 3, undefined])
      expect(cannotScore(raw, ref, "its")).toBeUndefined()
  })

  it("sees the score: none that a preset implies, unless the model sets score itself", () => {
    for (const preset of ["ollama", "llamacpp", "hosted"])
      expect(cannotScore(raw, preset, "their")).toBe(
        `their model "${preset}" has score: none (preset ${preset === "hosted" ? "openai" : preset}'s default)`,
      )
    expect(cannotScore(raw, ["ollama", "sim"], "its")).toMatch(/"ollama" has score: none \(preset ollama's/)
    expect(cannotScore(raw, "vllm", "its")).toBeUndefined()
    expect(cannotScore(raw, "ollamaScoring", "its")).toBeUndefined()
  })

  it("decides a fallback chain by its first model only", () => {
    expect(cannotScore(raw, ["blind", "sim"], "its")).toBe(
      `the fallback chain's first model "blind" has score: none (a chain scores with its first model)`,
    )
    expect(cannotScore(raw, ["sim", "blind"], "its")).toBeUndefined()
  })
})

describe("distinctNames (variants and agents every kind names)", () => {
  it("reports each entry after the first that takes a name, at its own index; non-text names pass", () => {
    const named = distinctNames("methods")
    const found = ["zero-shot", "instruction", "zero-shot", 3, 3, undefined, "instruction"].flatMap(
      (name, i) => named(i, name),
    )
    expect(found).toEqual([
      {
        key: ["methods", 2, "name"],
        message: 'two methods are called "zero-shot"; give each a distinct name',
      },
      {
        key: ["methods", 6, "name"],
        message: 'two methods are called "instruction"; give each a distinct name',
      },
    ])
  })

  it("keeps one list's names apart from another's", () => {
    const proposers = distinctNames("proposers")
    const aggregators = distinctNames("aggregators")
    expect([...proposers(0, "vote"), ...aggregators(0, "vote")]).toEqual([])
  })
})
