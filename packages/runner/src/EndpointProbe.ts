import {
  declaredScore,
  type ModelCapabilities,
  type ModelConfig,
  probeDeclaredModel,
  type ScoreMode,
} from "@lyceum/models"
import {
  type KindSchema,
  type LoadedScenario,
  recheckWithProbedScores,
  type ScenarioError,
} from "@lyceum/scenario"
import type { ModelCapabilitiesRow } from "@lyceum/store"
import type { TaskData } from "@lyceum/tasks"
import { Effect } from "effect"

/** One `openai` model of a run as its capability probe found it, and the score mode the run uses it with. */
export interface ProbedModel {
  readonly model: string
  readonly baseURL: string
  /** As the scenario declared it (its own `score`, its preset's default, or the default). */
  readonly declared: ScoreMode
  /** What the run uses: the declared mode where the endpoint does it, else what the probe found it can do. */
  readonly effective: ScoreMode
  /** What the probe found, in the words refusals and warnings use. */
  readonly note: string
  readonly capabilities: ModelCapabilities
}

/** The score mode an endpoint supports by its probe: echo-scoring if real, else chat log-probabilities, else none. */
const supportedMode = (found: ModelCapabilities): ScoreMode =>
  found.echo.verdict === "real" ? "completions" : found.chatLogprobs.verdict === "yes" ? "chat" : "none"

/**
 * The mode a model declared with `declared` is used with, given its probe: `none` stays none; `chat` needs chat
 * log-probabilities; `completions` and `auto` take echo-scoring where the probe found it real, and otherwise what
 * the endpoint can do (a server that ignores echo, llama.cpp's trap, never scores by echo). What the kinds then
 * refuse on the effective mode is refused before the run spends anything (`probeRunEndpoints`).
 */
export const effectiveScore = (declared: ScoreMode, found: ModelCapabilities): ScoreMode => {
  if (declared === "none") return "none"
  // A probe that got no answer about echo (a timeout, a 429, a 5xx) is not evidence: a vLLM teacher must not
  // change how it ranks because its server was busy for a moment. Its first scoring call says the truth.
  if ((declared === "completions" || declared === "auto") && found.echo.inconclusive === true) return declared
  if (declared === "chat") return found.chatLogprobs.verdict === "yes" ? "chat" : "none"
  return supportedMode(found)
}

const describe = (found: ModelCapabilities): string =>
  `the probe of ${found.baseURL} found echo-scoring ${found.echo.verdict}` +
  `${found.echo.inconclusive === true ? ` (inconclusive: ${found.echo.detail})` : ""}, chat logprobs ${found.chatLogprobs.verdict}`

const unreachable = (found: ModelCapabilities): boolean =>
  !found.routes.chat.answers && !found.routes.completions.answers

/**
 * Probes every `openai` model the scenario declares (except those with score: none), once, before the run spends anything (issue 13): which
 * routes answer, whether echo-scoring is real, chat log-probabilities, `n` and `seed`. Each model's score mode
 * for the run is then the one its endpoint really supports (`effectiveScore`), and the kind's cross-checks run
 * again on those modes, so a measurement the endpoint cannot make (a canary on a server that ignores echo) is
 * refused with the finding named, instead of measuring noise. An endpoint that does not answer at all, or cannot
 * be configured, keeps its declared mode: the run fails on its first call as it always did, with the fallback
 * chain's backups in force.
 */
export const probeRunEndpoints = (
  loaded: LoadedScenario,
  kind: KindSchema,
  env: Readonly<Record<string, string | undefined>>,
  /** The tasks' data, for the kind's data checks on the probed modes (a margin on an unlabelled task). */
  tasks: ReadonlyArray<TaskData> = [],
): Effect.Effect<ReadonlyArray<ProbedModel>, ScenarioError> =>
  Effect.gen(function* () {
    const models = Object.entries(loaded.scenario.models ?? {}) as ReadonlyArray<[string, ModelConfig]>
    const probed = yield* Effect.forEach(
      models.filter(([, config]) => config.provider === "openai"),
      ([model, config]): Effect.Effect<ProbedModel | undefined> =>
        Effect.gen(function* () {
          if (config.provider !== "openai") return undefined
          const declared = declaredScore(config.score, config.preset) as ScoreMode
          // Nothing to decide for a model that never scores: its endpoint is not asked anything before the run.
          if (declared === "none") return undefined
          const found = yield* probeDeclaredModel(model, config, env).pipe(Effect.either)
          if (found._tag === "Left") {
            yield* Effect.logWarning(
              `model "${model}" was not probed (${found.left.message}); it is used as declared (score: ${declared})`,
            )
            return undefined
          }
          const capabilities = found.right
          if (unreachable(capabilities)) {
            yield* Effect.logWarning(
              `model "${model}" at ${capabilities.baseURL} did not answer the capability probe ` +
                `(${capabilities.routes.chat.detail}); it is used as declared (score: ${declared}). ` +
                "`lyceum models check` shows what each endpoint does.",
            )
            return {
              model,
              baseURL: capabilities.baseURL,
              declared,
              effective: declared,
              note: "the endpoint did not answer the probe",
              capabilities,
            }
          }
          const effective = effectiveScore(declared, capabilities)
          if (effective !== declared && declared !== "auto")
            yield* Effect.logWarning(
              `model "${model}" is declared with score: ${declared}, but ${describe(capabilities)}: ` +
                `the run uses it with score: ${effective}`,
            )
          return {
            model,
            baseURL: capabilities.baseURL,
            declared,
            effective,
            note: describe(capabilities),
            capabilities,
          }
        }),
      { concurrency: 4 },
    )
    const results = probed.filter((p): p is ProbedModel => p !== undefined)
    const probedModes = new Map(results.map((p) => [p.model, { score: p.effective, note: p.note }]))
    const refused = recheckWithProbedScores(loaded, kind, probedModes, tasks)
    if (refused !== undefined) return yield* Effect.fail(refused)
    return results
  })

/** The score mode each probed model is used with, for building the run's models in every process. */
export const probedScores = (probed: ReadonlyArray<ProbedModel>): Readonly<Record<string, ScoreMode>> =>
  Object.fromEntries(probed.map((p) => [p.model, p.effective]))

/** The rows of `model_capabilities` for a run's probes. */
export const capabilityRows = (
  runId: string,
  probed: ReadonlyArray<ProbedModel>,
): Array<ModelCapabilitiesRow> =>
  probed.map((p) => ({
    runId,
    model: p.model,
    baseURL: p.baseURL,
    declaredScore: p.declared,
    effectiveScore: p.effective,
    echo: p.capabilities.echo.verdict,
    chatLogprobs: p.capabilities.chatLogprobs.verdict,
    n: p.capabilities.n.verdict,
    seed: p.capabilities.seed.verdict,
    findings: JSON.stringify(p.capabilities),
  }))
