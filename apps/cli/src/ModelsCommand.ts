import { Args, Command } from "@effect/cli"
import { loadScenario } from "@lyceum/kinds"
import {
  declaredScore,
  type ModelCapabilities,
  type ModelConfig,
  probeDeclaredModel,
  type ScoreMode,
} from "@lyceum/models"
import { alignColumns } from "@lyceum/report"
import { effectiveScore } from "@lyceum/runner"
import { Console, Effect } from "effect"

const scenario = Args.path({ name: "scenario" }).pipe(
  Args.withDescription("the scenario file whose models: to probe"),
)

const HEADER = [
  "model",
  "endpoint",
  "completions",
  "echo-scoring",
  "chat logprobs",
  "n>1",
  "seed",
  "score: declared → run",
]

/** One finding and its evidence in a cell, e.g. `real (-0.05 vs -2.6)`, `ignored (1/2)`. */
const cells = (found: ModelCapabilities): ReadonlyArray<string> => {
  const echo =
    found.echo.predictableMean === undefined
      ? found.echo.verdict
      : `${found.echo.verdict} (${found.echo.predictableMean} vs ${found.echo.scrambledMean} scrambled)`
  const chatLogprobs =
    found.chatLogprobs.verdict === "yes"
      ? `yes (top ${found.chatLogprobs.topLogprobs})`
      : found.chatLogprobs.verdict
  const n =
    found.n.verdict === "unknown" ? "unknown" : `${found.n.verdict} (${found.n.choices}/${found.n.asked})`
  return [found.routes.completions.answers ? "answers" : "no", echo, chatLogprobs, n, found.seed.verdict]
}

/**
 * The capability table of a scenario's models, one row each: sim models are built in; an `openai` model is
 * probed once (`probeDeclaredModel`), and one whose endpoint does not answer — or cannot be configured — gets
 * a row saying why, with the details under the table. The last column is the score mode the scenario declares
 * and the one `lyceum run` would use it with after the same probe (`effectiveScore`). Never fails on what an
 * endpoint does.
 */
export const modelsTable = (
  models: Readonly<Record<string, ModelConfig>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly timeoutMs?: number } = {},
): Effect.Effect<string> =>
  Effect.gen(function* () {
    const rows: Array<ReadonlyArray<string>> = []
    const notes: Array<string> = []
    for (const name of Object.keys(models).sort()) {
      const config = models[name]!
      if (config.provider === "sim") {
        rows.push([name, "built in", "-", "exact", "exact", "honoured", "honoured", "exact"])
        notes.push(`${name}: sim scores exactly, n and seed honoured (built in)`)
        continue
      }
      if (config.provider === "zero") {
        rows.push([name, "built in", "-", "zero", "zero", "honoured", "ignored", "zero"])
        notes.push(
          `${name}: zero answers "${config.answer ?? ""}" at once, every log-probability 0 (built in)`,
        )
        continue
      }
      const probed = yield* Effect.either(probeDeclaredModel(name, config, env, options))
      if (probed._tag === "Left") {
        rows.push([name, config.baseURL ?? "?", "not probed: see below", "", "", "", "", ""])
        notes.push(`${name}: ${probed.left.message}`)
        continue
      }
      const found = probed.right
      if (!found.routes.chat.answers && !found.routes.completions.answers) {
        rows.push([name, found.baseURL, "endpoint does not answer: see below", "", "", "", "", ""])
        notes.push(`${name}: ${found.routes.chat.detail}`)
        continue
      }
      // The mode `lyceum run` would use it with (what the scenario's measurements are then checked against).
      const declared = declaredScore(config.score, config.preset) as ScoreMode
      rows.push([name, found.baseURL, ...cells(found), `${declared} → ${effectiveScore(declared, found)}`])
      if (found.echo.verdict !== "real" && found.routes.completions.answers)
        notes.push(`${name}: echo-scoring ${found.echo.verdict}: ${found.echo.detail}`)
    }
    return [...alignColumns(HEADER, rows, () => "left"), ...(notes.length > 0 ? ["", ...notes] : [])].join(
      "\n",
    )
  })

/** `lyceum models check SCENARIO`: what each declared model's endpoint really does (issue 13). */
const checkCommand = Command.make("check", { scenario }, ({ scenario }) =>
  Effect.gen(function* () {
    const loaded = yield* loadScenario(scenario)
    yield* Console.log(yield* modelsTable(loaded.scenario.models))
  }),
).pipe(
  Command.withDescription(
    "probe every model the scenario declares: which routes answer, whether echo-scoring is real, chat " +
      "logprobs, n > 1 and seed; print them as a table",
  ),
)

export const modelsCommand = Command.make("models").pipe(
  Command.withDescription("inspect the models a scenario declares"),
  Command.withSubcommands([checkCommand]),
)
