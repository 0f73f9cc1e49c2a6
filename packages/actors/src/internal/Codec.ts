import { SchemaAST as AST, Either, type ParseResult, Schema } from "effect"
import type { Message } from "../Actor.js"

/**
 * The protocol codecs of the encoded path (what crosses a wire): `Schema.encodeEither` and
 * `Schema.decodeUnknownEither` of the protocol, one pair per protocol, with a compiled shortcut for the common
 * protocol: Schema classes (`Schema.TaggedRequest`, or a `Schema.Union` of them told apart by `_tag`) whose
 * fields are all required strings, numbers, booleans or literals. Going through the Schema's parser costs about
 * twice building the instance itself (~2 µs per message); the shortcut checks the fields' types by hand and
 * builds the same instance with the same constructor call the Schema makes. An input the shortcut does not
 * surely accept (a wrong type, a missing field, an unknown tag, anything not an object) goes through the
 * Schema, so every verdict and error message is the Schema's. Any other protocol shape always does.
 */

export type Decode = (input: unknown) => Either.Either<Message, ParseResult.ParseError>
export type Encode = (message: Message) => Either.Either<unknown, ParseResult.ParseError>

/** One field: its name and the check its value must pass (the same one the Schema makes, in both directions). */
interface Field {
  readonly name: string
  readonly is: (value: unknown) => boolean
}

/** A Schema class whose decode is `new Class(props, true)` of its plain fields. */
interface ClassPlan {
  readonly tag: string | undefined
  readonly make: new (props: Record<string, unknown>, disableValidation: true) => Message
  readonly fields: ReadonlyArray<Field>
}

const isString = (u: unknown) => typeof u === "string"
const isNumber = (u: unknown) => typeof u === "number"
const isBoolean = (u: unknown) => typeof u === "boolean"

const literalCheck = (ast: AST.AST): ((u: unknown) => boolean) | undefined => {
  if (ast._tag === "Literal") {
    const literal = ast.literal
    return (u) => u === literal
  }
  if (ast._tag === "Union" && ast.types.every((t) => t._tag === "Literal")) {
    const literals = new Set(ast.types.map((t) => (t as AST.Literal).literal))
    return (u) => literals.has(u as AST.LiteralValue)
  }
  return undefined
}

/** The check for a field type the shortcut handles; `undefined` for any other (refinements, structs, ...). */
const fieldCheck = (ast: AST.AST): ((u: unknown) => boolean) | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return isString
    case "NumberKeyword":
      return isNumber
    case "BooleanKeyword":
      return isBoolean
    default:
      return literalCheck(ast)
  }
}

const hasParseOptions = (ast: AST.AST): boolean => AST.getParseOptionsAnnotation(ast)._tag === "Some"

/** The plan of a Schema class made of plain fields, or `undefined` when the shortcut must not be used. */
const classPlan = (schema: unknown): ClassPlan | undefined => {
  if (typeof schema !== "function" || !Schema.isSchema(schema)) return undefined
  const ast = schema.ast
  if (ast._tag !== "Transformation" || ast.transformation._tag !== "FinalTransformation") return undefined
  const from = ast.from
  if (from._tag !== "TypeLiteral" || from.indexSignatures.length > 0 || ast.to._tag !== "Declaration")
    return undefined
  if (hasParseOptions(ast) || hasParseOptions(from) || hasParseOptions(ast.to)) return undefined
  const fields: Array<Field> = []
  let tag: string | undefined
  for (const ps of from.propertySignatures) {
    if (ps.isOptional || typeof ps.name !== "string") return undefined
    const is = fieldCheck(ps.type)
    if (is === undefined) return undefined
    if (ps.name === "_tag" && ps.type._tag === "Literal" && typeof ps.type.literal === "string")
      tag = ps.type.literal
    fields.push({ name: ps.name, is })
  }
  return { tag, make: schema as unknown as ClassPlan["make"], fields }
}

/** The plans of a protocol: one class, or a union of classes with distinct `_tag`s; else `undefined`. */
const protocolPlans = (protocol: Schema.Schema<Message, unknown>): Map<string, ClassPlan> | undefined => {
  const members: ReadonlyArray<unknown> =
    protocol.ast._tag === "Union" && "members" in protocol && Array.isArray(protocol.members)
      ? protocol.members
      : [protocol]
  const plans = new Map<string, ClassPlan>()
  for (const member of members) {
    const plan = classPlan(member)
    // Every member must be a plain class with its own tag, or the Schema could pick another member.
    if (plan === undefined || plan.tag === undefined || plans.has(plan.tag)) return undefined
    plans.set(plan.tag, plan)
  }
  // The union's members are the protocol's: nothing else in the AST could accept an input.
  if (protocol.ast._tag === "Union" && protocol.ast.types.length !== plans.size) return undefined
  return plans
}

/** The plain fields of `value` if every one passes its check, else `undefined`. */
const pick = (plan: ClassPlan, value: Record<string, unknown>): Record<string, unknown> | undefined => {
  const props: Record<string, unknown> = {}
  for (const field of plan.fields) {
    const v = value[field.name]
    // Own fields only, as the Schema reads them.
    if (!field.is(v) || !Object.hasOwn(value, field.name)) return undefined
    props[field.name] = v
  }
  return props
}

const planFor = (plans: Map<string, ClassPlan>, value: unknown): ClassPlan | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? plans.get((value as { _tag?: unknown })._tag as string)
    : undefined

const compileDecode = (protocol: Schema.Schema<Message, unknown>): Decode => {
  const bySchema = Schema.decodeUnknownEither(protocol)
  const plans = protocolPlans(protocol)
  if (plans === undefined) return bySchema
  return (input) => {
    const plan = planFor(plans, input)
    const props = plan && pick(plan, input as Record<string, unknown>)
    // The Schema's own last step for a class: `new Class(decodedFields, true)`.
    return plan && props ? Either.right(new plan.make(props, true)) : bySchema(input)
  }
}

const compileEncode = (protocol: Schema.Schema<Message, unknown>): Encode => {
  const bySchema = Schema.encodeEither(protocol)
  const plans = protocolPlans(protocol)
  if (plans === undefined) return bySchema
  return (message) => {
    const plan = planFor(plans, message)
    // An instance of the class itself (the Schema encodes anything else from its fields, or refuses it).
    const props =
      plan && message instanceof plan.make
        ? pick(plan, message as unknown as Record<string, unknown>)
        : undefined
    return props ? Either.right(props) : bySchema(message)
  }
}

const decoders = new WeakMap<object, Decode>()
const encoders = new WeakMap<object, Encode>()

/** `Schema.decodeUnknownEither(protocol)`, compiled once per protocol. */
export const decoderFor = (protocol: Schema.Schema<Message, unknown>): Decode => {
  let decode = decoders.get(protocol)
  if (decode === undefined) {
    decode = compileDecode(protocol)
    decoders.set(protocol, decode)
  }
  return decode
}

/** `Schema.encodeEither(protocol)`, compiled once per protocol. */
export const encoderFor = (protocol: Schema.Schema<Message, unknown>): Encode => {
  let encode = encoders.get(protocol)
  if (encode === undefined) {
    encode = compileEncode(protocol)
    encoders.set(protocol, encode)
  }
  return encode
}

/** Whether `protocol` gets the shortcut (for tests: the common shapes must keep getting it). */
export const isCompiled = (protocol: Schema.Schema<Message, unknown>): boolean =>
  protocolPlans(protocol) !== undefined
