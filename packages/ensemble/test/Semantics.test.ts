import type { LanguageModel, ScoreRequest } from "@lyceum/models"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { playCohort, problemsOf, scenarioOf, tableRows } from "./support.js"

/** Review findings, each pinned by a test that failed before its fix. */

const yaml = (aggregators: string, extra = "") => `
name: semantics
kind: ensemble
seed: 3
models:
  cheap: { provider: sim, prices: { promptPerMTok: 1, completionPerMTok: 1 } }
  dear: { provider: sim, prices: { promptPerMTok: 9, completionPerMTok: 9 } }
  referee: { provider: sim }
tasks:
  - { kind: spam, testSize: 6 }
proposers:
  - { name: cheap, model: cheap, shots: 2 }
  - { name: dear, model: dear, shots: 2 }
aggregators:
${aggregators}
${extra}`

/** A model that always writes `answer` and scores continuations by `score`. */
const scripted = (answer: string, score: (request: ScoreRequest) => number): LanguageModel => ({
  name: "scripted",
  capabilities: { score: true, generationLogprobs: false, labelScores: true },
  generate: (request) =>
    Effect.succeed({
      texts: Array.from({ length: request.n ?? 1 }, () => answer),
      usage: { promptTokens: 10, completionTokens: 2 },
    }),
  score: (request) =>
    Effect.succeed({
      tokens: ["x"],
      logprobs: [score(request)],
      usage: { promptTokens: 12, completionTokens: 0 },
    }),
})

describe("cascade margin", () => {
  it("is the confidence in the answer given, not in a label the stage did not answer", async () => {
    const scenario = scenarioOf(yaml("  - { kind: cascade, confidence: margin, thresholds: [0.5] }"))
    // The cheap stage answers "not spam" while its label distribution is sure of "spam" (p ≈ 0.99): a margin
    // of 0.98 belongs to an answer it did not give, so the item must go on to the next stage.
    const cheap = scripted(" not spam", (r) => (r.continuation.trim() === "spam" ? 0 : -5))
    const dear = scripted(" spam", (r) => (r.continuation.trim() === "spam" ? 0 : -5))
    const step = await playCohort(scenario, 0, { override: { cheap, dear } })
    const stages = tableRows(step, "ensemble_stages")
    for (const s of stages.filter((s) => s.stage === 1)) {
      expect(s.agent).toBe("cheap")
      expect(s.confidence).toBe(0)
      expect(s.accepted).toBe(0)
    }
    const p = 1 / (1 + Math.exp(-5))
    for (const s of stages.filter((s) => s.stage === 2))
      expect(s.confidence as number).toBeCloseTo(p - (1 - p), 12)
    for (const item of tableRows(step, "ensemble_items")) {
      expect(item.chosen).toBe("dear")
      expect(item.stages).toBe(2)
    }
  })
})

describe("cascade thresholds", () => {
  it("refuses a threshold listed twice (two variants would share one method label)", () => {
    const problems = problemsOf(yaml("  - { kind: cascade, thresholds: [0.5, 0.9, 0.50] }"))
    expect(problems).toEqual([
      "aggregators[0].thresholds: threshold 0.5 is listed twice; list each threshold once",
    ])
  })

  it("refuses a threshold above 1 (a percentage: it would defer every item) and a temperature beyond 2", () => {
    const problems = problemsOf(
      yaml("  - { kind: cascade, confidence: agreement, temperature: 1e9, thresholds: [0.5, 90] }"),
    )
    expect(problems).toEqual([
      "aggregators[0].thresholds[1]: expected a threshold between 0 and 1 (confidences are probabilities: 0.9, not 90), got 90",
      "aggregators[0].temperature: expected a temperature between 0 and 2, got 1000000000",
    ])
    expect(problemsOf(yaml("  - { kind: cascade, thresholds: [0, 1] }"))).toEqual([])
  })
})

describe("judge", () => {
  const judgeYaml = yaml("  - { kind: judge, model: referee }", "privacy: { pii: redact }")
  /** Prefers any candidate labelled spam, whatever the order: no flips. */
  const likesSpam = scripted("", (r) => (/^\s*spam/i.test(r.continuation) ? 0 : -5))

  it("answers with the chosen proposer's own answer, not the redacted text the judge was shown", async () => {
    const raw = " spam, write to bob.smith@example.com"
    const step = await playCohort(scenarioOf(judgeYaml), 0, {
      override: {
        cheap: scripted(raw, () => -1),
        dear: scripted(" not spam", () => -1),
        referee: likesSpam,
      },
    })
    const shown = step.rows.messages!.filter((m) => m.sender === "cheap")
    expect(shown.length).toBe(6)
    for (const m of shown) {
      expect(m.filterAction).toBe("redact")
      expect(m.text).not.toContain("bob.smith@example.com")
    }
    for (const item of tableRows(step, "ensemble_items")) {
      expect(item.chosen).toBe("cheap")
      expect(item.answer).toBe(raw)
    }
  })

  it("gives a unanimous answer full confidence", async () => {
    const step = await playCohort(scenarioOf(judgeYaml), 0, {
      override: {
        cheap: scripted(" spam", () => -1),
        dear: scripted(" Spam.", () => -1),
        referee: likesSpam,
      },
    })
    for (const item of tableRows(step, "ensemble_items")) {
      expect(item).toMatchObject({ answer: " spam", chosen: "cheap", confidence: 1, pairs: 0, flips: 0 })
    }
  })
})
