import type { AnyKind } from "@lyceum/coalition"
import { baseFields } from "@lyceum/scenario"
import { kinds } from "./Registry.js"
import { GENERATE_COMMAND, kindDefinition, scenarioJsonSchema } from "./ScenarioJsonSchema.js"

type Json = Record<string, unknown>

/** One line of the field reference. */
interface FieldRow {
  readonly path: string
  readonly type: string
  readonly required: boolean
  readonly default: string
  readonly description: string
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null

/** A schema with its `$ref` (alone or as `allOf: [$ref]` beside annotations) replaced by what it names. */
const resolve = (root: Json, schema: Json): Json => {
  const defs = root.$defs as Record<string, Json>
  const ref = (s: Json): Json | undefined =>
    typeof s.$ref === "string" ? defs[s.$ref.replace("#/$defs/", "")] : undefined
  const direct = ref(schema)
  if (direct !== undefined) {
    const { $ref: _, ...rest } = schema
    return resolve(root, { ...direct, ...rest })
  }
  const allOf = schema.allOf
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const { allOf: _, ...rest } = schema
    // The field's own annotations win over those of what it refers to.
    return { ...resolve(root, allOf[0]), ...rest }
  }
  return schema
}

/** The alternatives of a union, resolved. */
const alternatives = (root: Json, schema: Json): ReadonlyArray<Json> =>
  Array.isArray(schema.anyOf) ? schema.anyOf.filter(isObject).map((s) => resolve(root, s)) : []

/** The field that tells a union's maps apart (`kind`, `strategy`, `provider`, `format`) and its value. */
const discriminator = (schema: Json): string | undefined => {
  const properties = isObject(schema.properties) ? schema.properties : {}
  for (const [name, field] of Object.entries(properties))
    if (isObject(field) && Array.isArray(field.enum) && field.enum.length === 1)
      return `${name}: ${String(field.enum[0])}`
  return undefined
}

const range = (schema: Json): string => {
  const low =
    typeof schema.minimum === "number"
      ? `≥ ${schema.minimum}`
      : typeof schema.exclusiveMinimum === "number"
        ? `> ${schema.exclusiveMinimum}`
        : undefined
  const high =
    typeof schema.maximum === "number"
      ? `≤ ${schema.maximum}`
      : typeof schema.exclusiveMaximum === "number"
        ? `< ${schema.exclusiveMaximum}`
        : undefined
  const bounds = [low, high].filter((b) => b !== undefined)
  return bounds.length > 0 ? ` (${bounds.join(", ")})` : ""
}

/** What a field accepts, in a few words. */
const typeOf = (root: Json, raw: Json): string => {
  const schema = resolve(root, raw)
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ")
  const options = alternatives(root, schema)
  if (options.length > 0) {
    const kinds = options.map((o) => discriminator(o))
    return kinds.every((k) => k !== undefined)
      ? `map (${kinds.map((k) => k.split(": ")[1]).join(" | ")})`
      : [...new Set(options.map((o) => typeOf(root, o)))].join(" or ")
  }
  switch (schema.type) {
    case "array": {
      const items = isObject(schema.items) ? typeOf(root, schema.items) : "value"
      const size = typeof schema.minItems === "number" && schema.minItems > 0 ? "non-empty " : ""
      return `${size}list of ${items}`
    }
    case "object":
      return isObject(schema.patternProperties) ? "map of name → value" : "map"
    case "integer":
    case "number":
      return `${schema.type}${range(schema)}`
    case "string":
      return "string"
    case undefined:
      return "any"
    default:
      return String(schema.type)
  }
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

/** The rows of every field under `schema`, depth first, in the order the Schemas declare them. */
const rowsOf = (root: Json, raw: Json, prefix: string): Array<FieldRow> => {
  const schema = resolve(root, raw)
  const options = alternatives(root, schema)
  if (options.length > 0)
    return options.flatMap((option) => {
      const which = discriminator(option)
      if (which === undefined) return rowsOf(root, option, prefix)
      const path = `${prefix} (${which})`
      const header: FieldRow = {
        path,
        type: "map",
        required: false,
        default: "",
        description: typeof option.description === "string" ? option.description : "",
      }
      return [header, ...rowsOf(root, option, prefix)]
    })
  if (schema.type === "array" && isObject(schema.items)) return rowsOf(root, schema.items, `${prefix}[]`)
  if (schema.type !== "object") return []
  const patterned = isObject(schema.patternProperties) ? schema.patternProperties[""] : undefined
  if (isObject(patterned)) return rowsOf(root, patterned, `${prefix}.<name>`)
  const required = Array.isArray(schema.required) ? schema.required : []
  const properties = isObject(schema.properties) ? schema.properties : {}
  return Object.entries(properties).flatMap(([name, field]) => {
    if (!isObject(field)) return []
    const resolved = resolve(root, field)
    const path = prefix === "" ? name : `${prefix}.${name}`
    const row: FieldRow = {
      path,
      type: typeOf(root, field),
      required: required.includes(name),
      default: resolved.default === undefined ? "" : JSON.stringify(resolved.default),
      description: typeof resolved.description === "string" ? resolved.description : "",
    }
    return [row, ...rowsOf(root, field, path)]
  })
}

const table = (rows: ReadonlyArray<FieldRow>): string =>
  [
    "| Field | Type | Required | Default | Description |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| \`${cell(r.path)}\` | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${r.default === "" ? "" : `\`${cell(r.default)}\``} | ${cell(r.description)} |`,
    ),
  ].join("\n")

const topField = (row: FieldRow) => row.path.split(/[.[ ]/)[0]!

/**
 * The field reference of scenario files (docs/scenarios.md), made from the JSON Schema so the two say the same:
 * the fields every scenario has, then each kind's own.
 */
export const scenarioFieldReference = (known: ReadonlyArray<AnyKind> = kinds): string => {
  const root = scenarioJsonSchema(known) as unknown as Json
  const defs = root.$defs as Record<string, Json>
  const shared = new Set([...Object.keys(baseFields), "sweep"])
  const perKind = known.map((kind) => ({ kind, rows: rowsOf(root, defs[kindDefinition(kind.name)]!, "") }))
  const base = perKind[0]!.rows.filter((r) => shared.has(topField(r)))
  return [
    "# Scenario file reference",
    "",
    `<!-- Generated from the scenario Schemas by \`${GENERATE_COMMAND}\`; do not edit. -->`,
    "",
    "Every field a scenario file may have, from the same Schemas the loader decodes with (the JSON Schema",
    "[`scenarios/scenario.schema.json`](../scenarios/scenario.schema.json) is made from them too: editors with the",
    "YAML language server complete and check scenario files with it). A field marked required must be given; an",
    "optional one takes its default. `lyceum validate` checks more than the types below: model references, the",
    "cohort limit, distinct names and what the data allows.",
    "",
    `The kind is chosen by \`kind:\` (${known.map((k) => `\`${k.name}\``).join(", ")}; without it: \`${known[0]!.name}\`).`,
    "In paths, `[]` is every entry of a list, `<name>` every key of a map, and `(field: value)` the fields of the",
    "entries with that value.",
    "",
    "## Fields of every kind",
    "",
    table(base),
    "",
    ...perKind.flatMap(({ kind, rows }) => [
      `## kind: ${kind.name}`,
      "",
      table(rows.filter((r) => !shared.has(topField(r)))),
      "",
    ]),
  ].join("\n")
}
