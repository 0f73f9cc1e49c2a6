import { createHash } from "node:crypto"
import { open } from "node:fs/promises"
import type { TaskData } from "@lyceum/tasks"
import { Effect, Either, Schema } from "effect"
import { baseChecks, type Finding, type KindSchema, rawField, withProbedScores } from "./BaseChecks.js"
import { kindHints } from "./KindHints.js"
import { baseFields, type ScenarioBase } from "./Scenario.js"
import { type Problem, ScenarioError } from "./ScenarioError.js"
import { formatIssue, show } from "./SchemaMessages.js"
import { type LoadedSweep, sweptScenario } from "./SweepPoints.js"
import { readYamlText, YamlLimits } from "./YamlText.js"

/** A validated scenario together with the exact text it came from (stored with every run). */
export interface LoadedScenario {
  readonly file: string
  readonly text: string
  /** sha256 of the text, hex. */
  readonly hash: string
  /** Decoded with its kind's Schema: the kind casts it to its own scenario type. A sweep's first point. */
  readonly scenario: ScenarioBase
  /** The points of its `sweep:`, each decoded as a whole scenario; absent without one (`scenarioPoints`). */
  readonly sweep?: LoadedSweep
}

/** `tasks[0].dataset.path`: how a field is named in problems. */
export const formatPath = (path: ReadonlyArray<PropertyKey>) =>
  path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("")

/** Problems listed per file; past this many the rest are counted, not listed (they rarely say anything new). */
const MAX_PROBLEMS = 50

const withLine = (path: string, message: string, line: number | undefined): Problem =>
  line === undefined ? { path, message } : { path, line, message }

/**
 * The kind a document declares (`kind:`; the first of `kinds` without it), or the problem with its `kind:`.
 * A document that is not a map has no kind field: it is decoded as the first kind, which reports it.
 */
const kindOf = (kinds: ReadonlyArray<KindSchema>, raw: unknown): KindSchema | Finding => {
  const name = rawField(raw, "kind")
  const kind = name === undefined ? kinds[0] : kinds.find((k) => k.name === name)
  if (kind !== undefined) return kind
  const names = kinds.map((k) => k.name)
  return {
    key: ["kind"],
    message: `unknown kind ${show(name)}; expected one of: ${names.join(", ")} (without kind: ${names[0]})`,
  }
}

/**
 * The Schema of a scenario of `kind`: the base fields, its `kind:` (optional, as it is the default or not).
 * The JSON Schema of scenario files is made from it (`@lyceum/kinds`), so editors check what the loader checks.
 */
export const scenarioSchema = (kind: KindSchema, isDefault: boolean) => {
  const name = Schema.Literal(kind.name)
  // Fields typed by each kind: the decoded value is the base scenario here, the kind's own type in the kind.
  return Schema.Struct({
    ...baseFields,
    kind: isDefault ? Schema.optionalWith(name, { default: () => kind.name }) : name,
    ...kind.fields,
  }) as unknown as Schema.Schema<ScenarioBase, unknown>
}

/**
 * One document (a scenario, or one point of a sweep) decoded as one of `kinds` (the first is the default), or
 * every problem found in it, keyed by field.
 */
const checkDocument = (
  kinds: ReadonlyArray<KindSchema>,
  raw: unknown,
): Either.Either<ScenarioBase, ReadonlyArray<Finding>> => {
  const kind = kindOf(kinds, raw)
  // An unknown kind: its problem, and those of the base fields (the kind's fields are not known).
  const decoded =
    "key" in kind
      ? Schema.decodeUnknownEither(Schema.Struct(baseFields), {
          errors: "all",
          onExcessProperty: "ignore",
        })(raw)
      : Schema.decodeUnknownEither(scenarioSchema(kind, kind === kinds[0]), {
          errors: "all",
          onExcessProperty: "error",
        })(raw)
  const schemaFindings = (Either.isLeft(decoded) ? formatIssue(decoded.left.issue) : []).map((p) => ({
    key: p.path,
    message: p.message,
  }))
  const found: Array<Finding> =
    "key" in kind
      ? [...schemaFindings, kind]
      : [
          ...kindHints(kinds, kind, rawField(raw, "kind") === undefined, schemaFindings),
          ...baseChecks(raw, kind),
          ...(kind.crossChecks?.(raw) ?? []),
        ]
  if (Either.isLeft(decoded) || found.length > 0)
    return Either.left(found.length > 0 ? found : [{ key: [], message: "is not a valid scenario" }])
  return Either.right(decoded.right as ScenarioBase)
}

/** Findings as problems with their lines, in the order of the file (those without a line last), capped. */
const problemsOf = (
  found: ReadonlyArray<Finding & { readonly line?: number | undefined }>,
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined,
): Array<Problem> => {
  const problems = found
    .slice(0, MAX_PROBLEMS)
    .map((p) => withLine(formatPath(p.key), p.message, p.line ?? lineOf(p.key)))
    .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER))
  if (found.length > MAX_PROBLEMS)
    problems.push({
      path: "",
      message: `and ${found.length - MAX_PROBLEMS} more problems (fix these first)`,
    })
  return problems
}

/**
 * Parses and validates scenario text as one of `kinds` (the first is the default); every problem is reported,
 * each with its field path and line. A `sweep:` is expanded first and every point checked as a whole scenario.
 */
export const parseScenarioWith =
  (kinds: ReadonlyArray<KindSchema>) =>
  (file: string, text: string): Either.Either<LoadedScenario, ScenarioError> => {
    if (kinds.length === 0) throw new Error("parseScenarioWith: no kinds given")
    const yaml = readYamlText(text)
    if ("problems" in yaml) return Either.left(new ScenarioError({ file, problems: yaml.problems }))
    const { raw, lineOf } = yaml.ok
    const hash = createHash("sha256").update(text).digest("hex")
    const swept = sweptScenario(raw, (doc) => checkDocument(kinds, doc), kinds)
    if (swept !== undefined)
      return Either.mapBoth(swept, {
        onLeft: (found) => new ScenarioError({ file, problems: problemsOf(found, lineOf) }),
        onRight: (sweep) => ({ file, text, hash, scenario: sweep.points[0]!.scenario, sweep }),
      })
    return Either.mapBoth(checkDocument(kinds, raw), {
      onLeft: (found) => new ScenarioError({ file, problems: problemsOf(found, lineOf) }),
      onRight: (scenario) => ({ file, text, hash, scenario }),
    })
  }

/**
 * The kind's cross-checks of a loaded scenario again, with each probed `openai` model's score mode replaced by the
 * one its endpoint's capability probe found (`withProbedScores`), and its data checks on `tasks` likewise (a
 * margin cascade on a task without fixed labels): what `run` refuses before spending anything, where `validate`
 * could only trust the declared modes. Undefined when nothing is refused.
 */
export const recheckWithProbedScores = (
  loaded: LoadedScenario,
  kind: KindSchema,
  probed: ReadonlyMap<string, { readonly score: string; readonly note: string }>,
  tasks: ReadonlyArray<TaskData> = [],
): ScenarioError | undefined => {
  const yaml = readYamlText(loaded.text)
  // The text was loaded, so it parses; a caller handing other text gets nothing refused here.
  if ("problems" in yaml) return undefined
  const { raw, lineOf } = yaml.ok
  const crossFindings = kind.crossChecks?.(withProbedScores(raw, probed)) ?? []
  // Data checks only once the cross-checks pass, as `validate` and preflight order them. They read the decoded
  // scenario, which names its fields as the document does.
  const found =
    crossFindings.length > 0 || tasks.length === 0
      ? crossFindings
      : (kind.dataChecks?.(withProbedScores(loaded.scenario, probed) as ScenarioBase, tasks, loaded.file) ??
        [])
  if (found.length === 0) return undefined
  return new ScenarioError({
    file: loaded.file,
    problems: found.map((p) => withLine(formatPath(p.key), p.message, lineOf(p.key))),
  })
}

const fileProblem = (file: string, message: string, line?: number) =>
  new ScenarioError({
    file,
    problems: [line === undefined ? { path: "", message } : { path: "", line, message }],
  })

/**
 * Reads a scenario file: at most YamlLimits.bytes of it (a larger file is refused without reading it all),
 * as strict UTF-8.
 */
const readScenarioText = (file: string): Effect.Effect<string, ScenarioError> =>
  Effect.tryPromise({
    try: async () => {
      const handle = await open(file, "r")
      try {
        const { size } = await handle.stat()
        const buffer = Buffer.alloc(Math.min(size, YamlLimits.bytes + 1))
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
        return { size, bytes: buffer.subarray(0, bytesRead) }
      } finally {
        await handle.close()
      }
    },
    catch: (cause) => {
      const code = (cause as NodeJS.ErrnoException).code
      const why =
        code === "ENOENT"
          ? ": there is no such file"
          : code === "EISDIR"
            ? ": it is a directory, not a scenario file"
            : ""
      return fileProblem(file, `cannot read the file${why} (${code ?? cause})`)
    },
  }).pipe(
    Effect.flatMap(({ size, bytes }) => {
      if (size > YamlLimits.bytes)
        return Effect.fail(
          fileProblem(
            file,
            `the file is ${(size / 1024 / 1024).toFixed(1)} MiB; a scenario file may be at most ` +
              `${YamlLimits.bytes / 1024} KiB (scenarios are a few hundred lines: keep data in dataset files referenced by path)`,
            bytes.toString("utf8").split("\n").length,
          ),
        )
      try {
        return Effect.succeed(new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, ""))
      } catch {
        // The first byte that is not UTF-8: where valid text ends.
        let end = 0
        for (let cut = bytes.length; cut > 0; cut = Math.floor(cut / 2)) {
          try {
            new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end + cut))
            end += cut
          } catch {}
        }
        const line = bytes.subarray(0, end).toString("utf8").split("\n").length
        return Effect.fail(fileProblem(file, "not a UTF-8 text file (binary data?)", line))
      }
    }),
  )

/** Reads and validates a scenario file as one of `kinds` (the first is the default). */
export const loadScenarioWith =
  (kinds: ReadonlyArray<KindSchema>) =>
  (file: string): Effect.Effect<LoadedScenario, ScenarioError> =>
    readScenarioText(file).pipe(Effect.flatMap((text) => parseScenarioWith(kinds)(file, text)))

/** The line of a field in scenario text (its deepest node that exists), for problems found after loading. */
export const lineOfField = (text: string, path: ReadonlyArray<PropertyKey>): number | undefined => {
  const yaml = readYamlText(text)
  return "ok" in yaml ? yaml.ok.lineOf(path) : undefined
}
