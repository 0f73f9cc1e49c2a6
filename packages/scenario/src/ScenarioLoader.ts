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

const list = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

/**
 * Checks the schema cannot express: references between sections and combinations that make no sense. They
 * read the raw document (defaults as the schema fills them), so they are reported together with schema
 * problems rather than only once those are fixed.
 */
const crossChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = []
  const problem = (key: ReadonlyArray<PropertyKey>, message: string) =>
    problems.push({ key, path: formatPath(key), message })

  const models = field(raw, "models")
  const known = typeof models === "object" && models !== null ? Object.keys(models) : []
  for (const role of ["teachers", "students"] as const) {
    const ref = field(field(raw, role), "model")
    const chain = Array.isArray(ref) ? ref : [ref]
    chain.forEach((model, i) => {
      if (typeof model === "string" && !known.includes(model)) {
        const key = Array.isArray(ref) ? [role, "model", i] : [role, "model"]
        problem(
          key,
          `unknown model "${model}"; declare it under models (declared: ${known.join(", ") || "none"})`,
        )
      }
    })
  }

  const rounds = list(field(raw, "rounds"))
  rounds.forEach((size, i) => {
    const previous = rounds[i - 1]
    if (typeof size === "number" && typeof previous === "number" && size < previous) {
      problem(
        ["rounds", i],
        `prompt sizes must not shrink from one round to the next (${previous} then ${size})`,
      )
    }
  })

  const taskKinds = list(field(raw, "tasks")).map((task) => field(task, "kind"))
  const canary = field(raw, "canary")
  if (canary !== undefined) {
    const template = field(canary, "template")
    const kind = field(canary, "kind")
    if ((template === undefined) === (kind === undefined)) {
      problem(
        ["canary"],
        "give the canary either kind (code or name: each task's own template) or one template",
      )
    }
    // Which task kind each template imitates; tasks without canary templates cannot hold a canary.
    const shaped: Record<string, string> = { spam: "spam", lambada: "cloze", gsm8k: "arithmetic" }
    const wanted = typeof template === "string" ? shaped[template.split("-")[0]!] : undefined
    taskKinds.forEach((taskKind, i) => {
      if (typeof taskKind !== "string") return
      if (wanted !== undefined && taskKind !== wanted)
        problem(
          ["tasks", i, "kind"],
          `canary template ${template} fits ${wanted} tasks, not ${taskKind}; use canary.kind instead`,
        )
      else if (wanted === undefined && !Object.values(shaped).includes(taskKind))
        problem(
          ["tasks", i, "kind"],
          `no canary template fits ${taskKind} tasks (there are templates for spam, cloze and arithmetic)`,
        )
    })
  }
  const scenarioVerbatim = field(field(raw, "privacy"), "verbatim") ?? "drop"
  const holdout = field(field(raw, "teachers"), "holdout") ?? 0
  const names = new Set<string>()
  list(field(raw, "methods")).forEach((method, i) => {
    const strategy = field(method, "strategy")
    const name = field(method, "name") ?? strategy
    if (typeof name === "string") {
      if (names.has(name))
        problem(["methods", i, "name"], `two methods are called "${name}"; give each a distinct name`)
      names.add(name)
    }
    const verbatim = field(field(method, "privacy"), "verbatim") ?? scenarioVerbatim
    if (strategy === "original-examples" && verbatim === "drop") {
      problem(
        ["methods", i],
        "original examples are verbatim private data by definition, so the verbatim filter would drop every lesson; " +
          "add privacy: { verbatim: flag } to this method (the non-private baseline)",
      )
    }
    const topK = field(method, "topK") ?? 2
    const samples = field(method, "samples") ?? 8
    if (typeof topK === "number" && typeof samples === "number" && topK > samples) {
      problem(["methods", i, "topK"], `topK (${topK}) cannot exceed samples (${samples})`)
    }
    if (field(method, "aggregator") === "voting" && !(typeof holdout === "number" && holdout > 0)) {
      problem(
        ["methods", i, "aggregator"],
        "the voting aggregator needs held-out data: set teachers.holdout (e.g. 0.2)",
      )
    }
    if (strategy === "adversarial-examples") {
      const teachers = field(field(raw, "teachers"), "count")
      const adversaries = field(method, "adversaries") ?? 1
      const split = field(method, "split") ?? 0
      if (field(raw, "canary") === undefined) {
        problem(
          ["methods", i, "strategy"],
          "an adversarial teacher smuggles the canary: add a canary section",
        )
      }
      if (list(field(method, "smuggle")).length === 0 && split === 0) {
        problem(
          ["methods", i, "smuggle"],
          "an adversarial teacher needs something to try: list transforms under smuggle, or set split",
        )
      }
      if (typeof adversaries === "number" && typeof teachers === "number" && adversaries > teachers) {
        problem(["methods", i, "adversaries"], `${adversaries} adversaries but only ${teachers} teachers`)
      }
      if (typeof split === "number" && typeof topK === "number" && split > topK) {
        problem(
          ["methods", i, "split"],
          `a split attempt sends its ${split} pieces in one reply, which holds topK (${topK}) lessons; raise topK or lower split`,
        )
      }
    }
    if (strategy === "manual-instruction") {
      const text = field(method, "text")
      for (const kind of taskKinds) {
        if (typeof kind === "string" && typeof text === "object" && text !== null && !(kind in text)) {
          problem(["methods", i, "text"], `no instruction for task "${kind}"; add text.${kind}`)
        }
      }
    }
  })
  return problems
}

/** Parses and validates scenario text; every problem is reported, each with its field path and line. */
export const parseScenario = (file: string, text: string): Either.Either<LoadedScenario, ScenarioError> => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true })
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
