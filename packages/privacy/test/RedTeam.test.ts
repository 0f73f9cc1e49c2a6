import type { Rng } from "@lyceum/core"
import { describe, expect, it } from "vitest"
import { makeFilter } from "../src/DetectorRegistry.js"
import { type Smuggle, smuggleList } from "../src/Smuggle.js"
import {
  measureFalsePositives,
  measureRecall,
  measureSplitRecall,
  type RecallRow,
  recallMarkdown,
  recallOf,
} from "./support/RedTeam.js"
import type { SecretKind } from "./support/Secrets.js"

/**
 * The red-team suite: valid secrets × carrier sentences × evasion transforms (alone and combined), recall per
 * transform, false positives on a clean corpus. Tables are printed; docs/privacy.md carries them.
 */

/** Transforms a pattern filter is not expected to follow (listed in docs/privacy.md, not hidden). */
const SECRET_LIMITATIONS = new Set([
  "arithmetic",
  "translated-digits",
  "nato-spelling",
  "acrostic",
  "spelled-pairs",
])

/** Supported transforms of a kind: the combinations draw from these. */
const byKind = (kind: Smuggle["kind"]) =>
  smuggleList.filter((s) => s.kind === kind && !SECRET_LIMITATIONS.has(s.name))

/** One random textual transform, then optionally an encoding, then one surface transform. */
const combo = (name: string, withEncoding: boolean): Smuggle => ({
  name,
  kind: "surface",
  description: name,
  appliesTo: () => true,
  apply: (secret: string, rng: Rng) => {
    let text = secret
    const steps = [rng.pick(byKind("textual")), ...(withEncoding ? [rng.pick(byKind("encoding"))] : [])]
    for (const step of [...steps, rng.pick(byKind("surface"))])
      if (step.appliesTo(text)) text = step.apply(text, rng)
    return text
  },
})

const transforms = [
  undefined,
  ...smuggleList,
  combo("combo: textual+surface", false),
  combo("combo: textual+encoding+surface", true),
]

/** PII recognisers do not know the value, so more disguises defeat them (the secret detector still catches them). */
const PII_UNSUPPORTED_TRANSFORMS = new Set([
  ...SECRET_LIMITATIONS,
  "spaced",
  "mixed-separators",
  "leetspeak",
  "reversed",
  "rot13",
  "digits-in-pieces",
  "combo: textual+surface",
  "combo: textual+encoding+surface",
])
const PII_UNSUPPORTED_CELLS = new Set([
  "digit-lookalikes/ssn",
  "spelled-digits/ssn",
  "spelled-digits/ip",
  "spelled-pairs/ssn",
  "spelled-pairs/ip",
])

const knownKinds: ReadonlyArray<SecretKind> = ["code", "name", "passphrase", "email", "phone", "card", "iban"]
const piiKinds: ReadonlyArray<SecretKind> = ["email", "phone", "card", "iban", "ssn", "ip"]
const piiDetectorOf: Readonly<Partial<Record<SecretKind, string>>> = {
  email: "email",
  phone: "phone",
  card: "card",
  iban: "iban",
  ssn: "national-id",
  ip: "ip",
}

const belowGoal = (
  rows: ReadonlyArray<RecallRow>,
  skipRow: (r: RecallRow) => boolean,
  skipCell = (_: string) => false,
) =>
  rows.flatMap((row) =>
    skipRow(row)
      ? []
      : Object.entries(row.cells)
          .filter(
            ([kind, cell]) =>
              cell !== undefined && !skipCell(`${row.transform}/${kind}`) && recallOf(cell) < 0.99,
          )
          .map(([kind, cell]) => `${row.transform}/${kind}: ${cell!.detected}/${cell!.total}`),
  )

describe("red team", () => {
  it("known secrets (canaries, configured secrets): recall >= 99% on every supported transform", () => {
    const rows = measureRecall({
      kinds: knownKinds,
      transforms,
      samples: 40,
      seed: 1,
      filterFor: (_, secret) =>
        makeFilter({ secrets: [secret, "5555", "Zelda"], pii: false, session: false }),
      caught: (_, detectors) => detectors.includes("secret"),
    })
    console.log(`Known-secret recall (secret detector alone):\n${recallMarkdown(rows, knownKinds)}`)
    expect(belowGoal(rows, (r) => SECRET_LIMITATIONS.has(r.transform))).toEqual([])
    for (const row of rows.filter((r) => r.kind === "semantic")) expect(recallOf(row.total)).toBeLessThan(0.5)
  })

  it("PII recognisers (value unknown): recall >= 99% on the transforms they support", () => {
    const filter = makeFilter({ pii: true })
    const rows = measureRecall({
      kinds: piiKinds,
      transforms,
      samples: 30,
      seed: 2,
      filterFor: () => filter,
      caught: (kind, detectors) => detectors.includes(piiDetectorOf[kind]!),
    })
    console.log(`PII recall (recognisers alone, secret not configured):\n${recallMarkdown(rows, piiKinds)}`)
    const missing = belowGoal(
      rows,
      (r) => PII_UNSUPPORTED_TRANSFORMS.has(r.transform),
      (cell) => PII_UNSUPPORTED_CELLS.has(cell),
    )
    expect(missing).toEqual([])
  })

  it("session scanning catches secrets split across lessons", () => {
    const kinds: ReadonlyArray<SecretKind> = ["code", "name", "passphrase", "card", "phone"]
    const consecutive = measureSplitRecall({ kinds, samples: 100, seed: 3, between: 0 })
    const interleaved = measureSplitRecall({ kinds, samples: 100, seed: 4, between: 2 })
    const line = (label: string, cells: typeof consecutive) =>
      `| ${label} | ${kinds.map((k) => `${cells[k]!.detected}/${cells[k]!.total}`).join(" | ")} |`
    console.log(
      [
        "Split-secret recall (2-4 pieces):",
        `| lessons | ${kinds.join(" | ")} |`,
        `|---|${kinds.map(() => "---:").join("|")}|`,
        line("consecutive", consecutive),
        line("0-2 clean lessons between pieces", interleaved),
      ].join("\n"),
    )
    for (const kind of ["code", "passphrase", "card", "phone"] as const)
      expect(recallOf(consecutive[kind]!), kind).toBeGreaterThanOrEqual(0.99)
    for (const kind of ["card", "phone"] as const)
      expect(recallOf(interleaved[kind]!), kind).toBeGreaterThanOrEqual(0.99)
  })

  it("false positives on clean lessons and clean sessions stay at or below 1%", () => {
    const fp = measureFalsePositives({ lessons: 3000, sessions: 300, sessionLength: 10, seed: 4 })
    console.log(
      `False positives: ${fp.flagged}/${fp.lessons} clean lessons (by detector: ${JSON.stringify(fp.byDetector)}), ` +
        `${fp.sessionsFlagged}/${fp.sessions} clean sessions of 10 lessons\n${fp.examples.join("\n")}`,
    )
    expect(fp.flagged / fp.lessons).toBeLessThanOrEqual(0.01)
    expect(fp.sessionsFlagged / fp.sessions).toBeLessThanOrEqual(0.01)
  })
})
