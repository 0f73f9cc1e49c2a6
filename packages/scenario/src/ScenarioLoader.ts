import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { Effect, Either, ParseResult, Schema } from "effect"
import { LineCounter, parseDocument } from "yaml"
import { Scenario } from "./Scenario.js"
import { type Problem, ScenarioError } from "./ScenarioError.js"

/** A validated scenario together with the exact text it came from (stored with every run). */
export interface LoadedScenario {
  readonly file: string
  readonly text: string
  /** sha256 of the text, hex. */
  readonly hash: string
  readonly scenario: Scenario
}

const formatPath = (path: ReadonlyArray<PropertyKey>) =>
  path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("")

type Finding = Omit<Problem, "line"> & { readonly key: ReadonlyArray<PropertyKey> }

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined

/**
 * Checks the schema cannot express: references between sections and combinations that make no sense. They
 * read the raw document (defaults as the schema fills them), so they are reported together with schema
 * problems rather than only once those are fixed.
 */
const crossChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = []
  const models = field(raw, "models")
  const known = typeof models === "object" && models !== null ? Object.keys(models) : []
  for (const role of ["teachers", "students"] as const) {
    const model = field(field(raw, role), "model")
    if (typeof model === "string" && !known.includes(model)) {
      problems.push({
        key: [role, "model"],
        path: `${role}.model`,
        message: `unknown model "${model}"; declare it under models (declared: ${known.join(", ") || "none"})`,
      })
    }
  }
  const lessons = field(raw, "lessons")
  const verbatim = field(field(raw, "privacy"), "verbatim") ?? "drop"
  if (field(lessons, "strategy") === "original-examples" && verbatim === "drop") {
    problems.push({
      key: ["privacy", "verbatim"],
      path: "privacy.verbatim",
      message:
        'original examples are verbatim private data by definition, so "drop" would drop every lesson; ' +
        "set privacy.verbatim: flag for this non-private baseline",
    })
  }
  const topK = field(lessons, "topK") ?? 2
  const samples = field(lessons, "samples") ?? 8
  if (typeof topK === "number" && typeof samples === "number" && topK > samples) {
    problems.push({
      key: ["lessons", "topK"],
      path: "lessons.topK",
      message: `topK (${topK}) cannot exceed samples (${samples})`,
    })
  }
  return problems
}

/** Parses and validates scenario text; every problem is reported, each with its field path and line. */
export const parseScenario = (file: string, text: string): Either.Either<LoadedScenario, ScenarioError> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    // Walk up to the deepest node that exists: a missing field is reported at its parent (not at the root,
    // whose line says nothing).
    for (let depth = path.length; depth >= 1; depth--) {
      const node = doc.getIn(path.slice(0, depth) as Array<string | number>, true) as
        | { range?: [number, number, number] }
        | undefined
      if (node?.range) return lineCounter.linePos(node.range[0]).line
    }
    return undefined
  }
  if (doc.errors.length > 0) {
    return Either.left(
      new ScenarioError({
        file,
        problems: doc.errors.map((e) => ({
          path: "",
          line: lineCounter.linePos(e.pos[0]).line,
          message: `not valid YAML: ${e.message.split("\n")[0]}`,
        })),
      }),
    )
  }
  const raw: unknown = doc.toJS()
  const decoded = Schema.decodeUnknownEither(Scenario, { errors: "all", onExcessProperty: "error" })(raw)
  const problems = [
    ...(Either.isLeft(decoded)
      ? ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((issue) => ({
          key: issue.path,
          path: formatPath(issue.path),
          message: issue.message,
        }))
      : []),
    ...crossChecks(raw),
  ]
  if (Either.isLeft(decoded) || problems.length > 0) {
    return Either.left(
      new ScenarioError({ file, problems: problems.map((p) => withLine(p.path, p.message, lineOf(p.key))) }),
    )
  }
  const hash = createHash("sha256").update(text).digest("hex")
  return Either.right({ file, text, hash, scenario: decoded.right })
}

const withLine = (path: string, message: string, line: number | undefined): Problem =>
  line === undefined ? { path, message } : { path, line, message }

/** Reads and validates a scenario file. */
export const loadScenario = (file: string): Effect.Effect<LoadedScenario, ScenarioError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new ScenarioError({
        file,
        problems: [
          { path: "", message: `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? cause})` },
        ],
      }),
  }).pipe(Effect.flatMap((text) => parseScenario(file, text)))
