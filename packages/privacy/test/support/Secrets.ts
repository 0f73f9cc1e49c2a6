import fc from "fast-check"
import { parsePhoneNumberFromString } from "libphonenumber-js/max"
import { FIRST_NAMES } from "../../src/FirstNames.js"

/** Kinds of valid secrets the red-team suite hides in lessons. */
export type SecretKind = "code" | "name" | "passphrase" | "email" | "phone" | "card" | "iban" | "ssn" | "ip"

const WORDS =
  "agony library older dolphin marble orbit velvet harbor copper lantern meadow quartz saddle tundra walnut " +
  "ember falcon glacier hollow island jigsaw kettle lemon mosaic nectar oyster pepper quiver ribbon summit " +
  "thistle umbra vortex willow yonder zephyr anchor bramble cinder drizzle"

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n })

const luhnCheck = (body: ReadonlyArray<number>): number => {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = body[body.length - 1 - i]!
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

const mod97 = (numeric: string): number => {
  let rest = 0
  for (const c of numeric) rest = (rest * 10 + Number(c)) % 97
  return rest
}

/** A German IBAN with valid check digits: DEkk + 8-digit bank code + 10-digit account. */
const iban = digits(18).map((d) => {
  const bban = d.join("")
  const check = 98 - mod97(`${bban}131400`)
  return `DE${String(check).padStart(2, "0")}${bban}`
})

const card = fc.tuple(fc.constantFrom([4], [5, 1], [5, 3], [5, 5]), digits(14)).map(([prefix, rest]) => {
  const body = [...prefix, ...rest].slice(0, 15)
  return [...body, luhnCheck(body)].join("")
})

/** UK mobile numbers valid under libphonenumber's full metadata, in international form. */
const phone = fc
  .tuple(fc.constantFrom("74", "75", "77", "78", "79"), digits(8))
  .map(([prefix, rest]) => `+44${prefix}${rest.join("")}`)
  .filter((p) => parsePhoneNumberFromString(p)?.isValid() === true)

const ssn = fc
  .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .filter(([area]) => area !== 666)
  .map(
    ([a, g, s]) => `${String(a).padStart(3, "0")}${String(g).padStart(2, "0")}${String(s).padStart(4, "0")}`,
  )

const ip = fc
  .tuple(fc.integer({ min: 11, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .filter(([a]) => a !== 127 && a !== 172 && a !== 192 && a !== 100)
  .map((parts) => parts.join("."))

const email = fc
  .tuple(
    fc.constantFrom(...FIRST_NAMES),
    fc.constantFrom(...FIRST_NAMES),
    fc.constantFrom(".", "_", ""),
    fc.constantFrom("example.com", "mail.co.uk", "inbox.org", "post.net"),
  )
  .map(([first, last, sep, domain]) => `${first.toLowerCase()}${sep}${last.toLowerCase()}@${domain}`)

/** Valid secrets of one kind, in their canonical written form (the filter is configured with this form). */
export const secretOf = (kind: SecretKind): fc.Arbitrary<string> => {
  switch (kind) {
    case "code":
      return digits(4).map((d) => d.join(""))
    case "name":
      return fc.constantFrom(...FIRST_NAMES)
    case "passphrase":
      return fc
        .shuffledSubarray(WORDS.split(" "), { minLength: 3, maxLength: 4 })
        .map((words) => words.join(" "))
    case "email":
      return email
    case "phone":
      return phone
    case "card":
      return card
    case "iban":
      return iban
    case "ssn":
      return ssn
    case "ip":
      return ip
  }
}

/** How a secret is usually written in a lesson before any evasion (groups, spacing, international form). */
export const writtenForm = (kind: SecretKind, secret: string, style: number): string => {
  switch (kind) {
    case "phone": {
      const parsed = parsePhoneNumberFromString(secret)!
      return style % 3 === 0
        ? secret
        : style % 3 === 1
          ? parsed.formatNational()
          : parsed.formatInternational()
    }
    case "card":
      return style % 2 === 0 ? secret : secret.replace(/(\d{4})(?=\d)/g, "$1 ")
    case "iban":
      return style % 2 === 0 ? secret : secret.replace(/(.{4})(?=.)/g, "$1 ")
    case "ssn":
      return `${secret.slice(0, 3)}-${secret.slice(3, 5)}-${secret.slice(5)}`
    default:
      return secret
  }
}
