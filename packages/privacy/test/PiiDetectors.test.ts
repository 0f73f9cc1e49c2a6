import { describe, expect, it } from "vitest"
import { cardDetector } from "../src/CardDetector.js"
import { emailDetector } from "../src/EmailDetector.js"
import type { Detector } from "../src/FilterDecision.js"
import { ibanDetector } from "../src/IbanDetector.js"
import { ipDetector } from "../src/IpDetector.js"
import { nationalIdDetector } from "../src/NationalIdDetector.js"
import { phoneDetector } from "../src/PhoneDetector.js"
import { ScanText } from "../src/ScanText.js"
import { urlDetector } from "../src/UrlDetector.js"

const spans = (detector: Detector, text: string) =>
  detector.scan(new ScanText(text)).map((m) => text.slice(m.start, m.end))

describe("PII recognisers", () => {
  it("email: plain, obfuscated and disguised addresses, not prose", () => {
    const email = emailDetector()
    expect(spans(email, "mail jane.doe@example.com now")).toEqual(["jane.doe@example.com"])
    expect(spans(email, "jane.doe [at] example [dot] com")).toHaveLength(1)
    expect(spans(email, "jane (at) example.co.uk")).toHaveLength(1)
    expect(spans(email, "jane dot doe at example dot com")).toHaveLength(1)
    expect(spans(email, "jane＠exаmple.com")).toHaveLength(1)
    expect(spans(email, "Verify your details at secure-login.com today")).toEqual([])
    expect(spans(email, "Meet at noon. Then lunch")).toEqual([])
  })

  it("phone: formatted, international, spelled-out and spaced digits; not short codes or times", () => {
    const phone = phoneDetector()
    expect(spans(phone, "call 020 7946 0958")).toEqual(["020 7946 0958"])
    expect(spans(phone, "call +44 7911 123456 or (201) 555-0123")).toEqual([
      "+44 7911 123456",
      "(201) 555-0123",
    ])
    expect(spans(phone, "call +1 201-555-0173")).toHaveLength(1)
    expect(spans(phone, "oh two oh seven nine four six oh nine five eight")).toHaveLength(1)
    expect(spans(phone, "0 2 0 7 9 4 6 0 9 5 8")).toHaveLength(1)
    expect(spans(phone, "Txt WIN to 87121 by 10:30 on 12/05/2024 for £1500")).toEqual([])
  })

  it("card: Luhn-valid numbers in any grouping; Luhn-invalid ones pass", () => {
    const card = cardDetector()
    expect(spans(card, "card 4111 1111 1111 1111 exp")).toEqual(["4111 1111 1111 1111"])
    expect(spans(card, "5500-0000-0000-0004")).toHaveLength(1)
    expect(spans(card, "four one one one one one one one one one one one one one one one")).toHaveLength(1)
    expect(spans(card, "4111 1111 1111 1112")).toEqual([])
    expect(spans(card, "1234 5678 9012 3456")).toEqual([])
  })

  it("iban: checksum-valid, spaced or packed; a wrong check digit passes", () => {
    const iban = ibanDetector()
    expect(spans(iban, "IBAN DE89 3704 0044 0532 0130 00 thanks")).toEqual(["DE89 3704 0044 0532 0130 00"])
    expect(spans(iban, "GB82WEST12345698765432")).toHaveLength(1)
    expect(spans(iban, "DE88 3704 0044 0532 0130 00")).toEqual([])
  })

  it("ip: v4 and v6 addresses, not versions or clock times", () => {
    const ip = ipDetector()
    expect(spans(ip, "server 203.0.113.42 is up")).toEqual(["203.0.113.42"])
    expect(spans(ip, "addr 2001:db8:85a3::8a2e:370:7334")).toHaveLength(1)
    expect(spans(ip, "at 10:30:45 on version 1.2.3")).toEqual([])
  })

  it("url: only URLs that can carry private data", () => {
    const url = urlDetector()
    expect(spans(url, "see https://example.com/reset?token=abc123")).toHaveLength(1)
    expect(spans(url, "see http://admin:hunter2@example.com/")).toHaveLength(1)
    expect(spans(url, "see http://192.168.1.20/admin")).toHaveLength(1)
    expect(spans(url, "see intranet.corp/x and www.getzed.co.uk and deals.com/offers")).toHaveLength(1)
  })

  it("national ids: SSN by shape or context word, UK NINO by prefix rules", () => {
    const ids = nationalIdDetector()
    expect(spans(ids, "SSN 078-05-1120")).toEqual(["078-05-1120"])
    expect(spans(ids, "my ssn is 078051120")).toHaveLength(1)
    expect(spans(ids, "order 078051120")).toEqual([])
    expect(spans(ids, "666-05-1120 and 078-00-1120")).toEqual([])
    expect(spans(ids, "NI number AB 12 34 56 C")).toHaveLength(1)
    expect(spans(ids, "GB123456A")).toEqual([])
  })
})
