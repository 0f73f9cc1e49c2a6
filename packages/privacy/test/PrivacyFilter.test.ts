import { describe, expect, it } from "vitest"
import { makePrivacyFilter } from "../src/PrivacyFilter.js"
import { verbatimDetector } from "../src/VerbatimDetector.js"

const privateTexts = ["Your parcel is waiting, call 0800 123 456 now", "ok"]

describe("verbatim privacy filter", () => {
  const filter = makePrivacyFilter([verbatimDetector(privateTexts)], { verbatim: "drop" })

  it("drops a lesson that copies a private example, even disguised by case, spacing and width", () => {
    expect(filter.check("Text: Your parcel is waiting, call 0800 123 456 now\nClass: spam").action).toBe(
      "drop",
    )
    expect(filter.check("YOUR  parcel is\twaiting, call ０８００ 123 456 now").action).toBe("drop")
    expect(filter.check("Your par\u200Bcel is waiting, call 0800 123 456 now")).toMatchObject({
      action: "drop",
      detector: "verbatim",
    })
  })

  it("never repeats the private text in its reason", () => {
    const decision = filter.check("Your parcel is waiting, call 0800 123 456 now")
    expect(decision.reason).toBeDefined()
    expect(decision.reason).not.toContain("0800")
  })

  it("allows paraphrases and ignores private texts too short to be identifying", () => {
    expect(filter.check("Your parcel is waiting, call us today").action).toBe("allow")
    expect(filter.check("ok, see you at six").action).toBe("allow")
  })

  it("flags instead of dropping when the policy says so", () => {
    const flagging = makePrivacyFilter([verbatimDetector(privateTexts)], { verbatim: "flag" })
    expect(flagging.check("Your parcel is waiting, call 0800 123 456 now").action).toBe("flag")
  })
})
