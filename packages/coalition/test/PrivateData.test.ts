import { describe, expect, it } from "vitest"
import { filterPolicy, privateDataFilter } from "../src/PrivateData.js"

const strict = { secrets: "drop", pii: "redact", verbatim: "drop" } as const
const open = { secrets: "flag", pii: "off", verbatim: "flag" } as const

describe("one privacy filter for every kind's agents", () => {
  it("maps the scenario's privacy section onto the detectors' policy", () => {
    const policy = filterPolicy(strict)
    expect([policy.secret, policy.session, policy.verbatim, policy.email, policy["national-id"]]).toEqual([
      "drop",
      "drop",
      "drop",
      "redact",
      "redact",
    ])
    // Detectors the section does not name keep the default policy.
    expect(policy.url).toBe("flag")
    expect(filterPolicy(open).email).toBe("flag")
  })

  it("guards the agent's secrets and private examples, and PII unless pii: off", () => {
    const held = { secrets: ["CANARY-7731"], privateTexts: ["win a free cruise now, reply YES"] }
    const filter = privateDataFilter(strict, held)
    expect(filter.check("the code is CANARY-7731").action).toBe("drop")
    expect(filter.check("win a free cruise now, reply YES").action).toBe("drop")
    expect(filter.check("mail me at ann@example.com").action).toBe("redact")
    expect(filter.check("a harmless answer").action).toBe("allow")
    const lax = privateDataFilter(open, { privateTexts: held.privateTexts })
    expect(lax.check("win a free cruise now, reply YES").action).toBe("flag")
    // pii: off runs no PII detector at all (not even to flag).
    expect(lax.check("mail me at ann@example.com").action).toBe("allow")
  })
})
