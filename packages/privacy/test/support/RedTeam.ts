import { makeRng } from "@lyceum/core"
import fc from "fast-check"
import { cleanCorpus } from "../../src/CleanCorpus.js"
import { makeFilter } from "../../src/DetectorRegistry.js"
import type { PrivacyFilter } from "../../src/PrivacyFilter.js"
import { carrierSentences, embed, type Smuggle, splitAcrossLessons } from "../../src/Smuggle.js"
import { type SecretKind, secretOf, writtenForm } from "./Secrets.js"

/** Detected out of applicable samples. */
export interface Cell {
  readonly detected: number
  readonly total: number
}

export interface RecallRow {
  readonly transform: string
  readonly kind: string
  readonly cells: Readonly<Partial<Record<SecretKind, Cell>>>
  readonly total: Cell
}

const clean = cleanCorpus(600, 99)

/** One red-team case: a valid secret, written as usual, transformed, put in a carrier after a clean lesson. */
interface Case {
  readonly secret: string
  readonly lesson: string
}

const casesFor = (kind: SecretKind, transform: Smuggle | undefined, samples: number, seed: number) =>
  fc
    .sample(
      fc.tuple(secretOf(kind), fc.constantFrom(...carrierSentences), fc.nat(), fc.nat(clean.length - 1)),
      { seed, numRuns: samples },
    )
    .flatMap(([secret, carrier, salt, context]): Array<Case> => {
      const written = writtenForm(kind, secret, salt)
      if (transform !== undefined && !transform.appliesTo(written)) return []
      const hidden = transform === undefined ? written : transform.apply(written, makeRng(salt))
      return [{ secret, lesson: `${clean[context]} ${embed(carrier, hidden)}` }]
    })

const sum = (cells: ReadonlyArray<Cell>): Cell => ({
  detected: cells.reduce((a, c) => a + c.detected, 0),
  total: cells.reduce((a, c) => a + c.total, 0),
})

/** Applicable cases a detector catches, per transform (rows) and secret kind (columns). */
export const measureRecall = (options: {
  readonly kinds: ReadonlyArray<SecretKind>
  readonly transforms: ReadonlyArray<Smuggle | undefined>
  readonly samples: number
  readonly seed: number
  /** The filter for one case and whether its decision counts as caught. */
  readonly filterFor: (kind: SecretKind, secret: string) => PrivacyFilter
  readonly caught: (kind: SecretKind, detectors: ReadonlyArray<string>) => boolean
}): Array<RecallRow> =>
  options.transforms.map((transform, t) => {
    const cells: Partial<Record<SecretKind, Cell>> = {}
    options.kinds.forEach((kind, k) => {
      const cases = casesFor(kind, transform, options.samples, options.seed + 1000 * t + k)
      if (cases.length === 0) return
      let detected = 0
      for (const c of cases) {
        const decision = options.filterFor(kind, c.secret).check(c.lesson)
        if (
          options.caught(
            kind,
            decision.findings.map((f) => f.detector),
          )
        )
          detected++
      }
      cells[kind] = { detected, total: cases.length }
    })
    return {
      transform: transform?.name ?? "plain",
      kind: transform?.kind ?? "none",
      cells,
      total: sum(Object.values(cells)),
    }
  })

/** Share of split secrets the session scanner (or the secret detector) catches, per kind. */
export const measureSplitRecall = (options: {
  readonly kinds: ReadonlyArray<SecretKind>
  readonly samples: number
  readonly seed: number
  /** Clean lessons the student receives between two pieces (at most). */
  readonly between: number
}): Partial<Record<SecretKind, Cell>> => {
  const out: Partial<Record<SecretKind, Cell>> = {}
  options.kinds.forEach((kind, k) => {
    const runs = fc.sample(fc.tuple(secretOf(kind), fc.integer({ min: 2, max: 4 }), fc.nat()), {
      seed: options.seed + k,
      numRuns: options.samples,
    })
    let detected = 0
    for (const [secret, parts, salt] of runs) {
      const rng = makeRng(salt)
      const filter = makeFilter({ secrets: [secret], pii: false })
      const lessons = splitAcrossLessons(writtenForm(kind, secret, salt), parts, rng).flatMap((piece, i) => [
        ...(i === 0 ? [] : Array.from({ length: rng.int(options.between + 1) }, () => rng.pick(clean))),
        piece,
      ])
      let caught = false
      for (const lesson of lessons) {
        const decision = filter.check(lesson, { student: "s" })
        if (decision.findings.some((f) => f.detector === "secret" || f.detector === "session")) caught = true
        if (decision.text !== undefined) filter.delivered("s", decision.text)
      }
      if (caught) detected++
    }
    out[kind] = { detected, total: runs.length }
  })
  return out
}

/** Clean lessons (and clean sessions) in which any detector fires, with secrets configured that are absent. */
export const measureFalsePositives = (options: {
  readonly lessons: number
  readonly sessions: number
  readonly sessionLength: number
  readonly seed: number
}) => {
  const corpus = cleanCorpus(options.lessons, options.seed)
  const kinds: ReadonlyArray<SecretKind> = ["code", "name", "passphrase", "email", "phone", "card", "iban"]
  const secretSets = fc.sample(fc.tuple(...kinds.map(secretOf)), {
    seed: options.seed,
    numRuns: options.lessons,
  })
  const byDetector: Record<string, number> = {}
  const examples: Array<string> = []
  let flagged = 0
  corpus.forEach((lesson, i) => {
    const filter = makeFilter({ secrets: secretSets[i]! })
    const detectors = new Set(filter.check(lesson).findings.map((f) => f.detector))
    if (detectors.size === 0) return
    flagged++
    if (examples.length < 5) examples.push(`${[...detectors].join(",")}: ${lesson}`)
    for (const d of detectors) byDetector[d] = (byDetector[d] ?? 0) + 1
  })
  let sessionsFlagged = 0
  const sessionCorpus = cleanCorpus(options.sessions * options.sessionLength, options.seed + 1)
  for (let s = 0; s < options.sessions; s++) {
    const filter = makeFilter({ secrets: secretSets[s % secretSets.length]! })
    let hit = false
    for (const lesson of sessionCorpus.slice(s * options.sessionLength, (s + 1) * options.sessionLength)) {
      const decision = filter.check(lesson, { student: "s" })
      if (decision.findings.some((f) => f.detector === "session")) hit = true
      if (decision.text !== undefined) filter.delivered("s", decision.text)
    }
    if (hit) sessionsFlagged++
  }
  return {
    lessons: options.lessons,
    flagged,
    byDetector,
    examples,
    sessions: options.sessions,
    sessionsFlagged,
  }
}

const percent = (c: Cell | undefined): string =>
  c === undefined || c.total === 0
    ? "—"
    : `${((100 * c.detected) / c.total).toFixed(c.detected === c.total ? 0 : 1)}%`

/** A Markdown table of recall rows. */
export const recallMarkdown = (rows: ReadonlyArray<RecallRow>, kinds: ReadonlyArray<SecretKind>): string => {
  const header = `| transform | kind | ${kinds.join(" | ")} | all (n) |`
  const rule = `|---|---|${kinds.map(() => "---:").join("|")}|---:|`
  const lines = rows.map(
    (r) =>
      `| ${r.transform} | ${r.kind} | ${kinds.map((k) => percent(r.cells[k])).join(" | ")} | ${percent(r.total)} (${r.total.total}) |`,
  )
  return [header, rule, ...lines].join("\n")
}

export const recallOf = (c: Cell): number => (c.total === 0 ? 1 : c.detected / c.total)
