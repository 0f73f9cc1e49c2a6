import { describe, expect, it } from "vitest"
import { cannotScore } from "../src/BaseChecks.js"

/** A raw document as the kinds' cross-checks read it (before the Schema). */
const raw = {
  models: {
    sim: { provider: "sim" },
    blind: { provider: "openai", model: "m", score: "none" },
    probed: { provider: "openai", model: "m", score: "auto" },
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

  it("decides a fallback chain by its first model only", () => {
    expect(cannotScore(raw, ["blind", "sim"], "its")).toBe(
      `the fallback chain's first model "blind" has score: none (a chain scores with its first model)`,
    )
    expect(cannotScore(raw, ["sim", "blind"], "its")).toBeUndefined()
  })
})
