import { Either, Schema } from "effect"
import type { Finding } from "./BaseChecks.js"
import { Limits } from "./Scenario.js"
import { formatIssue } from "./SchemaMessages.js"

/**
 * `sweep:` in a scenario file: some fields take a list of values, and one run plays every point (every
 * combination, or the lists walked together), each point a cohort dimension of its own (`<variant>@p<k>`).
 */
export const SweepConfig = Schema.Struct({
  mode: Schema.optionalWith(
    Schema.Literal("grid", "zip").annotations({
      description:
        "grid: every combination of the fields' values (cartesian product); zip: the lists walked together (all the same length)",
    }),
    { default: () => "grid" as const },
  ),
  fields: Schema.Record({
    key: Schema.String.annotations({
      description: "a path into the scenario, dot-separated, a number is a list index (methods.0.nGen)",
    }),
    value: Schema.Array(Schema.Unknown).annotations({
      description: "the values the field takes, one per point",
    }),
  }).annotations({ description: "the swept fields: path → list of values" }),
}).annotations({
  identifier: "SweepConfig",
  description:
    "Play the scenario at several points in one run: each listed field takes each of its values (grid: every combination; zip: the lists together). Every point is checked as a whole scenario; reports facet by point.",
})
export type SweepConfig = typeof SweepConfig.Type

/** Fields that belong to the whole run, not to one point: a point cannot change them. */
const RUN_FIELDS = ["name", "description", "kind", "seed", "repeats", "budget", "cache", "sweep"] as const

/** One point of a sweep: its index, its label and the value each swept path takes. */
export interface SweepPointValues {
  readonly index: number
  /** `temperature=0.3,nGen=2`: the last segment of each path, the whole path where two share it. */
  readonly label: string
  /** Swept path → its value at this point, in the order of `sweep.fields`. */
  readonly values: Readonly<Record<string, unknown>>
  /** The document with the point's values set (without `sweep:`), to be decoded as a whole scenario. */
  readonly raw: unknown
}

/** What `sweep:` says, expanded: its decoded config and every point's document. */
export interface ExpandedSweep {
  readonly config: SweepConfig
  readonly points: ReadonlyArray<SweepPointValues>
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `methods.0.nGen` as keys: ["methods", 0, "nGen"] (a segment of digits is a list index). */
export const sweepPathKeys = (path: string): Array<string | number> =>
  path.split(".").map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment))

/** Why `keys` does not name a field the document has, or undefined when it does. */
const missingAt = (raw: unknown, keys: ReadonlyArray<string | number>): string | undefined => {
  let value = raw
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const where = keys.slice(0, i).join(".") || "the scenario"
    if (typeof key === "number") {
      if (!Array.isArray(value)) return `${where} is not a list, so it has no item ${key}`
      if (key >= value.length)
        return `${where} has ${value.length} item${value.length === 1 ? "" : "s"}; there is no item ${key} (counted from 0)`
      value = value[key]
    } else {
      if (!isMap(value) || !Object.hasOwn(value, key))
        return key === ""
          ? "a path has no empty segments (write methods.0.nGen)"
          : `${where} has no field ${key}: write it in the scenario with its base value, then sweep it`
      value = value[key]
    }
  }
  return undefined
}

/** A deep copy of a plain YAML value (objects, lists, scalars). */
const copy = (value: unknown): unknown => structuredClone(value)

/** Sets `keys` in `doc` (which has them: checked before) to `value`. */
const setAt = (doc: unknown, keys: ReadonlyArray<string | number>, value: unknown) => {
  let parent = doc as Record<string | number, unknown>
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  parent[keys.at(-1)!] = copy(value)
}

/** Each path's short name for labels: its last segment, the whole path where another path ends the same way. */
const shortNames = (paths: ReadonlyArray<string>): ReadonlyArray<string> => {
  const last = paths.map((p) => p.split(".").at(-1)!)
  return paths.map((p, i) => (last.filter((l) => l === last[i]).length > 1 ? p : last[i]!))
}

/** A value as a label shows it: scalars as written, anything else as compact JSON. */
const labelValue = (value: unknown): string =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value)

/**
 * The points of `raw`'s `sweep:`, or what is wrong with it (each finding keyed to `sweep.fields.<path>` so its
 * line is found). Undefined points and no findings: the document has no `sweep:`.
 */
export const expandSweep = (
  raw: unknown,
): Either.Either<ExpandedSweep | undefined, ReadonlyArray<Finding>> => {
  if (!isMap(raw) || !Object.hasOwn(raw, "sweep")) return Either.right(undefined)
  const decoded = Schema.decodeUnknownEither(SweepConfig, { errors: "all", onExcessProperty: "error" })(
    raw.sweep,
  )
  if (Either.isLeft(decoded))
    return Either.left(
      formatIssue(decoded.left.issue).map((p) => ({ key: ["sweep", ...p.path], message: p.message })),
    )
  const config = decoded.right
  const paths = Object.keys(config.fields)
  const at = (path: string, message: string): Finding => ({ key: ["sweep", "fields", path], message })
  if (paths.length === 0)
    return Either.left([{ key: ["sweep", "fields"], message: "expected at least one field to sweep" }])
  const findings: Array<Finding> = []
  for (const path of paths) {
    const keys = sweepPathKeys(path)
    const values = config.fields[path]!
    const root = String(keys[0])
    if ((RUN_FIELDS as ReadonlyArray<string>).includes(root))
      findings.push(
        at(
          path,
          root === "repeats" || root === "seed"
            ? `${root} belongs to the whole run, not to a point: repeats already play each point with other seeds`
            : `${root} belongs to the whole run, not to a point: sweep it with separate runs`,
        ),
      )
    else {
      const missing = missingAt(raw, keys)
      if (missing !== undefined) findings.push(at(path, `no such field: ${missing}`))
    }
    if (values.length === 0) findings.push(at(path, "expected a non-empty list of values"))
    const inside = paths.find((other) => other !== path && path.startsWith(`${other}.`))
    if (inside !== undefined)
      findings.push(at(path, `is inside ${inside}, which is swept too: sweep one of them`))
  }
  const lengths = paths.map((p) => config.fields[p]!.length)
  if (config.mode === "zip")
    paths.forEach((path, i) => {
      if (lengths[i] !== lengths[0] && lengths[i]! > 0)
        findings.push(
          at(
            path,
            `has ${lengths[i]} values, ${paths[0]} has ${lengths[0]}: in mode zip every list has the same length (or use mode: grid)`,
          ),
        )
    })
  if (findings.length > 0) return Either.left(findings)
  const count = config.mode === "zip" ? lengths[0]! : lengths.reduce((a, b) => a * b, 1)
  if (count > Limits.cohorts)
    return Either.left([
      {
        key: ["sweep", "fields"],
        message: `the sweep has ${count.toLocaleString("en-US")} points (${lengths.join(config.mode === "zip" ? ", " : " × ")}); at most ${Limits.cohorts.toLocaleString("en-US")}: split it into several runs`,
      },
    ])
  const names = shortNames(paths)
  const { sweep: _sweep, ...base } = raw
  const points = Array.from({ length: count }, (_, index) => {
    // Grid: the last field changes fastest, as nested loops written in the file's order would.
    let rest = index
    const picks = paths.map((_p, i) => {
      if (config.mode === "zip") return index
      const below = lengths.slice(i + 1).reduce((a, b) => a * b, 1)
      const pick = Math.floor(rest / below)
      rest -= pick * below
      return pick
    })
    const values = Object.fromEntries(paths.map((p, i) => [p, config.fields[p]![picks[i]!]]))
    const doc = copy(base)
    for (const p of paths) setAt(doc, sweepPathKeys(p), values[p])
    const label = paths.map((p, i) => `${names[i]}=${labelValue(values[p])}`).join(",")
    return { index, label, values, raw: doc }
  })
  return Either.right({ config, points })
}

/** `point 1 (nGen=4,temperature=0.3)`: how messages name a point. */
export const describePoint = (point: Pick<SweepPointValues, "index" | "label">): string =>
  `point ${point.index} (${point.label})`
