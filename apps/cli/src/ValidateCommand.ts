import { Args, Command } from "@effect/cli"
import { loadScenario } from "@lyceum/kinds"
import { formatPlannedWork, needsConfirmation, preflight } from "@lyceum/runner"
import { Console, Effect, Either } from "effect"
import { verboseOption } from "./Options.js"

export class InvalidScenarios extends Error {
  readonly _tag = "InvalidScenarios"
}

const scenarios = Args.path({ name: "scenario" }).pipe(
  Args.withDescription("scenario files to check"),
  Args.atLeast(1),
)

/**
 * `lyceum validate FILE...`: what `lyceum run` checks before its first model call, without running anything:
 * the file (YAML, schema, cross-references, limits), its dataset and probe files (read and parsed as the run
 * would), and the planned work. Prints every problem with file, line and field; fails when any file is invalid.
 */
export const validateCommand = Command.make(
  "validate",
  { scenarios, verbose: verboseOption },
  ({ scenarios }) =>
    Effect.gen(function* () {
      let invalid = 0
      for (const file of scenarios) {
        const result = yield* Effect.either(
          loadScenario(file).pipe(
            Effect.flatMap((loaded) => Effect.map(preflight(loaded), ({ plan }) => ({ loaded, plan }))),
          ),
        )
        if (Either.isLeft(result)) {
          invalid++
          yield* Console.error(result.left.message)
          continue
        }
        const { loaded, plan } = result.right
        yield* Console.log(`ok  ${file} (${loaded.scenario.name}): ${formatPlannedWork(plan)}`)
        if (needsConfirmation(plan, loaded.scenario))
          yield* Console.log(
            "    large: lyceum run starts it only with --yes, or with a budget: in the scenario",
          )
      }
      if (invalid > 0) {
        return yield* Effect.fail(
          new InvalidScenarios(`${invalid} of ${scenarios.length} scenario files are invalid`),
        )
      }
    }),
).pipe(
  Command.withDescription(
    "check scenario files, their data files and their planned work; print every problem found",
  ),
)
