import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { type Console, Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { schemaCommand } from "../src/SchemaCommand.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "lyceum-schema-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `lyceum schema ARGS`, with what it prints to stdout collected. */
const schema = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const printed: Array<string> = []
    const console = {
      ...(yield* Effect.console),
      log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => printed.push(a.join(" "))),
    }
    yield* Command.run(Command.make("lyceum").pipe(Command.withSubcommands([schemaCommand])), {
      name: "lyceum",
      version: "test",
    })(["node", "lyceum", "schema", ...args]).pipe(Effect.withConsole(console as unknown as Console.Console))
    return printed.join("\n")
  }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise)

describe("lyceum schema", () => {
  it("prints the JSON Schema of scenario files, as scenarios/scenario.schema.json holds it", async () => {
    const printed = await schema([])
    const committed = readFileSync(join(root, "scenarios", "scenario.schema.json"), "utf8")
    expect(`${printed}\n`).toBe(committed)
    expect(JSON.parse(printed)).toMatchObject({ title: "Lyceum scenario", oneOf: expect.any(Array) })
  })

  it("writes it to --output, and the field reference with --format markdown", async () => {
    const file = join(dir, "schema.json")
    expect(await schema(["--output", file])).toBe("")
    expect(readFileSync(file, "utf8")).toBe(
      readFileSync(join(root, "scenarios", "scenario.schema.json"), "utf8"),
    )
    const markdown = await schema(["--format", "markdown"])
    expect(`${markdown}\n`).toBe(readFileSync(join(root, "docs", "scenarios.md"), "utf8"))
  })
})
