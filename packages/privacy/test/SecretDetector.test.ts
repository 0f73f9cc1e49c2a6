import { describe, expect, it } from "vitest"
import { ScanText } from "../src/ScanText.js"
import { compileSecrets, secretDetector } from "../src/SecretDetector.js"

const found = (secrets: ReadonlyArray<string>, lesson: string) =>
  secretDetector(secrets).scan(new ScanText(lesson))

describe("secretDetector", () => {
  it("finds a code however it is written, and reports where", () => {
    for (const lesson of [
      "The code is 7391.",
      "code: 7 3 9 1",
      "code 7-3.9_1",
      "seven three nine one",
      "seventy-three ninety-one",
      "PIN7391",
      "١٩٣٧ reversed is 7391",
      "7\u200B3\u200C9\u200D1",
      "७३९१",
    ]) {
      expect(found(["7391"], lesson).length, lesson).toBeGreaterThan(0)
    }
    const [match] = found(["7391"], "Ref: 7 3 9 1 ok")
    expect("Ref: 7 3 9 1 ok".slice(match!.start, match!.end)).toBe("7 3 9 1")
  })

  it("needs word boundaries for short secrets: 7391 is not in 173912 and Ava is not in lava", () => {
    expect(found(["7391"], "Order 173912 shipped")).toEqual([])
    expect(found(["Ava"], "The lava flowed; Java too")).toEqual([])
    expect(found(["Olivia"], "We flew to Bolivia")).toEqual([])
    expect(found(["Ava"], "Ask Ava today")).toHaveLength(1)
  })

  it("finds names through leetspeak, homoglyphs, case, ROT13 and reversal", () => {
    for (const lesson of ["0l1v14", "Οlіvіа", "OLIVIA", "Byvivn", "aivilo", "O.l.i.v.i.a", "Hi 0l!v!@!"]) {
      expect(found(["Olivia"], lesson).length, lesson).toBeGreaterThan(0)
    }
  })

  it("reads a phone secret in national and international form", () => {
    const secret = ["+44 20 7946 0958"]
    expect(found(secret, "ring 020 7946 0958")).not.toEqual([])
    expect(found(secret, "ring 0044 20 7946 0958")).not.toEqual([])
    expect(found(secret, "ring 44 2079 460958")).not.toEqual([])
  })

  it("finds a secret given in pieces within one lesson", () => {
    expect(found(["7391"], "the first digit is 7, the second 3, then 9 and finally 1")).not.toEqual([])
    expect(found(["Olivia"], "it starts with Oli and ends with via")).not.toEqual([])
    // Common words alone never spell a secret.
    expect(found(["Asher"], "as for her, she left")).toEqual([])
  })

  it("names the secret by index and the view that saw it, never by value", () => {
    const [match] = found(["nothing", "7391"], "seven three nine one")
    expect(match!.reason).toBe(
      "configured secret #1, seen through: digits with separators and number words read",
    )
  })

  it("ignores secrets too short to match safely", () => {
    expect(compileSecrets(["12", "ok", "1234"]).map((s) => s.index)).toEqual([2])
  })
})
