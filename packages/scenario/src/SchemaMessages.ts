import { Effect, Option, type ParseResult, SchemaAST } from "effect"

/** One schema failure in the user's words: the field path and what was expected, with what was found. */
export interface SchemaProblem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * Formats a decoding failure for someone editing a YAML file. Effect's own formatters speak of the schema's
 * internals ("Expected (Struct (Encoded side) <-> ...)", "Expected undefined" for an optional field, a field's
 * description where the constraint belongs); this one says what the field accepts ("expected a positive
 * integer, got 0"), reports a union once (the member the value resembles, or all members in one line), and
 * never mentions `undefined`, which YAML cannot write.
 */
export const formatIssue = (issue: ParseResult.ParseIssue): Array<SchemaProblem> => walk(issue, [], undefined)

const walk = (
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>,
  parent: SchemaAST.AST | undefined,
): Array<SchemaProblem> => {
  const at = (message: string) => [{ path, message }]
  switch (issue._tag) {
    case "Pointer": {
      const keys = Array.isArray(issue.path) ? issue.path : [issue.path]
      return walk(issue.issue, [...path, ...keys], parent)
    }
    case "Missing":
      return at("is missing")
    case "Unexpected": {
      const known = parent !== undefined && SchemaAST.isTypeLiteral(parent) ? fieldNames(parent) : []
      return at(
        known.length > 0
          ? `unknown field; expected one of: ${known.join(", ")}`
          : "unknown field, not allowed here",
      )
    }
    case "Forbidden":
      return at(issue.message ?? "cannot be checked here")
    case "Transformation":
      return walk(issue.issue, path, parent)
    case "Refinement":
      if (issue.kind === "From") return walk(issue.issue, path, parent)
      return at(annotated(issue.ast, issue) ?? `expected ${describe(issue.ast)}, got ${show(issue.actual)}`)
    case "Type":
      return at(
        annotated(issue.ast, issue) ??
          issue.message ??
          `expected ${describe(issue.ast)}, got ${show(issue.actual)}`,
      )
    case "Composite": {
      const own = annotated(issue.ast, issue)
      if (own !== undefined) return at(own)
      const issues = Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]
      if (SchemaAST.isUnion(issue.ast)) return union(issue.ast, issue.actual, issues, path)
      // A list shorter than its required elements ([] for a non-empty list): one problem, not "[0] is missing".
      if (
        SchemaAST.isTupleType(issue.ast) &&
        Array.isArray(issue.actual) &&
        issue.actual.length < issue.ast.elements.filter((e) => !e.isOptional).length
      )
        return at(`expected ${describe(issue.ast)}, got ${show(issue.actual)}`)
      return issues.flatMap((inner) => walk(inner, path, issue.ast))
    }
  }
}

/**
 * A union the value matched no member of. Members whose failure is deeper than "not this kind of value" are
 * the ones the user meant (a map with a misspelt field, not the literal alternative): report only those.
 * Otherwise one line lists every alternative. `undefined` (an optional field's absence) is never one.
 */
const union = (
  ast: SchemaAST.Union,
  actual: unknown,
  issues: ReadonlyArray<ParseResult.ParseIssue>,
  path: ReadonlyArray<PropertyKey>,
): Array<SchemaProblem> => {
  const relevant = issues.filter((i) => !(i._tag === "Type" && SchemaAST.isUndefinedKeyword(i.ast)))
  const deep = relevant.filter((i) => !isShallow(i))
  if (deep.length > 0) return deep.flatMap((inner) => walk(inner, path, undefined))
  if (relevant.length === 1) return walk(relevant[0]!, path, undefined)
  return [{ path, message: `expected ${describe(ast)}, got ${show(actual)}` }]
}

/** A member failed on the value's kind itself (a literal, a keyword, a map given a list), not inside it. */
const isShallow = (issue: ParseResult.ParseIssue): boolean => {
  switch (issue._tag) {
    case "Type":
      return true
    case "Refinement":
    case "Transformation":
      return isShallow(issue.issue)
    case "Composite": {
      const inner = Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]
      return SchemaAST.isUnion(issue.ast) && inner.every(isShallow)
    }
    default:
      return false
  }
}

/** The schema's own message annotation, if it has one (as the schema's author worded it). */
const annotated = (ast: SchemaAST.AST, issue: ParseResult.ParseIssue): string | undefined =>
  Option.match(SchemaAST.getMessageAnnotation(ast), {
    onNone: () => undefined,
    onSome: (annotation) => {
      const out = annotation(issue)
      const text = typeof out === "string" ? out : "message" in out ? out.message : out
      const message = typeof text === "string" ? text : Effect.runSync(text)
      // Messages written as "expected X" get what was found appended, like every other problem.
      return /^expected\b/.test(message) && !/\bgot\b/.test(message)
        ? `${message}, got ${show((issue as { actual?: unknown }).actual)}`
        : message
    },
  })

const fieldNames = (ast: SchemaAST.TypeLiteral) => ast.propertySignatures.map((p) => String(p.name))

/** What a schema accepts, as a phrase ("a positive integer", "one of \"spam\", \"cloze\"", "a map"). */
export const describe = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "Literal":
      return JSON.stringify(ast.literal)
    case "UndefinedKeyword":
      return "nothing"
    case "StringKeyword":
    case "TemplateLiteral":
      return "a string"
    case "NumberKeyword":
      return "a number"
    case "BooleanKeyword":
      return "true or false"
    case "TypeLiteral": {
      const required = ast.propertySignatures.filter((p) => !p.isOptional).map((p) => String(p.name))
      return ast.propertySignatures.length > 0 && required.length > 0 && required.length <= 3
        ? `a map with ${required.join(", ")}`
        : "a map (key: value)"
    }
    case "TupleType":
      return ast.rest.length > 0 && ast.elements.length > 0 ? "a non-empty list" : "a list"
    case "Union": {
      const members = ast.types.filter((t) => !SchemaAST.isUndefinedKeyword(t))
      if (members.every(SchemaAST.isLiteral)) {
        return members.length === 1
          ? describe(members[0]!)
          : `one of ${members.map((m) => describe(m)).join(", ")}`
      }
      return [...new Set(members.map(describe))].join(" or ")
    }
    case "Refinement":
      return refinement(ast)
    case "Transformation":
      return describe(ast.from)
    case "Suspend":
      return describe(ast.f())
    default:
      return "a valid value"
  }
}

/**
 * A refinement by the constraint it checks (its JSON Schema annotation), so a field's prose description never
 * stands in for it; `integer` when an integer check lies below it in the chain.
 */
const refinement = (ast: SchemaAST.Refinement): string => {
  const js = Option.getOrElse(SchemaAST.getJSONSchemaAnnotation(ast), () => ({})) as Record<string, unknown>
  const noun = isInteger(ast) ? "integer" : base(ast) === "StringKeyword" ? "string" : "number"
  const a = noun === "integer" ? "an" : "a"
  if (js.type === "integer") return "an integer"
  if (js.exclusiveMinimum === 0 && js.maximum === undefined) return `a positive ${noun}`
  if (js.minimum === 0 && js.maximum === undefined) return `a non-negative ${noun}`
  if (typeof js.minimum === "number" && typeof js.maximum === "number")
    return `${a} ${noun} from ${js.minimum} to ${js.maximum}`
  if (typeof js.maximum === "number") return `${a} ${noun} of at most ${js.maximum}`
  if (typeof js.minimum === "number") return `${a} ${noun} of at least ${js.minimum}`
  if (typeof js.exclusiveMinimum === "number") return `${a} ${noun} greater than ${js.exclusiveMinimum}`
  if (js.minLength === 1 && js.maxLength === undefined) return "a non-empty string"
  if (typeof js.maxLength === "number") return `a string of at most ${js.maxLength} characters`
  if (typeof js.minLength === "number") return `a string of at least ${js.minLength} characters`
  if (typeof js.pattern === "string") return `a string matching /${js.pattern}/`
  // A description written as a phrase ("a finite number") reads well; one written as a sentence does not.
  const description = Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ast))
  return description !== undefined && /^an? [a-z]/.test(description) ? description : describe(ast.from)
}

const isInteger = (ast: SchemaAST.AST): boolean =>
  SchemaAST.isRefinement(ast) &&
  (Option.exists(
    SchemaAST.getJSONSchemaAnnotation(ast),
    (js) => (js as Record<string, unknown>).type === "integer",
  ) ||
    isInteger(ast.from))

const base = (ast: SchemaAST.AST): string => (SchemaAST.isRefinement(ast) ? base(ast.from) : ast._tag)

/** A found value as the user wrote it, shortened; lists and maps by their kind. */
export const show = (value: unknown): string => {
  if (value === null || value === undefined) return "nothing"
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`
  if (typeof value === "object") return "a map"
  if (typeof value === "string") {
    const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)
    return value.length > 40 ? `${text} (${value.length} characters)` : text
  }
  return String(value)
}
