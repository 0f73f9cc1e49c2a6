import { Args, Command } from "@effect/cli"
import { loadScenario } from "@lyceum/scenario"
import { Console, Effect, Either } from "effect"
import { verboseOption } from "./Options.js"

export class InvalidScenarios extends Error {
  readonly _tag = "InvalidScenarios"
}

const scenarios = Args.file({ name: "scenario" }).pipe(
  Args.withDescription("scenario files to check"),
  Args.atLeast(1),
)

/** `lyceum validate FILE...`: prints every problem of every file; fails when any file is invalid. */
export const validateCommand = Command.make(
  "validate",
  { scenarios, verbose: verboseOption },
  ({ scenarios }) =>
    Effect.gen(function* () {
      let invalid = 0
      for (const file of scenarios) {
        const result = yield* Effect.either(loadScenario(file))
        if (Either.isRight(result)) yield* Console.log(`ok  ${file} (${result.right.scenario.name})`)
        else {
          invalid++
          yield* Console.error(result.left.message)
        }
      }
      if (invalid > 0) {
        return yield* Effect.fail(
          new InvalidScenarios(`${invalid} of ${scenarios.length} scenario files are invalid`),
        )
      }
    }),
).pipe(Command.withDescription("check scenario files and print every problem found"))
