import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { scenarioFieldReference, scenarioJsonSchemaText } from "@lyceum/kinds"
import { Console, Effect, Option } from "effect"

const output = Options.file("output").pipe(
  Options.withAlias("o"),
  Options.withDescription("write to this file instead of stdout"),
  Options.optional,
)

const format = Options.choice("format", ["json", "markdown"]).pipe(
  Options.withDescription(
    "json: the JSON Schema of scenario files (for editors: `# yaml-language-server: $schema=FILE`); " +
      "markdown: the field reference (path, type, default, description per kind)",
  ),
  Options.withDefault("json" as const),
)

/**
 * `lyceum schema`: the JSON Schema of scenario files this build accepts, every registered kind in it, as
 * `scenarios/scenario.schema.json` holds it (or the field reference of docs/scenarios.md with `--format markdown`).
 */
export const schemaCommand = Command.make("schema", { output, format }, ({ output, format }) =>
  Effect.gen(function* () {
    const text = format === "json" ? scenarioJsonSchemaText() : scenarioFieldReference()
    if (Option.isNone(output)) return yield* Console.log(text.trimEnd())
    const fs = yield* FileSystem.FileSystem
    yield* fs.writeFileString(output.value, text)
  }),
).pipe(
  Command.withDescription(
    "Print the JSON Schema of scenario files (every kind this build knows), for editors and other tools.",
  ),
)
