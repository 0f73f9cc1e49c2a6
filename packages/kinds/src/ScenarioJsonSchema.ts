import type { AnyKind } from "@lyceum/coalition"
import { SweepConfig, scenarioSchema } from "@lyceum/scenario"
import { SchemaAST as AST, JSONSchema, Option } from "effect"
import { kinds } from "./Registry.js"

/** What regenerates the committed schema and field reference (named in the stale-file test's message). */
export const GENERATE_COMMAND = "pnpm --filter @lyceum/kinds gen:schema"

/** The id of a kind's scenario in the schema's `$defs`. */
export const kindDefinition = (name: string) => `${name}-scenario`

/**
 * The AST with each `optionalWith({ default })` field's default written as its `default` annotation, read from
 * the decoding itself (what the field decodes to when absent), so the JSON Schema and the field reference show
 * the defaults the loader applies and can never disagree with them.
 */
const withDefaults = (ast: AST.AST): AST.AST => {
  switch (ast._tag) {
    case "TypeLiteral":
      return new AST.TypeLiteral(
        ast.propertySignatures.map(
          (ps) =>
            new AST.PropertySignature(
              ps.name,
              withDefaults(ps.type),
              ps.isOptional,
              ps.isReadonly,
              ps.annotations,
            ),
        ),
        ast.indexSignatures.map(
          (is) => new AST.IndexSignature(withDefaults(is.parameter), withDefaults(is.type), is.isReadonly),
        ),
        ast.annotations,
      )
    case "Union":
      return AST.Union.make(ast.types.map(withDefaults), ast.annotations)
    case "TupleType":
      return new AST.TupleType(
        ast.elements.map((e) => new AST.OptionalType(withDefaults(e.type), e.isOptional, e.annotations)),
        ast.rest.map((r) => new AST.Type(withDefaults(r.type), r.annotations)),
        ast.isReadonly,
        ast.annotations,
      )
    case "Refinement": {
      // A built-in check's title ("int", "lessThanOrEqualTo(100)") restates its JSON Schema keyword: an editor
      // would show it as the field's title.
      const { [AST.TitleAnnotationId]: _title, ...rest } = ast.annotations
      const annotations = ast.annotations[AST.SchemaIdAnnotationId] === undefined ? ast.annotations : rest
      return new AST.Refinement(withDefaults(ast.from), ast.filter, annotations)
    }
    case "Transformation": {
      const to = withDefaults(ast.to)
      if (!AST.isTypeLiteralTransformation(ast.transformation) || !AST.isTypeLiteral(to))
        return new AST.Transformation(withDefaults(ast.from), to, ast.transformation, ast.annotations)
      const defaults = new Map<PropertyKey, unknown>()
      for (const t of ast.transformation.propertySignatureTransformations) {
        const absent = t.decode(Option.none())
        if (Option.isSome(absent)) defaults.set(t.to, absent.value)
      }
      const annotated = new AST.TypeLiteral(
        to.propertySignatures.map((ps) =>
          defaults.has(ps.name) && ps.annotations[AST.DefaultAnnotationId] === undefined
            ? new AST.PropertySignature(ps.name, ps.type, ps.isOptional, ps.isReadonly, {
                ...ps.annotations,
                [AST.DefaultAnnotationId]: defaults.get(ps.name),
              })
            : ps,
        ),
        to.indexSignatures,
        to.annotations,
      )
      return new AST.Transformation(
        withDocs(withDefaults(ast.from), annotated),
        annotated,
        ast.transformation,
        ast.annotations,
      )
    }
    default:
      return ast
  }
}

/**
 * Effect marks `unknown` (a sweep's values) with `$id: "/schemas/unknown"`: one id in several places is a
 * duplicate id to a validator, and it constrains nothing, so it is left out.
 */
const withoutBuiltinIds = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(withoutBuiltinIds)
  if (typeof json !== "object" || json === null) return json
  return Object.fromEntries(
    Object.entries(json)
      .filter(
        ([key, value]) => !(key === "$id" && typeof value === "string" && value.startsWith("/schemas/")),
      )
      .map(([key, value]) => [key, withoutBuiltinIds(value)]),
  )
}

/**
 * The encoded side of a struct with the field annotations of its decoded side: Effect keeps a field's
 * annotations (its description) on the decoded side only, and a scenario file is the encoded side.
 */
const withDocs = (from: AST.AST, to: AST.TypeLiteral): AST.AST => {
  if (!AST.isTypeLiteral(from)) return from
  const docs = new Map(to.propertySignatures.map((ps) => [ps.name, ps.annotations]))
  return new AST.TypeLiteral(
    from.propertySignatures.map(
      (ps) =>
        new AST.PropertySignature(ps.name, ps.type, ps.isOptional, ps.isReadonly, {
          ...docs.get(ps.name),
          ...ps.annotations,
        }),
    ),
    from.indexSignatures,
    from.annotations,
  )
}

/**
 * A non-empty list as draft-07 has it from Effect (`items: [X], additionalItems: X`) is `items: X, minItems: 1`:
 * the same constraint, in the form editors complete every entry of.
 */
const simpleLists = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(simpleLists)
  if (typeof json !== "object" || json === null) return json
  const o = json as Record<string, unknown>
  const items = o.items
  if (
    Array.isArray(items) &&
    items.length === 1 &&
    JSON.stringify(items[0]) === JSON.stringify(o.additionalItems) &&
    o.minItems === 1
  ) {
    const { additionalItems: _, ...rest } = o
    return simpleLists({ ...rest, items: items[0] })
  }
  return Object.fromEntries(Object.entries(o).map(([key, value]) => [key, simpleLists(value)]))
}

/** Keys in a stable order (the committed file is compared byte for byte): `$defs` sorted by name. */
const sortedDefs = (defs: Record<string, JSONSchema.JsonSchema7>) =>
  Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]!]),
  )

/**
 * The JSON Schema (draft-07) of a scenario file, made from the Schemas the loader decodes with (the encoded side:
 * what a file holds): one alternative per registered kind, told apart by `kind:` (absent: the first kind). Every
 * map refuses fields it does not declare, as the loader does. What only the loader's cross-checks see (a model
 * reference to an undeclared model, the cohort limit, distinct names) is not in it.
 */
export const scenarioJsonSchema = (known: ReadonlyArray<AnyKind> = kinds): JSONSchema.JsonSchema7Root => {
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const oneOf = known.map((kind, i) => {
    const id = kindDefinition(kind.name)
    const schema = JSONSchema.fromAST(withDefaults(scenarioSchema(kind, i === 0).ast), {
      definitions,
      target: "jsonSchema7",
    }) as JSONSchema.JsonSchema7Object
    // `sweep:` is expanded before the loader decodes (each point is a scenario without it), so it is not one of
    // the kind's fields, but a file may have it whatever its kind.
    schema.properties.kind = {
      ...schema.properties.kind,
      description:
        i === 0
          ? `The coalition kind; a file without kind: is ${kind.name}.`
          : "The coalition kind: what the scenario's agents do together.",
    } as JSONSchema.JsonSchema7
    schema.properties.sweep = JSONSchema.fromAST(withDefaults(SweepConfig.ast), {
      definitions,
      target: "jsonSchema7",
    })
    definitions[id] = {
      title: `kind: ${kind.name}`,
      description:
        i === 0
          ? `A ${kind.name} scenario (the kind of a file without kind:).`
          : `A ${kind.name} scenario (kind: ${kind.name}).`,
      ...schema,
    } as JSONSchema.JsonSchema7
    return { $ref: `#/$defs/${id}` }
  })
  return simpleLists(
    withoutBuiltinIds({
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "Lyceum scenario",
      description:
        `A Lyceum scenario file. Generated from the scenario Schemas by \`${GENERATE_COMMAND}\`; do not edit. ` +
        "`lyceum validate` checks more (model references, limits across fields, the data).",
      oneOf,
      $defs: sortedDefs(definitions),
    }),
  ) as JSONSchema.JsonSchema7Root
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export const scenarioJsonSchemaText = (known: ReadonlyArray<AnyKind> = kinds): string =>
  `${JSON.stringify(scenarioJsonSchema(known), null, 2)}\n`
