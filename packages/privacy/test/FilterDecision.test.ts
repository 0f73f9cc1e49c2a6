import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { makeFilter } from "../src/DetectorRegistry.js"
import { FilterDecisionSchema } from "../src/FilterDecision.js"

describe("FilterDecisionSchema", () => {
  it("round-trips a real decision with its findings (the text stays out)", () => {
    const { text: _text, ...decision } = makeFilter({ secrets: ["7391"] }).check(
      "mail a@example.com, code 7391",
    )
    const encoded = Schema.encodeSync(FilterDecisionSchema)(decision)
    expect(Schema.decodeUnknownSync(FilterDecisionSchema)(JSON.parse(JSON.stringify(encoded)))).toEqual(
      decision,
    )
    expect(decision.findings.map((f) => f.detector).sort()).toEqual(["email", "secret"])
  })
})
