import { declaredScore } from "@lyceum/models"
import type { TaskData } from "@lyceum/tasks"
import type { Schema } from "effect"
import { Limits, type ScenarioBase } from "./Scenario.js"

/** A problem found by a cross-check: the field it is about (as keys, to find its line) and the message. */
export interface Finding {
  readonly key: ReadonlyArray<PropertyKey>
  readonly message: string
}

/** How many variants a raw document declares, for the cohort limit, and the field that lists them. */
export interface VariantCount {
  /** As the cohort-limit message names them: `methods`. */
  readonly label: string
  readonly count: number
}

/**
 * What a coalition kind adds to the base scenario: its fields (decoded together with the base fields, so
 * unknown fields and field errors are reported the same way) and the checks its Schema cannot express.
 */
export interface KindSchema {
  /** The scenario's `kind:`. */
  readonly name: string
  readonly fields: Schema.Struct.Fields
  /**
   * References between sections and combinations that make no sense. They read the raw document (defaults as
   * the Schema fills them), so they are reported together with Schema problems rather than after them.
   */
  readonly crossChecks?: (raw: unknown) => ReadonlyArray<Finding>
  /**
   * The variants (cohort methods) the raw document declares, when it declares a countable number within their
   * own limit (beyond it the field's own problem is reported): checked against `Limits.cohorts`.
   */
  readonly variantCount?: (raw: unknown) => VariantCount | undefined
  /**
   * What only the data can tell (a pool too small for what the scenario draws from it), with each task's data
   * loaded and split as the run will (`tasks[i]` is the scenario's `tasks[i]`). Called by preflight, so
   * `validate` and `run` refuse the same files before any database is opened. `scenarioFile` locates files the
   * scenario names relative to it (a population's edge list).
   */
  readonly dataChecks?: (
    scenario: ScenarioBase,
    tasks: ReadonlyArray<TaskData>,
    scenarioFile: string,
  ) => ReadonlyArray<Finding>
}

/** A field the document itself has (never one inherited from Object.prototype, such as `constructor`). */
export const rawField = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined

/** A raw value as a list; anything else (reported by the Schema) as an empty one. */
export const rawList = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

/** The raw value at `path` (keys of maps and indexes of lists), or undefined. */
const rawAt = (raw: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (value, key) => (typeof key === "number" ? rawList(value)[key] : rawField(value, String(key))),
    raw,
  )

/**
 * Model references (a name or a fallback chain of names, at each of `paths`) that name no model declared
 * under `models`, each reported at its own position in a chain.
 */
export const unknownModelRefs = (
  raw: unknown,
  paths: ReadonlyArray<ReadonlyArray<PropertyKey>>,
): Array<Finding> => {
  const models = rawField(raw, "models")
  const known = typeof models === "object" && models !== null ? Object.keys(models) : []
  return paths.flatMap((path) => {
    const ref = rawAt(raw, path)
    const chain = Array.isArray(ref) ? ref : [ref]
    return chain.flatMap((model, i) =>
      typeof model === "string" && !known.includes(model)
        ? [
            {
              key: Array.isArray(ref) ? [...path, i] : path,
              message: `unknown model "${model}"; declare it under models (declared: ${known.join(", ") || "none"})`,
            },
          ]
        : [],
    )
  })
}

/**
 * The check that the entries of the list at `listKey` have distinct names (tables, labels and agents are keyed
 * by them): call it with each entry's index and name, in order, where the kind checks that entry, so its
 * finding stays among that entry's others. A name that is not text (reported by the Schema) is passed over.
 */
export const distinctNames = (listKey: string) => {
  const seen = new Set<string>()
  return (index: number, name: unknown): Array<Finding> => {
    if (typeof name !== "string") return []
    if (!seen.has(name)) {
      seen.add(name)
      return []
    }
    return [
      {
        key: [listKey, index, "name"],
        message: `two ${listKey} are called "${name}"; give each a distinct name`,
      },
    ]
  }
}

/**
 * What a measurement needs from the model that scores for it:
 * - "teacher-forcing": the log-probability of any forced continuation after a prompt (the Secret Sharer's canary,
 *   a voting teacher, ranking by prompt score, a judge);
 * - "ranking": some perplexity of a model's own samples: teacher-forcing, or the log-probabilities the server
 *   returns while generating them (score: chat);
 * - "labels": the log-probability of each of a few short labels as the answer (teacher-forcing, or chat
 *   top_logprobs).
 */
export type ScoringNeed = "teacher-forcing" | "ranking" | "labels"

/** What each score mode of an `openai` model can do (see `ScoreMode`); `auto` is given the benefit of the doubt. */
const modeCan: Readonly<Record<string, ReadonlyArray<ScoringNeed>>> = {
  completions: ["teacher-forcing", "ranking", "labels"],
  auto: ["teacher-forcing", "ranking", "labels"],
  chat: ["ranking", "labels"],
  none: [],
}

const needSays: Readonly<Record<ScoringNeed, string>> = {
  "teacher-forcing": "cannot teacher-force (score a given continuation)",
  ranking: "cannot rank samples (neither teacher-forcing nor generation log-probabilities)",
  labels: "cannot score labels",
}

/**
 * What a run's capability probe found, per model name, for the raw document it re-checks (`withProbedScores`):
 * the score mode the run will use and the finding behind it, said in the cross-checks' messages.
 */
const probedNotes = new WeakMap<object, ReadonlyMap<string, string>>()

/**
 * The raw document with each probed `openai` model's `score` replaced by the mode its probe found, so the kinds'
 * cross-checks decide on what the endpoint really does; their messages then say what the probe found (`note`).
 */
export const withProbedScores = (
  raw: unknown,
  probed: ReadonlyMap<string, { readonly score: string; readonly note: string }>,
): unknown => {
  const models = rawField(raw, "models")
  if (typeof raw !== "object" || raw === null || typeof models !== "object" || models === null) return raw
  const replaced: Record<string, unknown> = { ...(models as Record<string, unknown>) }
  for (const [name, { score }] of probed) {
    const config = replaced[name]
    if (typeof config === "object" && config !== null) replaced[name] = { ...config, score }
  }
  const result = { ...(raw as Record<string, unknown>), models: replaced }
  probedNotes.set(result, new Map([...probed].map(([name, { note }]) => [name, note])))
  return result
}

/**
 * Why a model reference of the raw document cannot do what `need` asks, or undefined when it can. Only an
 * `openai` model can fail: by its declared `score` (or its preset's default when it sets none), or, when the run
 * re-checks with `withProbedScores`, by what the probe found. A fallback chain scores with its first model:
 * backups that cannot score are skipped for scoring calls, but when the first cannot, every scoring call fails,
 * so the first model decides. `owner` says whose model a single reference is (`their` → `their model "chat" …`).
 */
export const cannotScore = (
  raw: unknown,
  ref: unknown,
  owner: string,
  need: ScoringNeed = "teacher-forcing",
): string | undefined => {
  const first = Array.isArray(ref) ? ref[0] : ref
  if (typeof first !== "string") return undefined
  const config = rawField(rawField(raw, "models"), first)
  const preset = rawField(config, "preset")
  const score = declaredScore(rawField(config, "score"), preset)
  if (rawField(config, "provider") !== "openai" || typeof score !== "string") return undefined
  if ((modeCan[score] ?? []).includes(need)) return undefined
  const probed = typeof raw === "object" && raw !== null ? probedNotes.get(raw)?.get(first) : undefined
  // A preset's default counts as declared; the message says where the mode came from.
  const why =
    probed !== undefined
      ? ` (${probed})`
      : rawField(config, "score") === undefined && preset !== undefined
        ? ` (preset ${String(preset)}'s default)`
        : ""
  const has = `has score: ${score}${why}, so it ${needSays[need]}`
  return Array.isArray(ref)
    ? `the fallback chain's first model "${first}" ${has} (a chain scores with its first model)`
    : `${owner} model "${first}" ${has}`
}

/**
 * Checks of the base fields that depend on the kind: the number of cohorts (repeats × tasks × variants), each
 * factor within its own limit (a factor beyond it is reported on its own), the product within `Limits.cohorts`.
 */
export const baseChecks = (raw: unknown, kind: KindSchema): Array<Finding> => {
  const variants = kind.variantCount?.(raw)
  const repeats = rawField(raw, "repeats") ?? 1
  const tasks = rawList(rawField(raw, "tasks")).length
  if (
    variants === undefined ||
    typeof repeats !== "number" ||
    repeats > Limits.repeats ||
    tasks > Limits.tasks
  )
    return []
  const sizes = [repeats, tasks, variants.count]
  const cohorts = sizes.reduce((a, b) => a * b)
  return cohorts > Limits.cohorts
    ? [
        {
          key: ["repeats"],
          message:
            `repeats × tasks × ${variants.label} is ${sizes.join(" × ")} = ${cohorts.toLocaleString("en-US")} cohorts; ` +
            `at most ${Limits.cohorts.toLocaleString("en-US")} (every cohort is planned before the run starts): split the scenario`,
        },
      ]
    : []
}
