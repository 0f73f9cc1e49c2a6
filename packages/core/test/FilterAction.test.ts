import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { FilterAction, PolicyAction } from "../src/FilterAction.js"

describe("FilterAction and PolicyAction", () => {
  it("a policy asks for any action but allow", () => {
    expect(FilterAction.literals).toEqual(["allow", "flag", "redact", "drop"])
    expect(PolicyAction.literals).toEqual(["flag", "redact", "drop"])
    expect(Schema.is(PolicyAction)("allow")).toBe(false)
    expect(Schema.is(FilterAction)("allow")).toBe(true)
    expect(Schema.is(FilterAction)("block")).toBe(false)
  })
})
