import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { readYamlText } from "@lyceum/scenario"
import Ajv from "ajv"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { parseScenario } from "../src/Kinds.js"
import { scenarioFieldReference } from "../src/ScenarioDocs.js"
import { GENERATE_COMMAND, scenarioJsonSchema, scenarioJsonSchemaText } from "../src/ScenarioJsonSchema.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const scenarios = join(root, "scenarios")
const schemaFile = join(scenarios, "scenario.schema.json")
const docsFile = join(root, "docs", "scenarios.md")

/** The generated files and what they should hold; `gen:schema` sets LYCEUM_WRITE_SCHEMA=1 to write them. */
const generated = [
  { file: schemaFile, text: () => scenarioJsonSchemaText() },
  { file: docsFile, text: () => scenarioFieldReference() },
]

/** Every shipped scenario file, subfolders included. */
const shipped = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? shipped(join(dir, entry.name))
      : entry.name.endsWith(".yaml")
        ? [join(dir, entry.name)]
        : [],
  )

// The loader refuses a malformed `format: uri` the same way (an absolute http(s) URL).
const validator = () =>
  new Ajv({ allErrors: true, strictTypes: false })
    .addFormat("uri", (s: string) => URL.canParse(s))
    .compile(scenarioJsonSchema())

const rawOf = (text: string): unknown => {
  const yaml = readYamlText(text)
  if (!("ok" in yaml)) throw new Error(`not YAML: ${JSON.stringify(yaml.problems)}`)
  return yaml.ok.raw
}

describe("scenario JSON Schema and field reference", () => {
  it.each(generated.map((g) => [relative(root, g.file), g] as const))("%s is up to date", (_, g) => {
    const text = g.text()
    if (process.env.LYCEUM_WRITE_SCHEMA === "1") {
      mkdirSync(dirname(g.file), { recursive: true })
      writeFileSync(g.file, text)
    }
    let committed = ""
    try {
      committed = readFileSync(g.file, "utf8")
    } catch {}
    // A plain equality (not a diff of 100 kB): the message says what to do.
    expect(
      committed === text,
      `${relative(root, g.file)} is stale (the scenario Schemas changed): run \`${GENERATE_COMMAND}\` and commit it`,
    ).toBe(true)
  })

  it("every shipped scenario names the schema on its first line and validates against it", () => {
    const validate = validator()
    const files = shipped(scenarios)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file, "utf8")
      const path = relative(dirname(file), schemaFile)
      const modeline = `# yaml-language-server: $schema=${path.startsWith("..") ? path : `./${path}`}`
      expect(text.split("\n")[0], relative(root, file)).toBe(modeline)
      const ok = validate(rawOf(text))
      expect(ok ? [] : validate.errors, relative(root, file)).toEqual([])
      // And the loader agrees.
      expect(Either.isRight(parseScenario(file, text)), relative(root, file)).toBe(true)
    }
  })

  const quickstart = () => readFileSync(join(scenarios, "quickstart.yaml"), "utf8")
  const broken: ReadonlyArray<readonly [string, (text: string) => string]> = [
    ["an unknown top-level field", (t) => `${t}\ncolour: blue\n`],
    ["an unknown field in a task", (t) => t.replace("testSize: 100", "testSize: 100\n    colour: blue")],
    ["a wrong type", (t) => t.replace("seed: 7", 'seed: "seven"')],
    ["a number out of range", (t) => t.replace("repeats: 1", "repeats: 0")],
    ["a value outside an enum", (t) => t.replace("format: base", "format: fancy")],
    ["a wrong kind", (t) => `${t}\nkind: swarm\n`],
    ["a missing required field", (t) => t.replace(/^teachers:\n( .*\n)+/m, "")],
    ["another kind's field without its kind:", (t) => `${t}\nproposers: [{ name: a, model: sim }]\n`],
  ]

  it.each(broken)("%s is rejected by the schema and by the loader", (_, edit) => {
    const text = edit(quickstart())
    expect(text).not.toBe(quickstart())
    const validate = validator()
    expect(validate(rawOf(text))).toBe(false)
    expect(Either.isLeft(parseScenario("broken.yaml", text))).toBe(true)
  })

  it("shows field descriptions, defaults and enum values to editors", () => {
    interface Def {
      readonly properties: Record<string, Def & Record<string, unknown>>
      readonly required: ReadonlyArray<string>
      readonly additionalProperties: unknown
    }
    const defs = (scenarioJsonSchema() as unknown as { $defs: Record<string, Def> }).$defs
    const social = defs["social-learning-scenario"]!
    expect(social.properties.seed).toMatchObject({
      default: 0,
      description: expect.stringContaining("32-bit"),
    })
    expect(social.properties.privacy?.properties.pii).toMatchObject({
      enum: ["drop", "redact", "flag", "off"],
      default: "off",
    })
    expect(social.additionalProperties).toBe(false)
    expect(social.required).not.toContain("kind")
    expect(defs["ensemble-scenario"]?.required).toContain("kind")
    expect(social.properties.sweep).toEqual({ $ref: "#/$defs/SweepConfig" })
    // Defaults inside lists and unions are those the decoding fills in (read from it, not restated).
    const methods = social.properties.methods as unknown as { items: { anyOf: ReadonlyArray<Def> } }
    const synthetic = methods.items.anyOf.find((m) =>
      (m.properties.strategy?.enum as ReadonlyArray<string> | undefined)?.includes("synthetic-examples"),
    )
    expect(synthetic?.properties.nGen).toMatchObject({
      default: 8,
      description: expect.stringContaining("n_gen"),
    })
    expect(synthetic?.properties.rankBy).toMatchObject({ default: "auto" })
    expect(defs["population-scenario"]?.properties.memory).toMatchObject({
      default: { capacity: 8, eviction: "oldest" },
    })
  })
})
