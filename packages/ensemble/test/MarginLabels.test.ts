import { TaskItem } from "@lyceum/core"
import { type LanguageModel, ScoreUnsupported } from "@lyceum/models"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ensembleDataChecks } from "../src/config/EnsembleChecks.js"
import { playCohort, problemsOf, scenarioOf, tableRows } from "./support.js"

/** Two proposers on `model` (a model entry), cascaded by margin. */
const yaml = (model: string) => `
name: margin-labels
kind: ensemble
seed: 3
models:
  cheap: ${model}
  dear: { provider: sim }
tasks:
  - { kind: spam, testSize: 6 }
proposers:
  - { name: cheap, model: cheap, shots: 2 }
  - { name: dear, model: dear, shots: 2 }
aggregators:
  - { kind: cascade, confidence: margin, thresholds: [0.5] }
`

const chat = "{ provider: openai, preset: ollama, model: llama3.2 }"

/** A chat endpoint: answers " spam", cannot teacher-force, scores labels by top_logprobs in one call. */
const chatty: LanguageModel = {
  name: "chatty",
  capabilities: { score: false, generationLogprobs: true, labelScores: true },
  generate: (request) =>
    Effect.succeed({
      texts: Array.from({ length: request.n ?? 1 }, () => " spam"),
      usage: { promptTokens: 10, completionTokens: 2 },
    }),
  score: () => Effect.fail(new ScoreUnsupported({ model: "chatty", message: "no echo" })),
  scoreLabels: ({ labels }) =>
    Effect.succeed({
      logprobs: labels.map((label) => (label.trim() === "spam" ? Math.log(0.9) : Math.log(0.1))),
      usage: { promptTokens: 30, completionTokens: 1 },
      method: "top-logprobs" as const,
    }),
}

describe("a margin cascade scores labels however the proposer's model can", () => {
  it("validates with proposers that score labels by chat top_logprobs (score: chat), refuses score: none", () => {
    expect(problemsOf(yaml(chat))).toEqual([])
    expect(problemsOf(yaml(chat.replace(" }", ", score: none }")))).toEqual([
      expect.stringMatching(
        /^proposers\[0\]\.model: confidence: margin \(aggregators\[0\]\) scores each proposer's answers, but its model "cheap" has score: none, so it cannot score labels; use confidence: agreement/,
      ),
    ])
  })

  it("uses a model's own label scores (one call) where it cannot teacher-force", async () => {
    const scenario = scenarioOf(yaml("{ provider: sim }"))
    const step = await playCohort(scenario, 0, { override: { cheap: chatty } })
    const first = tableRows(step, "ensemble_stages").filter((s) => s.stage === 1)
    expect(first.length).toBeGreaterThan(0)
    for (const s of first) {
      expect(s.agent).toBe("cheap")
      // P(spam) - P(ham) from the label scores: 0.9 - 0.1.
      expect(s.confidence as number).toBeCloseTo(0.8, 12)
      expect(s.accepted).toBe(1)
    }
  })

  it("refuses a chat-mode proposer where a task has no fixed labels (the answer itself is teacher-forced)", () => {
    const scenario = scenarioOf(yaml(chat))
    const items = (targets: ReadonlyArray<string>): Array<TaskItem> =>
      targets.map((target, i) => new TaskItem({ id: `i${i}`, input: "Q:", target }))
    const labelled = { task: { name: "sms-spam" }, train: items([" spam", " ham", " spam", " ham"]) }
    const open = { task: { name: "cloze" }, train: items([" dog", " cat", " sun", " moon"]) }
    const check = (data: typeof labelled) =>
      ensembleDataChecks(scenario, [data as unknown as Parameters<typeof ensembleDataChecks>[1][number]])
    expect(check(labelled)).toEqual([])
    expect(check(open)).toEqual([
      {
        key: ["proposers", 0, "model"],
        message: expect.stringMatching(
          /^confidence: margin \(aggregators\[0\]\) scores each answer of task cloze \(tasks\[0\]\), which has no fixed label set, by teacher-forcing it, but its model "cheap" has score: chat \(preset ollama's default\), so it cannot teacher-force/,
        ),
      },
    ])
  })
})
