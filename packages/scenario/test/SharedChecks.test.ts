import { describe, expect, it } from "vitest"
import { cannotScore, distinctNames, withProbedScores } from "../src/BaseChecks.js"

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
  it("names an openai model declared with score: none, as its owner's, and what it cannot do", () => {
    expect(cannotScore(raw, "blind", "their")).toBe(
      'their model "blind" has score: none, so it cannot teacher-force (score a given continuation)',
    )
    expect(cannotScore(raw, "blind", "its", "ranking")).toBe(
      'its model "blind" has score: none, so it cannot rank samples (neither teacher-forcing nor generation log-probabilities)',
    )
    expect(cannotScore(raw, "blind", "its", "labels")).toMatch(/cannot score labels/)
  })

  it("lets sim, score: auto (probed at run start), undeclared and non-text references pass", () => {
    for (const ref of ["sim", "probed", "missing", 3, undefined])
      for (const need of ["teacher-forcing", "ranking", "labels"] as const)
        expect(cannotScore(raw, ref, "its", need)).toBeUndefined()
  })

  it("sees the score: chat that a preset implies: ranking and labels, never teacher-forcing", () => {
    for (const preset of ["ollama", "llamacpp", "hosted"]) {
      expect(cannotScore(raw, preset, "their")).toBe(
        `their model "${preset}" has score: chat (preset ${preset === "hosted" ? "openai" : preset}'s default), so it cannot teacher-force (score a given continuation)`,
      )
      expect(cannotScore(raw, preset, "their", "ranking")).toBeUndefined()
      expect(cannotScore(raw, preset, "their", "labels")).toBeUndefined()
    }
    expect(cannotScore(raw, ["ollama", "sim"], "its")).toMatch(/"ollama" has score: chat \(preset ollama's/)
    expect(cannotScore(raw, "vllm", "its")).toBeUndefined()
    expect(cannotScore(raw, "ollamaScoring", "its")).toBeUndefined()
  })

  it("decides a fallback chain by its first model only", () => {
    expect(cannotScore(raw, ["blind", "sim"], "its")).toBe(
      `the fallback chain's first model "blind" has score: none, so it cannot teacher-force (score a given continuation) (a chain scores with its first model)`,
    )
    expect(cannotScore(raw, ["sim", "blind"], "its")).toBeUndefined()
  })

  it("re-checks with the modes a run's probe found, and says what the probe found", () => {
    const probed = withProbedScores(
      raw,
      new Map([
        ["probed", { score: "chat", note: "the probe found http://h:8080/v1 ignores echo" }],
        ["vllm", { score: "completions", note: "the probe found echo real" }],
      ]),
    )
    expect(cannotScore(probed, "probed", "their")).toBe(
      'their model "probed" has score: chat (the probe found http://h:8080/v1 ignores echo), so it cannot teacher-force (score a given continuation)',
    )
    expect(cannotScore(probed, "probed", "their", "ranking")).toBeUndefined()
    expect(cannotScore(probed, "vllm", "their")).toBeUndefined()
    // The original document is untouched.
    expect(cannotScore(raw, "probed", "their")).toBeUndefined()
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
