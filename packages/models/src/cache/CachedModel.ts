import { Effect, Exit, FiberRef, Option } from "effect"
import type {
  GenerateRequest,
  GenerateResponse,
  LabelScoreRequest,
  LabelScoreResponse,
  LanguageModel,
  ScoreResponse,
} from "../LanguageModel.js"
import { reportCacheHit } from "../Metering.js"
import type { CacheMode } from "../ModelConfig.js"
import { type ModelError, ReplayMiss } from "../ModelError.js"
import { generateKey, labelsKey, type ModelIdentity, type RequestKey, scoreKey } from "./CacheKey.js"
import { currentRepeat } from "./CacheRepeat.js"
import type { ResponseCacheService } from "./ResponseCache.js"
import type { ResponseCacheError } from "./ResponseCacheError.js"

export interface CachedOptions {
  /** The provider, e.g. "openai" or "sim". */
  readonly provider: string
  /** The model identifier the provider knows it by, plus anything else that changes its answers. */
  readonly model: string
  /** Where the model is served (its base URL); omit when that does not apply. */
  readonly endpoint?: string
  /** Default "read-write". */
  readonly mode?: CacheMode
}

const isTokenUsage = (value: unknown): boolean =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { promptTokens?: unknown }).promptTokens === "number" &&
  typeof (value as { completionTokens?: unknown }).completionTokens === "number"

const isNumbers = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === "number")

/**
 * A stored answer to `request`: one asking for generation log-probs is answered only by an entry that holds
 * them, one list per text (the key already tells them apart; this also refuses a damaged or foreign entry).
 */
const isGenerateResponseTo =
  (request: GenerateRequest) =>
  (value: unknown): value is GenerateResponse => {
    if (typeof value !== "object" || value === null) return false
    const { texts, usage, logprobs } = value as { texts?: unknown; usage?: unknown; logprobs?: unknown }
    if (!Array.isArray(texts) || !isTokenUsage(usage)) return false
    return (
      request.logprobs !== true ||
      (Array.isArray(logprobs) && logprobs.length === texts.length && logprobs.every(isNumbers))
    )
  }

const isLabelScoreResponseTo =
  (request: LabelScoreRequest, expected: LabelScoreResponse["method"]) =>
  (value: unknown): value is LabelScoreResponse => {
    if (typeof value !== "object" || value === null) return false
    const { logprobs, usage, method } = value as { logprobs?: unknown; usage?: unknown; method?: unknown }
    return (
      isNumbers(logprobs) &&
      (logprobs as ReadonlyArray<number>).length === request.labels.length &&
      isTokenUsage(usage) &&
      method === expected
    )
  }

const isScoreResponse = (value: unknown): value is ScoreResponse =>
  typeof value === "object" &&
  value !== null &&
  Array.isArray((value as { tokens?: unknown }).tokens) &&
  Array.isArray((value as { logprobs?: unknown }).logprobs) &&
  isTokenUsage((value as { usage?: unknown }).usage)

/** A stored answer of the expected shape; anything else (a damaged row) counts as a miss. */
const parseAs = <A>(json: string, guard: (value: unknown) => value is A): Option.Option<A> => {
  try {
    const value: unknown = JSON.parse(json)
    return guard(value) ? Option.some(value) : Option.none()
  } catch {
    return Option.none()
  }
}

/**
 * `model` answering from `cache` first. In "read-write" mode a miss calls the model and stores its answer; in
 * "replay" mode a miss fails with `ReplayMiss` and the model is never called; "off" returns `model` itself.
 * Failed calls are never stored. A hit is reported to metering as a cache hit, not a call. Entries are keyed by
 * the model identity in `options`, every request parameter, the prompt's hash, the seed and the repeat
 * (`withRepeat` / `atRepeat`); the n-th identical asking of a sampled (non-deterministic) request is answered
 * by the n-th stored answer, so repeated sampling stays sampling.
 */
export const cached = (
  model: LanguageModel,
  cache: ResponseCacheService,
  options: CachedOptions,
): LanguageModel => {
  const mode = options.mode ?? "read-write"
  if (mode === "off") return model
  const replay = mode === "replay"
  const identity: ModelIdentity = {
    provider: options.provider,
    model: options.model,
    endpoint: options.endpoint ?? "",
  }
  const described = `${identity.provider} ${identity.model}${identity.endpoint === "" ? "" : ` at ${identity.endpoint}`}`

  const replayMiss = (request: RequestKey, occurrence: number, failure?: ResponseCacheError) =>
    new ReplayMiss({
      model: model.name,
      operation: request.operation,
      promptHash: request.promptHash,
      message: failure
        ? `Replay mode forbids model calls, and the response cache could not be read for this ${request.operation} request to model "${model.name}" (${described}), prompt hash ${request.promptHash}: ${failure.message}`
        : `Replay mode forbids model calls, and the response cache ${cache.path} has no answer for this ` +
          `${request.operation} request to model "${model.name}" (${described}), prompt hash ` +
          // Counted from 1 as the progress lines and failure messages count repeats (stored keys count from 0).
          `${request.promptHash}, repeat ${request.repeat + 1}${occurrence > 0 ? `, asking ${occurrence + 1} of this request` : ""}. ` +
          "Run the scenario in read-write mode to record it.",
      ...(failure && { cause: failure }),
    })

  const through = <A>(
    request: RequestKey,
    call: Effect.Effect<A, ModelError>,
    guard: (value: unknown) => value is A,
  ): Effect.Effect<A, ModelError> =>
    Effect.flatMap(
      request.deterministic ? Effect.succeed(0) : cache.claimOccurrence(request.key),
      (occurrence) => {
        const answer = cache.lookup(request.key, occurrence).pipe(
          Effect.map(Option.flatMap((json) => parseAs(json, guard))),
          // A cache that cannot be read is no reason to fail a call that can still be made.
          Effect.catchAll((failure) =>
            replay
              ? Effect.fail(replayMiss(request, occurrence, failure))
              : Effect.as(Effect.logWarning(failure.message), Option.none<A>()),
          ),
          Effect.flatMap(
            (found): Effect.Effect<A, ModelError> =>
              Option.isSome(found)
                ? Effect.as(reportCacheHit, found.value)
                : replay
                  ? Effect.fail(replayMiss(request, occurrence))
                  : Effect.tap(call, (response) =>
                      cache
                        .store({ identity, request, occurrence, response: JSON.stringify(response) })
                        .pipe(Effect.catchAll((failure) => Effect.logWarning(failure.message))),
                    ),
          ),
        )
        return request.deterministic
          ? answer
          : Effect.onExit(answer, (exit) =>
              Exit.isSuccess(exit) ? Effect.void : cache.releaseOccurrence(request.key, occurrence),
            )
      },
    )

  return {
    name: model.name,
    capabilities: model.capabilities,
    generate: (request) =>
      Effect.flatMap(FiberRef.get(currentRepeat), (repeat) =>
        through(
          generateKey(identity, request, repeat),
          Effect.suspend(() => model.generate(request)),
          isGenerateResponseTo(request),
        ),
      ),
    score: (request) =>
      Effect.flatMap(FiberRef.get(currentRepeat), (repeat) =>
        through(
          scoreKey(identity, request, repeat),
          Effect.suspend(() => model.score(request)),
          isScoreResponse,
        ),
      ),
    // Cached only where the model has its own way: otherwise `scoreLabels` teacher-forces through `score`,
    // whose answers are cached one by one.
    // Keyed by the method the model will use now: it teacher-forces while it scores (an "auto" endpoint whose
    // echo works), else it scores by top_logprobs.
    ...(model.scoreLabels !== undefined && {
      scoreLabels: (request: LabelScoreRequest) =>
        Effect.flatMap(FiberRef.get(currentRepeat), (repeat) => {
          const method = model.capabilities.score ? "teacher-forcing" : "top-logprobs"
          return through(
            labelsKey(identity, request, repeat, method),
            Effect.suspend(() => model.scoreLabels!(request)),
            isLabelScoreResponseTo(request, method),
          )
        }),
    }),
  }
}
