import { Args, Command } from "@effect/cli"
import { loadScenario } from "@lyceum/kinds"
import { formatPlannedWork, needsConfirmation, type PlannedWork, preflight } from "@lyceum/runner"
import { ScenarioError } from "@lyceum/scenario"
import { Console, Effect, Either } from "effect"
import { formatOption, verboseOption } from "./Options.js"

export class InvalidScenarios extends Error {
  readonly _tag = "InvalidScenarios"
}

const scenarios = Args.path({ name: "scenario" }).pipe(
  Args.withDescription("scenario files to check"),
  Args.atLeast(1),
)

/** One file's verdict in `lyceum validate --format json`. */
export interface Validation {
  readonly file: string
  readonly ok: boolean
  /** The scenario's name and kind; null when the file could not be read that far. */
  readonly scenario: string | null
  readonly kind: string | null
  /** Every problem found: `field` is the scenario path (`tasks[0].dataset.path`), when the problem has one. */
  readonly errors: ReadonlyArray<{
    readonly message: string
    readonly line?: number
    readonly column?: number
    readonly field?: string
  }>
  /** The planned work (estimates), and whether `lyceum run` needs `--yes` for it; null when invalid. */
  readonly plan: (PlannedWork & { readonly needsConfirmation: boolean }) | null
}

/** A problem as the JSON carries it: ScenarioError's problems one by one, any other error as its message. */
const errorsOf = (error: { readonly message: string }): Validation["errors"] =>
  error instanceof ScenarioError
    ? error.problems.map((p) => ({
        message: p.message,
        ...(p.line !== undefined && { line: p.line }),
        ...(p.column !== undefined && { column: p.column }),
        ...(p.path !== "" && { field: p.path }),
      }))
    : [{ message: error.message }]

/** Checks one file as `lyceum run` would before its first model call; `message`: the error's text, if any. */
export const validateFile = (
  file: string,
): Effect.Effect<{ readonly verdict: Validation; readonly message?: string }> =>
  Effect.either(
    loadScenario(file).pipe(
      Effect.flatMap((loaded) => Effect.map(preflight(loaded), ({ plan }) => ({ loaded, plan }))),
    ),
  ).pipe(
    Effect.map((result) =>
      Either.isLeft(result)
        ? {
            verdict: {
              file,
              ok: false,
              scenario: null,
              kind: null,
              errors: errorsOf(result.left),
              plan: null,
            },
            message: result.left.message,
          }
        : {
            verdict: {
              file,
              ok: true,
              scenario: result.right.loaded.scenario.name,
              kind: result.right.loaded.scenario.kind,
              errors: [],
              plan: {
                ...result.right.plan,
                // An estimate: a whole number of tokens, not the float the average makes.
                tokens: Math.round(result.right.plan.tokens),
                needsConfirmation: needsConfirmation(result.right.plan, result.right.loaded.scenario),
              },
            },
          },
    ),
  )

/**
 * `lyceum validate FILE...`: what `lyceum run` checks before its first model call, without running anything:
 * the file (YAML, schema, cross-references, limits), its dataset and probe files (read and parsed as the run
 * would), and the planned work. Prints every problem with file, line and field (or, with `--format json`, one
 * array of verdicts on stdout); fails when any file is invalid.
 */
export const validateCommand = Command.make(
  "validate",
  { scenarios, format: formatOption, verbose: verboseOption },
  ({ scenarios, format }) =>
    Effect.gen(function* () {
      const verdicts: Array<Validation> = []
      for (const file of scenarios) {
        const { verdict, message } = yield* validateFile(file)
        verdicts.push(verdict)
        if (format === "json") continue
        if (message !== undefined || verdict.plan === null) {
          // The error's own text: ScenarioError lists its problems with file, line and field.
          yield* Console.error(message)
          continue
        }
        yield* Console.log(`ok  ${file} (${verdict.scenario}): ${formatPlannedWork(verdict.plan)}`)
        if (verdict.plan.needsConfirmation)
          yield* Console.log(
            "    large: lyceum run starts it only with --yes, or with a budget: in the scenario",
          )
      }
      if (format === "json") yield* Console.log(JSON.stringify(verdicts, null, 2))
      const invalid = verdicts.filter((v) => !v.ok).length
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
