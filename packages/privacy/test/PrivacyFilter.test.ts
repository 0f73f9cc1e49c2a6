import { makeRng } from "@lyceum/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { defaultPolicy, makeDetectors, makeFilter } from "../src/DetectorRegistry.js"
import { makePrivacyFilter } from "../src/PrivacyFilter.js"
import { ScanText } from "../src/ScanText.js"
import { compileSecrets, findSecret } from "../src/SecretDetector.js"
import { smuggles } from "../src/Smuggle.js"
import { verbatimDetector } from "../src/VerbatimDetector.js"

const privateTexts = ["Your parcel is waiting, call 0800 123 456 now", "ok"]

describe("verbatim privacy filter (the original API)", () => {
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
    const decision = flagging.check("Your parcel is waiting, call 0800 123 456 now")
    expect(decision.action).toBe("flag")
    expect(decision.text).toBe("Your parcel is waiting, call 0800 123 456 now")
  })

  it("runs a custom detector: its name and reason reach the decision", () => {
    const custom = makePrivacyFilter(
      [
        {
          name: "custom",
          scan: (t) => {
            const at = t.original.indexOf("x")
            return at < 0 ? [] : [{ start: at, end: at + 1, reason: "has x" }]
          },
        },
      ],
      {},
    )
    expect(custom.check("a x b")).toMatchObject({ action: "drop", detector: "custom", reason: "has x" })
    expect(custom.check("a b").action).toBe("allow")
  })
})

describe("policies, findings and redaction", () => {
  const lesson = "Reach Jane at jane.doe@example.com or 020 7946 0958. The code is 7391."

  it("records every finding with span offsets and a keyed hash, never the matched text", () => {
    const filter = makeFilter({ secrets: ["7391"] }, { ...defaultPolicy, secret: "flag" }, { auditKey: "k" })
    const decision = filter.check(lesson)
    const byDetector = Object.fromEntries(decision.findings.map((f) => [f.detector, f]))
    expect(Object.keys(byDetector).sort()).toEqual(["email", "phone", "secret"])
    expect(lesson.slice(byDetector.email!.start, byDetector.email!.end)).toBe("jane.doe@example.com")
    expect(lesson.slice(byDetector.phone!.start, byDetector.phone!.end)).toBe("020 7946 0958")
    expect(lesson.slice(byDetector.secret!.start, byDetector.secret!.end)).toBe("7391")
    for (const f of decision.findings) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(f)).not.toContain(lesson.slice(f.start, f.end))
    }
    // Same key, same hash: findings link across lessons of a run.
    const again = makeFilter({ secrets: ["7391"] }, { secret: "flag" }, { auditKey: "k" }).check("7391")
    expect(again.findings[0]!.sha256).toBe(byDetector.secret!.sha256)
  })

  it("redacts PII spans with placeholders and keeps the rest of the lesson", () => {
    const filter = makeFilter({}, defaultPolicy)
    const decision = filter.check(lesson)
    expect(decision.action).toBe("redact")
    expect(decision.text).toBe("Reach Jane at [redacted email] or [redacted phone]. The code is 7391.")
  })

  it("takes the most severe action: a secret drops the lesson even when PII would only be redacted", () => {
    const decision = makeFilter({ secrets: ["7391"] }).check(lesson)
    expect(decision.action).toBe("drop")
    expect(decision.detector).toBe("secret")
    expect(decision.text).toBeUndefined()
    expect(decision.findings.map((f) => f.action)).toContain("redact")
  })

  it("uses the default action for detectors the policy does not name", () => {
    const detectors = makeDetectors({ pii: ["email"] })
    expect(makePrivacyFilter(detectors, {}).check(lesson).action).toBe("drop")
    expect(makePrivacyFilter(detectors, {}, { defaultAction: "flag" }).check(lesson).action).toBe("flag")
  })

  it("redaction leaves no disguised secret behind, and redacting again changes nothing", () => {
    const surface = [
      "zero-width",
      "homoglyph",
      "full-width",
      "combining-marks",
      "spaced",
      "base64",
      "spelled-digits",
    ]
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")),
          fc.constantFrom("Olivia", "Theodore", "Penelope", "Maverick"),
        ),
        fc.constantFrom(...surface),
        fc.integer(),
        (secret, transform, seed) => {
          const filter = makeFilter({ secrets: [secret], pii: false }, { secret: "redact" })
          const hidden = smuggles[transform]!.apply(secret, makeRng(seed))
          const decision = filter.check(`Note ${hidden} for the class.`)
          expect(decision.action).toBe("redact")
          const redacted = decision.text!
          const [compiled] = compileSecrets([secret])
          expect(findSecret(new ScanText(redacted), compiled!)).toEqual([])
          expect(filter.check(redacted)).toMatchObject({ action: "allow", text: redacted })
        },
      ),
      { seed: 11, numRuns: 200 },
    )
  })

  it("drops a lesson whose redaction would not clear it", () => {
    // A placeholder that re-introduces the secret cannot launder it.
    const filter = makeFilter(
      { secrets: ["Olivia"], pii: false },
      { secret: "redact" },
      { placeholder: () => "Olivia" },
    )
    const decision = filter.check("Say hi to Olivia")
    expect(decision.action).toBe("drop")
    expect(decision.reason).toMatch(/redaction left a finding/)
  })
})
