import { makeRng } from "@lyceum/core"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeFilter } from "../src/DetectorRegistry.js"
import type { PrivacyFilter } from "../src/PrivacyFilter.js"
import { splitAcrossLessons } from "../src/Smuggle.js"
import { secretOf } from "./support/Secrets.js"

/** Sends lessons to one student through the filter; returns the decisions. */
const send = (filter: PrivacyFilter, lessons: ReadonlyArray<string>, student = "s") =>
  lessons.map((lesson) => {
    const decision = filter.check(lesson, { student })
    if (decision.text !== undefined) filter.delivered(student, decision.text)
    return decision
  })

describe("session scanning", () => {
  it("drops the lesson that completes a split secret, after passing the first half", () => {
    const filter = makeFilter({ secrets: ["7391"], pii: false })
    const [first, second] = send(filter, ["Part 1 of the note: 73.", "Part 2 of the note: 91."])
    expect(first!.action).toBe("allow")
    expect(second).toMatchObject({ action: "drop", detector: "session" })
    expect(second!.reason).toBe("configured secret #0, completed across lessons to this student")
  })

  it("keeps students apart and forgets nothing it did not deliver", () => {
    const filter = makeFilter({ secrets: ["Olivia"], pii: false })
    send(filter, ["Remember Oli - piece 1."], "a")
    expect(filter.check("Remember via - piece 2.", { student: "b" }).action).toBe("allow")
    expect(filter.check("Remember via - piece 2.", { student: "a" }).action).toBe("drop")
    // A dropped lesson never reached the student, so it cannot complete anything later.
    const strict = makeFilter({ secrets: ["7391", "Olivia"], pii: false })
    send(strict, ["Olivia says 73"], "c")
    expect(strict.check("and 91", { student: "c" }).action).toBe("allow")
  })

  it("catches a secret split across consecutive lessons, for every secret kind and split", () => {
    fc.assert(
      fc.property(
        fc.oneof(secretOf("code"), secretOf("card"), secretOf("phone"), secretOf("passphrase")),
        fc.integer({ min: 2, max: 4 }),
        fc.integer(),
        (secret, parts, seed) => {
          const filter = makeFilter({ secrets: [secret], pii: false })
          const decisions = send(filter, splitAcrossLessons(secret, parts, makeRng(seed)))
          expect(decisions.some((d) => d.action === "drop")).toBe(true)
        },
      ),
      { seed: 17, numRuns: 150 },
    )
  })
})
