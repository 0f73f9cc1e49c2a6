import { Either } from "effect"
import { type Finding, type KindSchema, rawField, rawList } from "./BaseChecks.js"
import { Limits, type ScenarioBase } from "./Scenario.js"
import {
  describePoint,
  expandSweep,
  type SweepConfig,
  type SweepPointValues,
  sweepPathKeys,
} from "./Sweep.js"

/** One point of a loaded sweep: its label and values, and the scenario decoded with them set. */
export interface SweepPoint extends Omit<SweepPointValues, "raw"> {
  readonly scenario: ScenarioBase
}

/** A loaded scenario's sweep: its config as written and every point, in order (point k is `@p<k>`). */
export interface LoadedSweep {
  readonly config: SweepConfig
  readonly points: ReadonlyArray<SweepPoint>
}

/** A finding, with the line to show when it is not the line of its own key (a swept value's). */
export type PlacedFinding = Finding & { readonly line?: number | undefined }

const samePath = (a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>) =>
  a.length === b.length && a.every((key, i) => key === b[i])

/** The swept path a finding is about (its key is inside the path, or the path inside its key), if any. */
const sweptPathOf = (key: ReadonlyArray<PropertyKey>, paths: ReadonlyArray<string>): string | undefined =>
  paths.find((path) => {
    const keys = sweepPathKeys(path)
    const n = Math.min(keys.length, key.length)
    return n > 0 && samePath(keys.slice(0, n), key.slice(0, n))
  })

/**
 * The sweep of a raw document, expanded and each point checked as a whole scenario with `check`; undefined
 * without `sweep:`. A problem every point has is reported once, where it is written; one only some points have
 * names the point (`point 1 (nGen=0): ...`), at the line of the swept value it comes from when it does.
 */
export const sweptScenario = (
  raw: unknown,
  check: (doc: unknown) => Either.Either<ScenarioBase, ReadonlyArray<Finding>>,
  kinds: ReadonlyArray<KindSchema>,
): Either.Either<LoadedSweep, ReadonlyArray<PlacedFinding>> | undefined => {
  const expanded = expandSweep(raw)
  if (Either.isRight(expanded) && expanded.right === undefined) return undefined
  if (Either.isLeft(expanded)) {
    // The rest of the document is checked too: every problem at once.
    const { sweep: _sweep, ...base } = raw as Record<string, unknown>
    const rest = check(base)
    return Either.left([...expanded.left, ...(Either.isLeft(rest) ? rest.left : [])])
  }
  const { config, points } = expanded.right!
  const paths = Object.keys(config.fields)
  const checked = points.map((point) => ({ point, result: check(point.raw) }))
  const failing = checked.flatMap(({ point, result }) =>
    Either.isLeft(result) ? result.left.map((finding) => ({ point, finding })) : [],
  )
  if (failing.length > 0) {
    const id = (f: Finding) => `${f.key.map(String).join("\u0000")}\u0001${f.message}`
    const counts = new Map<string, number>()
    for (const { finding } of failing) counts.set(id(finding), (counts.get(id(finding)) ?? 0) + 1)
    const reported = new Set<string>()
    const findings: Array<PlacedFinding> = []
    for (const { point, finding } of failing) {
      if (counts.get(id(finding)) === points.length) {
        if (!reported.has(id(finding))) findings.push(finding)
        reported.add(id(finding))
        continue
      }
      const swept = sweptPathOf(finding.key, paths)
      findings.push({
        key: swept === undefined ? finding.key : ["sweep", "fields", swept],
        message: `${describePoint(point)}: ${swept === undefined ? "" : `${formatKey(finding.key)}: `}${finding.message}`,
      })
    }
    return Either.left(findings)
  }
  // Each point within its own cohort limit (checked above), the whole sweep within the run's.
  const cohorts = points.reduce((sum, point) => sum + cohortsOf(point.raw, kinds), 0)
  if (cohorts > Limits.cohorts)
    return Either.left([
      {
        key: ["sweep"],
        message:
          `points × repeats × tasks × variants is ${cohorts.toLocaleString("en-US")} cohorts over ${points.length} points; ` +
          `at most ${Limits.cohorts.toLocaleString("en-US")} (every cohort is planned before the run starts): split the sweep`,
      },
    ])
  return Either.right({
    config,
    points: checked.map(({ point, result }) => ({
      index: point.index,
      label: point.label,
      values: point.values,
      scenario: Either.getOrThrow(result),
    })),
  })
}

/** `methods[0].nGen`, as problems name fields. */
const formatKey = (key: ReadonlyArray<PropertyKey>) =>
  key.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("")

/** A point's cohorts (repeats × tasks × variants), as its kind counts its variants; 0 when it cannot tell. */
const cohortsOf = (raw: unknown, kinds: ReadonlyArray<KindSchema>): number => {
  const name = rawField(raw, "kind")
  const kind = name === undefined ? kinds[0] : kinds.find((k) => k.name === name)
  const variants = kind?.variantCount?.(raw)?.count ?? 0
  const repeats = rawField(raw, "repeats") ?? 1
  return (typeof repeats === "number" ? repeats : 1) * rawList(rawField(raw, "tasks")).length * variants
}

/** A scenario's points as the runner plays them: a sweep's, or the scenario itself as its one point. */
export interface ScenarioPoint {
  /** The sweep point's index; undefined for a scenario without a sweep (its cohorts' methods have no `@p`). */
  readonly point: number | undefined
  readonly label: string
  readonly scenario: ScenarioBase
}

/** The points a loaded scenario plays (one without a sweep): what every process of a run derives alike. */
export const scenarioPoints = (loaded: {
  readonly scenario: ScenarioBase
  readonly sweep?: LoadedSweep | undefined
}): ReadonlyArray<ScenarioPoint> =>
  loaded.sweep === undefined
    ? [{ point: undefined, label: "", scenario: loaded.scenario }]
    : loaded.sweep.points.map((p) => ({ point: p.index, label: p.label, scenario: p.scenario }))

/**
 * The scenario as a run stores it (`runs.config`) and resume compares it: a sweep's first point with the
 * `sweep:` itself, which together determine every point.
 */
export const storedConfig = (loaded: {
  readonly scenario: ScenarioBase
  readonly sweep?: LoadedSweep | undefined
}): unknown =>
  loaded.sweep === undefined
    ? loaded.scenario
    : {
        ...loaded.scenario,
        sweep: { mode: loaded.sweep.config.mode, fields: loaded.sweep.config.fields },
      }
