import { Effect, ParseResult, Schema, type Scope } from "effect"
import type OpenAI from "openai"
import { teacherForceLabels } from "../Labels.js"
import type {
  Capabilities,
  GenerateRequest,
  GenerateResponse,
  LabelScoreRequest,
  LabelScoreResponse,
  LanguageModel,
  ScoreRequest,
  ScoreResponse,
  TokenUsage,
} from "../LanguageModel.js"
import { reportEstimatedUsage, reportExtraRequest } from "../Metering.js"
import {
  hasOwnLabelScores,
  OpenAiDefaults,
  type OpenAiModelConfig,
  scoreModeCapabilities,
} from "../ModelConfig.js"
import { BadResponse, type ModelError, ScoreUnsupported, Timeout, Unavailable } from "../ModelError.js"
import { forEndpoint } from "./EndpointLimiter.js"
import { apiKeyFor, type MissingApiKey, makeOpenAiClient } from "./OpenAiClient.js"
import { type CallContext, toModelError } from "./OpenAiErrors.js"
import {
  ChatCompletionWire,
  CompletionWire,
  choiceLogprobs,
  continuationLogprobs,
  reportedUsage,
} from "./OpenAiWire.js"
import { type Backoff, defaultBackoff, retryPolicy } from "./RetryPolicy.js"
import { joinSamples, sampleSeed } from "./Samples.js"
import { estimateUsage } from "./TokenEstimate.js"
import { labelsFromTopLogprobs } from "./TopLogprobLabels.js"

export { MissingApiKey } from "./OpenAiClient.js"

/** Knobs that are not part of a scenario's config. */
export interface OpenAiModelOptions {
  /** Retry backoff timing; tests shorten it. */
  readonly backoff?: Backoff
  /** The most bytes of one answer read (default `MAX_RESPONSE_BYTES`); tests lower it. */
  readonly maxResponseBytes?: number
}

/** Tokens reserved against a tokens-per-minute limit for a completion whose `max_tokens` is not given. */
const ASSUMED_COMPLETION_TOKENS = 256

/** A rough token count for rate limiting before the endpoint tells us the real one (~4 characters a token). */
const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

const totalTokens = (response: {
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number }
}) => response.usage.promptTokens + response.usage.completionTokens

/**
 * Whether a chat answer's generated-token log-probabilities cover its text: their tokens spell at least as many
 * characters as the text has. More is normal (a stop token, reasoning the server strips from the content, byte
 * tokens spelt as escapes); fewer means some of the text has no log-probability, and an empty list would rank a
 * sample as certain.
 */
const coversText = (tokens: ReadonlyArray<{ readonly token: string }>, text: string): boolean =>
  text.length === 0 || tokens.reduce((sum, token) => sum + token.token.length, 0) >= text.length

/** How many alternatives a label-scoring request asks for: the most OpenAI (and vLLM by default) allow. */
export const LABEL_TOP_LOGPROBS = 20

/**
 * A `LanguageModel` served by an OpenAI-compatible endpoint. `generate` uses chat completions (samples the
 * endpoint does not give for `n` are asked for one request each: see `Samples.ts`); `score` uses the
 * completions endpoint with `echo` and `logprobs` (see `score` in `OpenAiModelConfig`). Every attempt passes
 * the endpoint's process-wide limiter and has its own timeout; retryable failures are retried on a
 * `Schedule` that honours Retry-After. The SDK's own retries are off. Closing the scope aborts the requests
 * still in flight and fails later calls.
 *
 * `env` is where the API key is looked up, by the variable named in `apiKeyEnv`.
 */
export const makeOpenAiModel = (
  name: string,
  config: OpenAiModelConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: OpenAiModelOptions = {},
): Effect.Effect<LanguageModel, MissingApiKey, Scope.Scope> =>
  Effect.gen(function* () {
    const apiKey = yield* apiKeyFor(name, config, env)
    const timeoutMs = config.timeoutMs ?? OpenAiDefaults.timeoutMs
    const maxRetries = config.maxRetries ?? OpenAiDefaults.maxRetries
    const scoreMode = config.score ?? OpenAiDefaults.score

    const limiter = yield* forEndpoint(config.baseURL, {
      maxConcurrency: config.maxConcurrency ?? OpenAiDefaults.maxConcurrency,
      requestsPerMinute: config.requestsPerMinute,
      tokensPerMinute: config.tokensPerMinute,
    })
    const client = makeOpenAiClient({
      baseURL: config.baseURL,
      apiKey,
      timeoutMs,
      observer: limiter,
      ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
    })
    /**
     * Each request has its own AbortController, kept here while it is out so that closing the scope aborts it.
     * (Not `AbortSignal.any([request, closing])`: on Node 20 every such signal that the SDK listens on stays
     * reachable from the long-lived one until it aborts, about 2 kB a call for the life of the model.)
     */
    const inFlight = new Set<AbortController>()
    const closing = yield* Effect.acquireRelease(
      Effect.sync(() => new AbortController()),
      (controller) =>
        Effect.sync(() => {
          controller.abort()
          for (const request of inFlight) request.abort()
          inFlight.clear()
        }),
    )
    const closed = () =>
      new Unavailable({ model: name, message: `Model "${name}" is closed: its scope has ended.` })
    // A closed model is not retried: it will not come back.
    const retrying = {
      schedule: retryPolicy(maxRetries, options.backoff ?? defaultBackoff),
      while: () => !closing.signal.aborted,
    }
    /**
     * `effect` retried as configured. The schedule's driver (a Ref and its state, per call) is built only once an
     * attempt has failed, with that failure as its first input: most calls succeed at once.
     */
    const withRetries = <A>(effect: Effect.Effect<A, ModelError>): Effect.Effect<A, ModelError> =>
      Effect.catchAll(effect, (error) => {
        let failed: ModelError | undefined = error
        return Effect.retry(
          Effect.suspend(() => {
            if (failed === undefined) return effect
            const first = failed
            failed = undefined
            return Effect.fail(first)
          }),
          retrying,
        )
      })

    const context = (operation: CallContext["operation"]): CallContext => ({
      model: name,
      baseURL: config.baseURL,
      operation,
      timeoutMs,
      apiKey,
      apiKeyEnv: config.apiKeyEnv,
    })

    /**
     * `send` with its own AbortController, failing with `Timeout` after `timeoutMs` (aborting it), with
     * `closed()` once the scope has closed, and aborting it on interruption. The timeout is a plain timer like
     * the SDK's own, not `Effect.timeoutFail`, whose race forks two fibers per request.
     */
    const sendWithin = (
      operation: CallContext["operation"],
      send: (signal: AbortSignal) => PromiseLike<unknown>,
    ): Effect.Effect<unknown, ModelError> =>
      Effect.async<unknown, ModelError>((resume) => {
        const controller = new AbortController()
        let settled = false
        const settle = (): boolean => {
          if (settled) return false
          settled = true
          clearTimeout(timer)
          inFlight.delete(controller)
          return true
        }
        const timer = setTimeout(() => {
          if (settle()) {
            controller.abort()
            resume(Effect.fail(new Timeout({ model: name, afterMs: timeoutMs })))
          }
        }, timeoutMs)
        inFlight.add(controller)
        const failed = (error: unknown) => {
          if (settle())
            resume(Effect.fail(closing.signal.aborted ? closed() : toModelError(error, context(operation))))
        }
        try {
          send(controller.signal).then((body) => {
            if (settle()) resume(Effect.succeed(body))
          }, failed)
        } catch (error) {
          failed(error)
        }
        return Effect.sync(() => {
          if (settle()) controller.abort()
        })
      })

    /** One attempt of one request: admitted by the limiter, bounded by the timeout, its answer checked. */
    const attempt = <W, A extends { readonly usage: { promptTokens: number; completionTokens: number } }>(
      operation: CallContext["operation"],
      send: (signal: AbortSignal) => PromiseLike<unknown>,
      wire: Schema.Schema<W, W>,
      read: (wire: W) => Effect.Effect<A, ModelError>,
      estimatedTokens: number,
    ): Effect.Effect<A, ModelError> => {
      const request = Effect.suspend(() =>
        closing.signal.aborted ? Effect.fail(closed()) : sendWithin(operation, send),
      ).pipe(
        Effect.flatMap((body) =>
          Schema.decodeUnknown(wire)(body).pipe(
            Effect.mapError(
              (error) =>
                new BadResponse({
                  model: name,
                  message: `${config.baseURL} answered the ${operation} request with something that is not an OpenAI response: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
                }),
            ),
          ),
        ),
        Effect.flatMap(read),
      )
      return limiter.run(request, { estimate: estimatedTokens, actual: totalTokens })
    }

    /**
     * The usage the endpoint reported; where it reported none (llama.cpp, older Ollama), the texts counted with
     * the model family's tokenizer and the request reported to metering as estimated.
     */
    const usageOf = (
      usage: unknown,
      prompt: ReadonlyArray<string>,
      completions: ReadonlyArray<string>,
    ): Effect.Effect<TokenUsage> => {
      const wire = reportedUsage(usage)
      return wire === undefined
        ? Effect.zipLeft(estimateUsage(config.model, prompt, completions), reportEstimatedUsage)
        : Effect.succeed({ promptTokens: wire.prompt_tokens, completionTokens: wire.completion_tokens })
    }

    /**
     * Whether the endpoint returns the log-probabilities of generated tokens: not in score mode "none", and
     * not once it has answered `logprobs: true` without them.
     */
    const generationLogprobs: { supported: boolean; reason: string } = {
      supported: scoreMode !== "none",
      reason:
        `Log-probabilities are turned off for model "${name}" (score: "none" in its config): set score: chat ` +
        "(or completions on vLLM) to rank samples by their log-probabilities, or rank another way.",
    }
    const noGenerationLogprobs = () => {
      generationLogprobs.supported = false
      generationLogprobs.reason =
        `${name} cannot return the log-probabilities of generated tokens: ${config.baseURL}/chat/completions ` +
        "answered logprobs: true without them (Ollama before 0.12.11 does this). Upgrade the server, serve the " +
        "model with vLLM or llama.cpp, rank by prompt score on a server that echoes (score: completions, vLLM), " +
        "or use the sim model."
      return new ScoreUnsupported({ model: name, message: generationLogprobs.reason })
    }

    /**
     * Whether the endpoint honours `n` > 1. Learnt from its first answer with fewer choices than asked and
     * kept for the life of this model, so later calls ask for their samples one by one straight away.
     */
    const sampling = { honoursN: true }

    /** One chat request for `n` samples (at most; see `sampling`), retried as configured. */
    const chat = (request: GenerateRequest, n: number, seed: number | undefined) => {
      const messages =
        request.messages !== undefined && request.messages.length > 0
          ? request.messages.map((message) => ({ role: message.role, content: message.content }))
          : [{ role: "user" as const, content: request.prompt ?? "" }]
      const params: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
        model: config.model,
        messages,
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        ...(request.topP !== undefined && { top_p: request.topP }),
        ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
        ...(request.stop !== undefined && request.stop.length > 0 && { stop: [...request.stop] }),
        ...(n !== 1 && { n }),
        ...(seed !== undefined && { seed }),
        ...(request.logprobs === true && { logprobs: true }),
      }
      const estimate =
        estimateTokens(messages.map((message) => message.content).join("\n")) +
        n * (request.maxTokens ?? ASSUMED_COMPLETION_TOKENS)
      const read = (response: ChatCompletionWire): Effect.Effect<GenerateResponse, ModelError> => {
        // A single-sample request takes the first choice only; more than asked are never returned.
        const ordered = [...response.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).slice(0, n)
        const texts = ordered.map((choice) => choice.message.content ?? "")
        const found = ordered.map((choice, i) =>
          // An empty answer has no tokens, and some servers then send no logprobs at all.
          texts[i] === "" ? (choiceLogprobs(choice) ?? []) : choiceLogprobs(choice),
        )
        if (request.logprobs === true && found.some((tokens) => tokens === undefined))
          return Effect.fail(noGenerationLogprobs())
        if (request.logprobs === true) {
          const short = texts.findIndex((text, i) => !coversText(found[i] ?? [], text))
          if (short >= 0)
            return Effect.fail(
              new BadResponse({
                model: name,
                message:
                  `${config.baseURL}/chat/completions answered sample ${short + 1} (${texts[short]!.length} ` +
                  `characters) with log-probabilities for only ${found[short]!.length} token(s) spelling ` +
                  `${found[short]!.reduce((sum, token) => sum + token.token.length, 0)} characters: ranking by ` +
                  "them would score a fragment (an empty list scores as certain). Check the server version, or " +
                  "rank by prompt score (score: completions on vLLM) or with the sim model.",
              }),
            )
        }
        const usage = usageOf(
          response.usage,
          messages.map((message) => message.content),
          texts,
        )
        return Effect.map(usage, (usage) =>
          request.logprobs === true
            ? { texts, usage, logprobs: found.map((tokens) => (tokens ?? []).map((token) => token.logprob)) }
            : { texts, usage },
        )
      }
      return attempt(
        "generate",
        (signal) => client.chat.completions.create(params, { signal }),
        ChatCompletionWire,
        read,
        estimate,
      ).pipe(withRetries)
    }

    /**
     * Samples `from` to `n - 1` of `request`, one request each with its own seed (`sampleSeed`); the endpoint's
     * limiter bounds how many are in flight. Every request but a call's first is reported to metering as a call.
     */
    const separately = (request: GenerateRequest, from: number, n: number) =>
      Effect.forEach(
        Array.from({ length: n - from }, (_, k) => from + k),
        (index) =>
          (index === 0 ? Effect.void : reportExtraRequest).pipe(
            Effect.zipRight(chat(request, 1, sampleSeed(request.seed, index))),
          ),
        { concurrency: "unbounded" },
      )

    // The methods are `Effect.fnUntraced`, not `Effect.fn`: a named span and its call-site capture cost about
    // 13 µs a call (a tenth of this model's own CPU per call in models.openai.bench.ts), and no tracer is
    // installed to receive them; failures name the model and endpoint themselves.
    const generate = Effect.fnUntraced(function* (request: GenerateRequest) {
      if (request.logprobs === true && !generationLogprobs.supported)
        return yield* new ScoreUnsupported({ model: name, message: generationLogprobs.reason })
      const n = request.n ?? 1
      if (n > 1 && !sampling.honoursN) return joinSamples(yield* separately(request, 0, n))
      const first = yield* chat(request, n, request.seed)
      if (first.texts.length >= n) return first
      if (sampling.honoursN) {
        sampling.honoursN = false
        yield* Effect.logInfo(
          `${config.baseURL} answered ${first.texts.length} choice(s) where n=${n} were asked for: it does not honour n, so model "${name}" asks for its samples one request each from now on.`,
        ).pipe(Effect.annotateLogs({ model: name }))
      }
      return joinSamples([first, ...(yield* separately(request, first.texts.length, n))])
    })

    /** Whether this endpoint scores, as configured and as learnt from its answers. */
    const scoring: { supported: boolean; reason: string } = {
      supported: scoreMode === "completions" || scoreMode === "auto",
      reason:
        scoreMode === "chat"
          ? `${name} does not teacher-force (score: "chat" in its config: ${config.baseURL} is used through chat ` +
            "completions, which give the log-probabilities of generated tokens only). Methods that score a fixed " +
            "continuation need score: completions on a server that echoes prompt log-probabilities (vLLM), or the " +
            "sim model as scorer; samples can still be ranked by their generation log-probabilities."
          : `Scoring is turned off for model "${name}" (score: "none" in its config).`,
    }
    const unsupported = (reason: string) => {
      scoring.supported = false
      scoring.reason = reason
      return new ScoreUnsupported({ model: name, message: reason })
    }

    const scoreOnce = (request: ScoreRequest): Effect.Effect<ScoreResponse, ModelError> => {
      const text = request.prompt + request.continuation
      const read = (response: CompletionWire): Effect.Effect<ScoreResponse, ModelError> => {
        const logprobs = response.choices[0].logprobs
        if (logprobs === undefined || logprobs === null) {
          return Effect.fail(
            unsupported(
              `${name} cannot score: ${config.baseURL}/completions answered without logprobs. ` +
                `Set score: "chat" (or "none") for this model and choose methods that do not teacher-force.`,
            ),
          )
        }
        const found = continuationLogprobs(logprobs, request.prompt.length, text, response.choices[0].text)
        if (found._tag === "Missing") {
          return Effect.fail(
            unsupported(
              `${name} cannot score: ${config.baseURL}/completions ignored echo (${found.reason}). ` +
                `Set score: "chat" (or "none") for this model and choose methods that do not teacher-force.`,
            ),
          )
        }
        // The one generated token (max_tokens 1) is the completion; without usage it is counted as such.
        return Effect.map(usageOf(response.usage, [text], []), (usage) => ({
          tokens: found.tokens,
          logprobs: found.logprobs,
          usage: reportedUsage(response.usage) === undefined ? { ...usage, completionTokens: 1 } : usage,
        }))
      }
      return attempt(
        "score",
        (signal) =>
          client.completions.create(
            // max_tokens 1, not 0: some servers reject 0; the one generated token is dropped.
            { model: config.model, prompt: text, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 },
            { signal },
          ),
        CompletionWire,
        read,
        estimateTokens(text) + 1,
      ).pipe(
        withRetries,
        Effect.tapError((error) =>
          error._tag === "ScoreUnsupported" ? Effect.sync(() => unsupported(error.message)) : Effect.void,
        ),
      )
    }

    const score = Effect.fnUntraced(function* (request: ScoreRequest) {
      if (!scoring.supported) return yield* new ScoreUnsupported({ model: name, message: scoring.reason })
      if (request.continuation === "") {
        return {
          tokens: [],
          logprobs: [],
          usage: { promptTokens: 0, completionTokens: 0 },
        } satisfies ScoreResponse
      }
      return yield* scoreOnce(request)
    })

    /**
     * Labels scored by ONE chat request: the answer's first token with its `top_logprobs` (see
     * `labelsFromTopLogprobs`), at temperature 0 and one token long.
     */
    const labelsByTopLogprobs = (
      request: LabelScoreRequest,
    ): Effect.Effect<LabelScoreResponse, ModelError> => {
      const refuse = (reason: string) =>
        new ScoreUnsupported({
          model: name,
          message:
            `${name} cannot score the labels ${request.labels.map((label) => `"${label}"`).join(", ")} by chat ` +
            `top_logprobs at ${config.baseURL}: ${reason}. Use score: completions (vLLM) or sim as scorer.`,
        })
      const read = (response: ChatCompletionWire): Effect.Effect<LabelScoreResponse, ModelError> => {
        const choice = response.choices[0]
        const first = choiceLogprobs(choice)?.[0]
        if (first === undefined) return Effect.fail(refuse("its answer came without logprobs"))
        const matched = labelsFromTopLogprobs(request.labels, first.top_logprobs ?? [])
        if (matched._tag === "Refused") return Effect.fail(refuse(matched.reason))
        return Effect.map(
          usageOf(response.usage, [request.prompt], [choice.message.content ?? ""]),
          (usage): LabelScoreResponse => ({ logprobs: matched.logprobs, usage, method: "top-logprobs" }),
        )
      }
      return attempt(
        "generate",
        (signal) =>
          client.chat.completions.create(
            {
              model: config.model,
              messages: [{ role: "user", content: request.prompt }],
              max_tokens: 1,
              temperature: 0,
              logprobs: true,
              top_logprobs: LABEL_TOP_LOGPROBS,
            },
            { signal },
          ),
        ChatCompletionWire,
        read,
        estimateTokens(request.prompt) + 1,
      ).pipe(withRetries)
    }

    /**
     * In "auto": teacher-forcing while the endpoint echoes (each label a score request; all but the first
     * reported to metering as extra requests), else top_logprobs. In "chat": top_logprobs.
     */
    const scoreLabels = Effect.fnUntraced(function* (request: LabelScoreRequest) {
      if (!scoring.supported) return yield* labelsByTopLogprobs(request)
      let asked = 0
      return yield* teacherForceLabels(
        {
          score: (scoreRequest) =>
            (asked++ === 0 ? Effect.void : reportExtraRequest).pipe(Effect.zipRight(score(scoreRequest))),
        },
        request,
      )
    })

    if (scoreMode === "auto") {
      yield* scoreOnce({ prompt: "The", continuation: " end" }).pipe(
        Effect.catchAll((error) =>
          error._tag === "ScoreUnsupported"
            ? Effect.void
            : Effect.logWarning(`Could not probe whether ${name} scores; assuming it does`).pipe(
                Effect.annotateLogs({ model: name, error: error._tag }),
              ),
        ),
      )
    }

    // Getters: what the endpoint can do is learnt from its answers.
    const capabilities: Capabilities = {
      get score() {
        return scoreModeCapabilities(scoreMode, scoring.supported).score
      },
      get generationLogprobs() {
        return generationLogprobs.supported
      },
      get labelScores() {
        return scoreModeCapabilities(scoreMode, scoring.supported).labelScores
      },
    }
    return {
      name,
      capabilities,
      generate,
      score,
      ...(hasOwnLabelScores(scoreMode) && { scoreLabels }),
    } satisfies LanguageModel
  })
