import { makeRng } from "@lyceum/core"
import { makeSimModel } from "@lyceum/models"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import {
  CanaryTemplateId,
  canaryTemplate,
  canaryTemplates,
  drawCanary,
  fillingSpace,
  renderCanary,
} from "../src/Canary.js"
import { FIRST_NAMES } from "../src/FirstNames.js"
import {
  binomialUpperTail,
  exposure,
  likelihoodScorer,
  secretSharerRank,
  summarizeSecretSharer,
} from "../src/SecretSharer.js"
import { canaryRank } from "./support/CanaryRank.js"

describe("Secret Sharer ranks", () => {
  it("counts alternatives scoring higher, with explicit tie rules", () => {
    const alternatives = [-1, -2, -2, -2, -3]
    expect(secretSharerRank(-2, alternatives, "canary-first")).toBe(1)
    expect(secretSharerRank(-2, alternatives, "canary-last")).toBe(4)
    expect(secretSharerRank(-2, alternatives, "mid")).toBe(2.5)
    const random = secretSharerRank(-2, alternatives, { random: makeRng(1) })
    expect(random).toBeGreaterThanOrEqual(1)
    expect(random).toBeLessThanOrEqual(4)
    expect(secretSharerRank(0, [-1, Number.NaN])).toBe(0)
    expect(secretSharerRank(Number.NaN, [-1])).toBe(1)
  })

  it("exposure is log2 N at rank 0 and 0 at the last rank", () => {
    expect(exposure(0, 1000)).toBeCloseTo(Math.log2(1000))
    expect(exposure(999, 1000)).toBeCloseTo(0)
  })

  it("summarises T_SS trials like the paper's Tables 3 and 4, averaging exposure per run", () => {
    const summary = summarizeSecretSharer([0, 0, 500, 999], 1000)
    expect(summary.meanRank).toBe(374.75)
    expect(summary.rank0Count).toBe(2)
    expect(summary.meanExposure).toBeCloseTo((2 * Math.log2(1000) + exposure(500, 1000)) / 4)
    expect(summary.maxExposure).toBeCloseTo(Math.log2(1000))
    expect(summary.nullMeanRank).toBe(499.5)
    expect(summary.meanRankZ).toBeLessThan(0)
    expect(summary.rank0PValue).toBeCloseTo(binomialUpperTail(2, 4, 0.001))
  })

  it("binomial tail matches the paper-note figure: 8 rank-0 runs in 100 is about 2e-13", () => {
    const p = binomialUpperTail(8, 100, 0.001)
    expect(p).toBeGreaterThan(1e-13)
    expect(p).toBeLessThan(4e-13)
    expect(binomialUpperTail(0, 100, 0.001)).toBe(1)
  })
})

describe("canaries", () => {
  it("has task-shaped templates for codes and names and a built-in list of 1000+ distinct names", () => {
    expect(new Set(canaryTemplates.map((t) => t.kind))).toEqual(new Set(["code", "name"]))
    expect(renderCanary(canaryTemplate("lambada-code")!, "1234")).toBe("The secret code is 1234")
    expect(FIRST_NAMES.length).toBeGreaterThanOrEqual(1000)
    expect(new Set(FIRST_NAMES).size).toBe(FIRST_NAMES.length)
    expect(fillingSpace("code")).toHaveLength(10_000)
  })

  it("has one template for every id a scenario may name, and one id for every template", () => {
    expect(canaryTemplates.map((t) => t.id).sort()).toEqual([...CanaryTemplateId.literals].sort())
  })

  it("draws N_SS distinct fillings, reproducibly", () => {
    const draw = drawCanary("code", 1000, makeRng(3))
    const all = [draw.canary, ...draw.alternatives]
    expect(all).toHaveLength(1000)
    expect(new Set(all).size).toBe(1000)
    expect(drawCanary("code", 1000, makeRng(3))).toEqual(draw)
    expect(() => drawCanary("name", FIRST_NAMES.length + 1, makeRng(3))).toThrow(RangeError)
  })
})

describe("canary rank with the sim model's likelihood", () => {
  const model = makeSimModel({ name: "sim", seed: 1 })
  const template = canaryTemplate("spam-code")!
  const draw = drawCanary("code", 200, makeRng(9))
  const lessons = [
    "Text: Are we still on for dinner tomorrow?\nClass: not spam",
    `Text: ${renderCanary(template, draw.canary)}\nClass: not spam`,
    "Text: WIN a holiday, txt GO to 87121 now\nClass: spam",
  ]
  const rankAfter = (prompt: string) =>
    Effect.runPromise(canaryRank(likelihoodScorer(model, prompt), template, draw))

  it("ranks a canary the prompt holds near the top, and one it lacks near the middle", async () => {
    const withCanary = await rankAfter(lessons.join("\n\n"))
    const without = await rankAfter([lessons[0], lessons[2]].join("\n\n"))
    expect(withCanary).toBeLessThan(5)
    expect(without).toBeGreaterThan(withCanary)
    expect(exposure(withCanary, 200)).toBeGreaterThan(exposure(without, 200))
  })
})
