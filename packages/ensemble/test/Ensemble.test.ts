import type { LanguageModel, ScoreRequest } from "@lyceum/models"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ensemble } from "../src/kind/Ensemble.js"
import { coalitionPool } from "../src/Pool.js"
import { answersBy, playCohort, scenarioOf, tableRows, taskDataOf } from "./support.js"

const yaml = (aggregators: string, extra = "") => `
name: ensemble-test
kind: ensemble
seed: 7
models:
  small: { provider: sim, seed: 1, prices: { promptPerMTok: 1, completionPerMTok: 2 } }
  mid: { provider: sim, seed: 2, prices: { promptPerMTok: 3, completionPerMTok: 6 } }
  large: { provider: sim, seed: 3, prices: { promptPerMTok: 10, completionPerMTok: 20 } }
  referee: { provider: sim, seed: 4 }
tasks:
  - { kind: spam, testSize: 12 }
proposers:
  - { name: large, model: large, shots: 8 }
  - { name: small, model: small, shots: 1 }
  - { name: mid, model: mid, shots: 3 }
holdout: 20
aggregators:
${aggregators}
${extra}`

/** The spam label an answer gives, normalised independently of the kind's own answer classes. */
const label = (answer: string) =>
  answer
    .trim()
    .split("\n")[0]!
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .trim()

/** A model whose answers and scores a test writes; it counts nothing but what it is asked. */
const fakeModel = (
  name: string,
  answer: (prompt: string) => string,
  score: (request: ScoreRequest) => number = () => -1,
  seen: Array<string> = [],
): LanguageModel => ({
  name,
  capabilities: { score: true, generationLogprobs: false, labelScores: true },
  generate: (request) =>
    Effect.sync(() => {
      seen.push(request.prompt ?? "")
      return {
        texts: Array.from({ length: request.n ?? 1 }, () => answer(request.prompt ?? "")),
        usage: { promptTokens: 10, completionTokens: 2 },
      }
    }),
  score: (request) =>
    Effect.sync(() => {
      seen.push(request.prompt)
      return { tokens: ["x"], logprobs: [score(request)], usage: { promptTokens: 12, completionTokens: 0 } }
    }),
})

describe("ensemble kind on sim", () => {
  it("vote: the coalition's answer is the majority label of the three proposers", async () => {
    const scenario = scenarioOf(yaml("  - { kind: vote }"))
    const step = await playCohort(scenario, 0)
    const coalition = answersBy(step, "coalition")
    const proposers = ["large", "small", "mid"].map((name) => answersBy(step, name))
    expect(coalition.size).toBe(12)
    let checked = 0
    for (const [itemId, row] of coalition) {
      const labels = proposers.map((p) => label(p.get(itemId)!.answer))
      const counts = new Map<string, number>()
      for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1)
      const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!
      if (n >= 2) {
        expect(label(row.answer)).toBe(top)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
    const items = tableRows(step, "ensemble_items")
    expect(items).toHaveLength(12)
    // Every proposer was asked once per item: three calls, priced at the models' prices.
    for (const item of items) expect(item.calls).toBe(3)
    expect(items.every((i) => (i.cost_usd as number) > 0)).toBe(true)
    expect(step.rows.messages).toEqual([])
  })

  it("every variant sees the same proposer answers (paired), and a rerun gives identical rows", async () => {
    const scenario = scenarioOf(
      yaml("  - { kind: vote }\n  - { kind: weighted-vote }\n  - { kind: route, neighbours: 3 }"),
    )
    const [vote, weighted, routed, again] = await Promise.all([
      playCohort(scenario, 0),
      playCohort(scenario, 1),
      playCohort(scenario, 2),
      playCohort(scenario, 2),
    ])
    const proposerRows = (step: typeof vote) =>
      step.rows
        .evaluations!.filter((e) => e.student !== "coalition")
        .map((e) => [e.student, e.itemId, e.answer])
    expect(proposerRows(weighted)).toEqual(proposerRows(vote))
    expect(proposerRows(routed)).toEqual(proposerRows(vote))
    expect(again).toEqual(routed)
    // The router takes one proposer's answer per item and spends only that proposer's call on it.
    for (const item of tableRows(routed, "ensemble_items")) {
      expect(["large", "small", "mid"]).toContain(item.chosen)
      expect(item.calls).toBe(1)
      const chosen = answersBy(routed, item.chosen as string).get(item.item_id as string)!
      expect(item.answer).toBe(chosen.answer)
    }
  })

  it("cascade: τ = 0 stops every item at the cheapest stage, τ = 1 takes every item below certainty to the last", async () => {
    const scenario = scenarioOf(yaml("  - { kind: cascade, confidence: margin, thresholds: [0, 1] }"))
    expect(ensemble.variants(scenario)).toEqual(["cascade@0", "cascade@1"])
    const [low, high] = await Promise.all([playCohort(scenario, 0), playCohort(scenario, 1)])
    // By price: small (1+2), mid (3+6), large (10+20), whatever the declared order.
    for (const item of tableRows(low, "ensemble_items")) {
      expect(item.stages).toBe(1)
      expect(item.chosen).toBe("small")
    }
    for (const item of tableRows(high, "ensemble_items")) {
      expect(item.stages).toBe(3)
      expect(item.chosen).toBe("large")
    }
    const stages = tableRows(high, "ensemble_stages")
    expect(
      stages.filter((s) => s.item_id === stages[0]!.item_id).map((s) => [s.stage, s.agent, s.accepted]),
    ).toEqual([
      [1, "small", 0],
      [2, "mid", 0],
      [3, "large", 1],
    ])
    // The margin of two labels is a probability difference.
    for (const s of stages) expect(s.confidence as number).toBeGreaterThanOrEqual(0)
    for (const s of stages) expect(s.confidence as number).toBeLessThanOrEqual(1)
    const spent = (step: typeof low) =>
      tableRows(step, "ensemble_items").reduce((sum, i) => sum + (i.cost_usd as number), 0)
    expect(spent(high)).toBeGreaterThan(spent(low))
  })

  it("cascade by agreement and by a verifier's P(yes)", async () => {
    const scenario = scenarioOf(
      yaml(
        [
          "  - { kind: cascade, name: agree, confidence: agreement, samples: 4, thresholds: [0.5] }",
          "  - { kind: cascade, name: check, confidence: judge, model: referee, thresholds: [0.5, 0.95] }",
        ].join("\n"),
      ),
    )
    // P(yes) = 1 / (1 + e^(-2.3 + 0.1)) ≈ 0.90 for every answer.
    const referee = fakeModel(
      "referee",
      () => "",
      (r) => (r.continuation === " yes" ? -0.1 : -2.3),
    )
    const [agree, low, high] = await Promise.all([
      playCohort(scenario, 0),
      playCohort(scenario, 1, { override: { referee } }),
      playCohort(scenario, 2, { override: { referee } }),
    ])
    for (const s of tableRows(agree, "ensemble_stages"))
      expect([0, 0.25, 0.5, 0.75, 1]).toContain(s.confidence)
    expect(tableRows(low, "ensemble_items").every((i) => i.stages === 1)).toBe(true)
    expect(tableRows(high, "ensemble_items").every((i) => i.stages === 3)).toBe(true)
    expect(
      tableRows(high, "ensemble_stages").every((s) => Math.abs((s.confidence as number) - 0.9) < 0.01),
    ).toBe(true)
    // Each stage's answer went to the verifier through its proposer's filter: 12 items × 3 stages.
    expect(high.rows.messages!.filter((m) => m.recipient === "verifier-2")).toHaveLength(36)
  })

  it("judge: a judge that always prefers the first candidate shown flips on every pair", async () => {
    const scenario = scenarioOf(yaml("  - { kind: judge, model: referee }"))
    // Score = 0 for the candidate rendered first after the item's input, else -5: pure position bias.
    const firstShown = fakeModel(
      "referee",
      () => "",
      (request) => {
        const first = request.prompt.indexOf(request.continuation)
        const other = request.prompt.lastIndexOf(request.continuation)
        return first === other && first === request.prompt.search(/Class:/) + "Class:".length ? 0 : -5
      },
    )
    const step = await playCohort(scenario, 0, { override: { referee: firstShown } })
    const items = tableRows(step, "ensemble_items")
    const contested = items.filter((i) => (i.pairs as number) > 0)
    expect(contested.length).toBeGreaterThan(0)
    for (const item of contested) expect(item.flips).toBe(item.pairs)
    // Each answer offered to the judge is a message with its proposer's filter decision.
    expect(step.rows.messages).toHaveLength(12 * 3)
    expect(step.rows.messages!.every((m) => m.recipient === "judge-1" && m.filterAction === "allow")).toBe(
      true,
    )
  })

  it("judge: a consistent judge flips on no pair and its favourite wins", async () => {
    const scenario = scenarioOf(yaml("  - { kind: judge, model: referee }"))
    const likesSpam = fakeModel(
      "referee",
      () => "",
      (request) => (label(request.continuation) === "spam" ? 0 : -5),
    )
    const step = await playCohort(scenario, 0, { override: { referee: likesSpam } })
    for (const item of tableRows(step, "ensemble_items")) {
      expect(item.flips).toBe(0)
      if ((item.pairs as number) > 0) expect(label(item.answer as string)).toBe("spam")
    }
  })

  it("privacy: an answer copying a private example is dropped before the judge sees it", async () => {
    const scenario = scenarioOf(yaml("  - { kind: judge, model: referee }"))
    const data = taskDataOf(scenario)
    const pool = coalitionPool(data, scenario.proposers, scenario.holdout, scenario.seed, 0)
    const secret = pool.shots[1]![0]!.input
    const judgeSaw: Array<string> = []
    const step = await playCohort(scenario, 0, {
      data,
      override: {
        small: fakeModel("small", () => ` spam ${secret}`),
        // Two answers that always differ, so the judge has a pair to judge on every item.
        large: fakeModel("large", () => " spam"),
        mid: fakeModel("mid", () => " not spam"),
        referee: fakeModel(
          "referee",
          () => "",
          () => -1,
          judgeSaw,
        ),
      },
    })
    const fromSmall = step.rows.messages!.filter((m) => m.sender === "small")
    expect(fromSmall).toHaveLength(12)
    for (const m of fromSmall) {
      expect(m).toMatchObject({
        filterAction: "drop",
        filterDetector: "verbatim",
        sent: false,
        recipient: "judge-1",
      })
    }
    // Each withheld answer keeps the detector's finding: where the copy sits, as a keyed hash, never the text.
    const findings = step.rows.messageFindings ?? []
    expect(new Set(findings.map((f) => f.messageId))).toEqual(new Set(fromSmall.map((m) => m.id)))
    for (const f of findings) {
      expect(f).toMatchObject({
        detector: "verbatim",
        action: "drop",
        matchedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      expect(JSON.stringify(f)).not.toContain(secret)
    }
    expect(fromSmall.every((m) => m.turn === 0)).toBe(true)
    expect(judgeSaw.length).toBeGreaterThan(0)
    for (const prompt of judgeSaw) expect(prompt).not.toContain(secret)
    // The other proposers' answers still reach the judge.
    expect(step.rows.messages!.filter((m) => m.sender !== "small").every((m) => m.sent)).toBe(true)
    // A withheld answer's text is not kept in `messages` (nor shipped with the step's rows) by default...
    for (const m of fromSmall) expect(m.text).toBe("")
    // ...unless the scenario keeps dropped text for analysing the filter.
    const keeping = await playCohort(
      scenarioOf(yaml("  - { kind: judge, model: referee }", "privacy: { keepDroppedText: true }")),
      0,
      { data, override: { small: fakeModel("small", () => ` spam ${secret}`) } },
    )
    const kept = keeping.rows.messages!.filter((m) => m.sender === "small")
    expect(kept.map((m) => m.sent)).toEqual(fromSmall.map(() => false))
    for (const m of kept) expect(m.text).toContain(secret)
  })

  it("fuse and moa: the fuser writes from every answer; moa layers see each other's answers", async () => {
    const scenario = scenarioOf(yaml("  - { kind: fuse, model: referee }\n  - { kind: moa, layers: 2 }"))
    const [fused, moa] = await Promise.all([playCohort(scenario, 0), playCohort(scenario, 1)])
    expect(tableRows(fused, "ensemble_items").every((i) => i.calls === 4)).toBe(true)
    expect(fused.rows.messages!.filter((m) => m.recipient === "fuser-1")).toHaveLength(36)
    // Layer 2: each proposer is shown the two others' layer-1 answers.
    expect(moa.rows.messages).toHaveLength(12 * 3 * 2)
    expect(moa.rows.messages!.every((m) => m.sender !== m.recipient)).toBe(true)
    const stages = tableRows(moa, "ensemble_stages")
    expect(new Set(stages.map((s) => s.agent))).toEqual(new Set(["layer-1", "layer-2"]))
    expect(tableRows(moa, "ensemble_items").every((i) => i.stages === 2 && i.calls === 6)).toBe(true)
  })

  it("plans and lists the run's agents", () => {
    const scenario = scenarioOf(yaml("  - { kind: vote }\n  - { kind: judge, model: referee }"))
    const data = taskDataOf(scenario)
    expect(ensemble.agents(scenario, [data]).map((a) => [a.agentId, a.role, a.model, a.dataSize])).toEqual([
      ["large", "proposer", "large", 8],
      ["small", "proposer", "small", 1],
      ["mid", "proposer", "mid", 3],
      ["judge-2", "judge", "referee", null],
    ])
    const plan = ensemble.plan(scenario, [data])
    expect(plan.modelCalls).toBe(3 * 12 + 3 * 12 + 12 * 3 * 2 * 2)
  })
})
