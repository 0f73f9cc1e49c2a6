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

/** Checks the schema cannot express: references between sections and combinations that make no sense. */
const crossChecks = (
  scenario: Scenario,
): Array<Omit<Problem, "line"> & { key: ReadonlyArray<PropertyKey> }> => {
  const problems: Array<Omit<Problem, "line"> & { key: ReadonlyArray<PropertyKey> }> = []
  const known = Object.keys(scenario.models)
  for (const role of ["teachers", "students"] as const) {
    const model = scenario[role].model
    if (!known.includes(model)) {
      problems.push({
        key: [role, "model"],
        path: `${role}.model`,
        message: `unknown model "${model}"; declare it under models (declared: ${known.join(", ") || "none"})`,
      })
    }
  }
  if (scenario.lessons.strategy === "original-examples" && scenario.privacy.verbatim === "drop") {
    problems.push({
      key: ["privacy", "verbatim"],
      path: "privacy.verbatim",
      message:
        'original examples are verbatim private data by definition, so "drop" would drop every lesson; ' +
        "set privacy.verbatim: flag for this non-private baseline",
    })
  }
  if (scenario.lessons.topK > scenario.lessons.samples) {
    problems.push({
      key: ["lessons", "topK"],
      path: "lessons.topK",
      message: `topK (${scenario.lessons.topK}) cannot exceed samples (${scenario.lessons.samples})`,
    })
  }
  return problems
}

/** Parses and validates scenario text; every problem is reported, each with its field path and line. */
export const parseScenario = (file: string, text: string): Either.Either<LoadedScenario, ScenarioError> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    // Walk up to the deepest node that exists: a missing field is reported at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
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
  const decoded = Schema.decodeUnknownEither(Scenario, { errors: "all", onExcessProperty: "error" })(
    doc.toJS(),
  )
  if (Either.isLeft(decoded)) {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
    return Either.left(
      new ScenarioError({
        file,
        problems: issues.map((issue) => withLine(formatPath(issue.path), issue.message, lineOf(issue.path))),
      }),
    )
  }
  const problems = crossChecks(decoded.right)
  if (problems.length > 0) {
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
