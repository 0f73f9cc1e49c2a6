import { describe, expect, it } from "vitest"
import { normalizeText } from "../src/Normalize.js"
import { ScanText } from "../src/ScanText.js"
import { originalSpan } from "../src/TextView.js"

describe("ScanText views", () => {
  it("folds invisible characters, widths, marks and look-alikes, keeping offsets into the original", () => {
    const original = "Ｃоdе\u200B: ＯＬІVÍA"
    const text = new ScanText(original)
    expect(text.base.text).toBe("code: olivia")
    const at = text.base.text.indexOf("olivia")
    const [start, end] = originalSpan(text.base, at, at + 6)
    expect(original.slice(start, end)).toBe("ＯＬІVÍA")
  })

  it("reads inline escapes and invisible tag characters as the text they stand for", () => {
    expect(new ScanText("&#55;&#x33;%39\\x31").base.text).toBe("7391")
    const tags = [..."7391"].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join("")
    expect(new ScanText(`ok${tags}`).base.text).toBe("ok7391")
  })

  it("reads spelled-out numbers and digit look-alikes as digits", () => {
    expect(new ScanText("seven three nine one").digits.text).toBe("7391")
    expect(new ScanText("seven-three-nine-one").digits.text).toBe("7391")
    expect(new ScanText("twelve thirty-four").digits.text).toBe("1234")
    expect(new ScanText("one thousand two hundred and five").digits.text).toBe("1205")
    expect(new ScanText("l2З4 and 1OOO").digits.text).toBe("1234and1000")
    expect(new ScanText("٧٣٩١").digits.text).toBe("7391")
    // Ordinary words stay words.
    expect(new ScanText("no one knows, oh well").digits.text).toBe("no1knowsohwell")
  })

  it("keeps digit groups apart where they were written apart", () => {
    const digits = new ScanText("oh seven eight, oh five").digits
    expect(digits.text).toBe("07805")
    expect(new Set(digits.token).size).toBe(2)
  })

  it("folds leetspeak and drops spelled connectors in the text views", () => {
    expect(new ScanText("0l1v14").leet.text).toBe("oiivia")
    expect(new ScanText("jane dot doe at example dot com").leet.text).toBe("janedoeexampiecom")
    // A camelCase piece "At" is not a connector.
    expect(new ScanText("tAtIaNa").leetPlain.text).toBe("tatiana")
  })

  it("decodes base64 and hex tokens that hold readable text, and only those", () => {
    const text = new ScanText("see T2xpdmlh and 37 33 39 31 or hello")
    expect(text.decoded.map((d) => [d.encoding, d.text.original])).toEqual([
      ["hex", "7391"],
      ["base64", "Olivia"],
      ["rot13", "frr G2kcqzyu naq 37 33 39 31 be uryyb"],
    ])
    expect(new ScanText("Congratulations because everything").decoded.map((d) => d.encoding)).toEqual([
      "rot13",
    ])
    expect(new ScanText("7391").decoded).toEqual([])
  })

  it("normalizeText stays the simple comparison form", () => {
    expect(normalizeText("  Ｈｉ\u200B  THERE ")).toBe("hi there")
  })
})
