import { Effect, Either, Schema } from "effect"
import OpenAI from "openai"
import type { DeclaredOpenAiModelConfig, OpenAiModelConfig } from "../ModelConfig.js"
import { OpenAiDefaults } from "../ModelConfig.js"
import { type MissingBaseURL, resolveOpenAiConfig } from "../ModelRegistry.js"
import { apiKeyFor, type MissingApiKey, makeOpenAiClient } from "./OpenAiClient.js"
import { toModelError } from "./OpenAiErrors.js"
import { CompletionWire, continuationLogprobs, isLogprob } from "./OpenAiWire.js"

/**
 * What an OpenAI-compatible endpoint really does, found by asking it (issue 13's table differs per server and
 * servers fail silently: llama.cpp ignores `echo` and answers anyway). Every finding keeps its evidence.
 */

/** Whether a route answered at all; `detail` is the answer's status or error. */
export const RouteFinding = Schema.Struct({ answers: Schema.Boolean, detail: Schema.String })
export type RouteFinding = typeof RouteFinding.Type

/**
 * Echo-scoring by the known-answer check. "real": the predictable continuation scored clearly above the
 * scrambled one; "ignored": the server answered but its log-probabilities do not cover the prompt or do not
 * tell the two apart (scoring with it would measure noise); "unavailable": no answer with logprobs at all.
 */
export const EchoFinding = Schema.Struct({
  verdict: Schema.Literal("real", "ignored", "unavailable"),
  /** Mean log-probability per token of the predictable continuation, when the server gave one. */
  predictableMean: Schema.optionalWith(Schema.Number, { exact: true }),
  scrambledMean: Schema.optionalWith(Schema.Number, { exact: true }),
  detail: Schema.String,
  /**
   * The echo requests failed in a way that says nothing about echo (no answer, a timeout, 408, 429, 5xx): the
   * verdict is not evidence, and a run keeps the declared mode rather than changing how it scores.
   */
  inconclusive: Schema.optionalWith(Schema.Boolean, { exact: true }),
})
export type EchoFinding = typeof EchoFinding.Type

export const ChatLogprobsFinding = Schema.Struct({
  verdict: Schema.Literal("yes", "no", "unknown"),
  /** Generated tokens that came with a log-probability, and the most `top_logprobs` alternatives of one. */
  tokens: Schema.Number,
  topLogprobs: Schema.Number,
  detail: Schema.String,
})
export type ChatLogprobsFinding = typeof ChatLogprobsFinding.Type

export const NFinding = Schema.Struct({
  verdict: Schema.Literal("honoured", "ignored", "unknown"),
  asked: Schema.Number,
  choices: Schema.Number,
  detail: Schema.String,
})
export type NFinding = typeof NFinding.Type

export const SeedFinding = Schema.Struct({
  verdict: Schema.Literal("honoured", "ignored", "unknown"),
  /** The same seed twice at temperature 1 gave the same text. */
  sameSeedSame: Schema.Boolean,
  /** Another seed gave another text (it may not: informative only). */
  otherSeedDiffers: Schema.Boolean,
  detail: Schema.String,
})
export type SeedFinding = typeof SeedFinding.Type

export const ModelCapabilities = Schema.Struct({
  model: Schema.String,
  baseURL: Schema.String,
  routes: Schema.Struct({ completions: RouteFinding, chat: RouteFinding }),
  echo: EchoFinding,
  chatLogprobs: ChatLogprobsFinding,
  n: NFinding,
  seed: SeedFinding,
}).annotations({ identifier: "ModelCapabilities" })
export type ModelCapabilities = typeof ModelCapabilities.Type

/** The known-answer pair: a continuation any language model predicts, and the same tokens scrambled. */
export const KNOWN_PROMPT = "one two three four five six"
export const PREDICTABLE = " seven eight nine ten"
export const SCRAMBLED = " nine seven ten eight"
/**
 * How much higher (nats per token) the predictable continuation must score for echo to count as real. Real
 * models put it several nats apart; an endpoint scoring something other than the prompt puts it near 0.
 */
export const ECHO_MARGIN = 1

export interface ProbeOptions {
  /** Per-request timeout; default the model's `timeoutMs`. */
  readonly timeoutMs?: number
}

const ChatLogprobsWire = Schema.Struct({
  choices: Schema.Array(
    Schema.Struct({
      message: Schema.Struct({ content: Schema.NullOr(Schema.String) }),
      logprobs: Schema.optional(
        Schema.NullOr(
          Schema.Struct({
            content: Schema.NullOr(
              Schema.Array(
                Schema.Struct({
                  logprob: Schema.Number,
                  top_logprobs: Schema.optional(
                    Schema.NullOr(Schema.Array(Schema.Struct({ logprob: Schema.Unknown }))),
                  ),
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  ),
})
type ChatLogprobsWire = typeof ChatLogprobsWire.Type

/** A failed request, said the way the model's own errors say it (keys redacted), and whether a route is absent. */
interface Failure {
  readonly message: string
  readonly routeAbsent: boolean
  readonly noAnswer: boolean
  /** No answer, or one that says try again (408, 429, 5xx): nothing learnt about the capability. */
  readonly transient: boolean
}

const mean = (values: ReadonlyArray<number>) => values.reduce((sum, v) => sum + v, 0) / values.length

const round = (value: number) => Math.round(value * 1000) / 1000

/**
 * Probes the resolved `openai` model `name` once: ~8 small requests (2 completions, 6 chat, a handful of tokens
 * each). Never fails on what the endpoint does: an endpoint that does not answer gives findings saying so.
 */
export const probeOpenAiModel = (
  name: string,
  config: OpenAiModelConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: ProbeOptions = {},
): Effect.Effect<ModelCapabilities, MissingApiKey> =>
  Effect.gen(function* () {
    const apiKey = yield* apiKeyFor(name, config, env)
    const timeoutMs = options.timeoutMs ?? config.timeoutMs ?? OpenAiDefaults.timeoutMs
    const client = makeOpenAiClient({ baseURL: config.baseURL, apiKey, timeoutMs })

    const send = <A>(operation: "generate" | "score", call: (signal: AbortSignal) => PromiseLike<A>) =>
      Effect.either(
        Effect.tryPromise({
          try: call,
          catch: (error): Failure => {
            const modelError = toModelError(error, {
              model: name,
              baseURL: config.baseURL,
              operation,
              timeoutMs,
              apiKey,
              apiKeyEnv: config.apiKeyEnv,
            })
            const status = error instanceof OpenAI.APIError ? error.status : undefined
            return {
              message: modelError.message,
              routeAbsent: status === 404 || status === 405 || status === 501,
              noAnswer: status === undefined,
              transient: status === undefined || status === 408 || status === 429 || status >= 500,
            }
          },
        }),
      )

    // Completions with echo: the predictable and the scrambled continuation, one after the other.
    const echoScore = (continuation: string) =>
      send("score", (signal) =>
        client.completions.create(
          {
            model: config.model,
            prompt: KNOWN_PROMPT + continuation,
            echo: true,
            logprobs: 1,
            max_tokens: 1,
            temperature: 0,
          },
          { signal },
        ),
      ).pipe(
        Effect.map(
          Either.map((body) => {
            const decoded = Schema.decodeUnknownEither(CompletionWire)(body)
            if (Either.isLeft(decoded))
              return { _tag: "Missing" as const, reason: "not a completions answer" }
            const logprobs = decoded.right.choices[0].logprobs
            if (logprobs === undefined || logprobs === null)
              return { _tag: "Missing" as const, reason: "answered without logprobs" }
            const text = KNOWN_PROMPT + continuation
            return continuationLogprobs(logprobs, KNOWN_PROMPT.length, text, decoded.right.choices[0].text)
          }),
        ),
      )

    const predictable = yield* echoScore(PREDICTABLE)
    let completions: RouteFinding
    let echo: EchoFinding
    if (Either.isLeft(predictable)) {
      const failure = predictable.left
      completions = { answers: !failure.routeAbsent && !failure.noAnswer, detail: failure.message }
      echo = {
        verdict: "unavailable",
        detail: failure.message,
        ...(failure.transient && { inconclusive: true }),
      }
    } else {
      completions = { answers: true, detail: "200" }
      const scrambled = yield* echoScore(SCRAMBLED)
      echo = echoVerdict(
        predictable.right,
        Either.isLeft(scrambled) ? scrambled.left.message : scrambled.right,
      )
      if (Either.isLeft(scrambled) && scrambled.left.transient) echo = { ...echo, inconclusive: true }
    }

    const chatRequest = (params: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>) =>
      send("generate", (signal) =>
        client.chat.completions.create(
          {
            model: config.model,
            messages: [{ role: "user", content: "Write one short sentence about the sea." }],
            max_tokens: 12,
            temperature: 1,
            ...params,
          },
          { signal },
        ),
      ).pipe(
        Effect.map(
          Either.flatMap((body) =>
            Either.mapLeft(
              Schema.decodeUnknownEither(ChatLogprobsWire)(body),
              (): Failure => ({
                message: `${config.baseURL}/chat/completions answered something that is not a chat completion`,
                routeAbsent: false,
                noAnswer: false,
                transient: false,
              }),
            ),
          ),
        ),
      )

    const withLogprobs = yield* chatRequest({ logprobs: true, top_logprobs: 2 })
    if (Either.isLeft(withLogprobs)) {
      const failure = withLogprobs.left
      const chat = { answers: !failure.routeAbsent && !failure.noAnswer, detail: failure.message }
      const unknown = `chat did not answer: ${failure.message}`
      return {
        model: config.model,
        baseURL: config.baseURL,
        routes: { completions, chat },
        echo,
        chatLogprobs: { verdict: "unknown", tokens: 0, topLogprobs: 0, detail: unknown },
        n: { verdict: "unknown", asked: 2, choices: 0, detail: unknown },
        seed: { verdict: "unknown", sameSeedSame: false, otherSeedDiffers: false, detail: unknown },
      } satisfies ModelCapabilities
    }
    const chatLogprobs = chatLogprobsVerdict(withLogprobs.right)

    const twice = yield* chatRequest({ n: 2 })
    const n: NFinding = Either.isLeft(twice)
      ? { verdict: "unknown", asked: 2, choices: 0, detail: twice.left.message }
      : {
          verdict: twice.right.choices.length >= 2 ? "honoured" : "ignored",
          asked: 2,
          choices: twice.right.choices.length,
          detail: `n=2 asked, ${twice.right.choices.length} choice(s) returned`,
        }

    const textOf = (seed: number) =>
      Effect.map(
        chatRequest({ seed }),
        Either.map((body) => body.choices[0]?.message.content ?? ""),
      )
    const [first, again, other] = yield* Effect.all([textOf(1234), textOf(1234), textOf(98765)])
    const seed: SeedFinding =
      Either.isLeft(first) || Either.isLeft(again) || Either.isLeft(other)
        ? {
            verdict: "unknown",
            sameSeedSame: false,
            otherSeedDiffers: false,
            detail: [first, again, other].flatMap((e) => (Either.isLeft(e) ? [e.left.message] : []))[0] ?? "",
          }
        : {
            verdict: first.right === again.right ? "honoured" : "ignored",
            sameSeedSame: first.right === again.right,
            otherSeedDiffers: first.right !== other.right,
            detail:
              first.right === again.right
                ? `seed 1234 twice at temperature 1 gave the same text${first.right === other.right ? " (seed 98765 too: the seed may not matter for this prompt)" : ""}`
                : "seed 1234 twice at temperature 1 gave different texts",
          }

    return {
      model: config.model,
      baseURL: config.baseURL,
      routes: { completions, chat: { answers: true, detail: "200" } },
      echo,
      chatLogprobs,
      n,
      seed,
    } satisfies ModelCapabilities
  })

type Scored = ReturnType<typeof continuationLogprobs> | { readonly _tag: "Missing"; readonly reason: string }

/** The known-answer check: echo is real only if the predictable continuation scores clearly higher. */
const echoVerdict = (predictable: Scored, scrambled: Scored | string): EchoFinding => {
  if (predictable._tag === "Missing") {
    return predictable.reason === "answered without logprobs" ||
      predictable.reason === "not a completions answer"
      ? { verdict: "unavailable", detail: `/completions ${predictable.reason}` }
      : { verdict: "ignored", detail: `/completions answered, but ${predictable.reason}` }
  }
  if (typeof scrambled === "string") return { verdict: "unavailable", detail: scrambled }
  if (scrambled._tag === "Missing") return { verdict: "ignored", detail: `/completions: ${scrambled.reason}` }
  if (predictable.logprobs.length === 0 || scrambled.logprobs.length === 0)
    return { verdict: "ignored", detail: "/completions returned no log-probabilities for the continuation" }
  const predictableMean = round(mean(predictable.logprobs))
  const scrambledMean = round(mean(scrambled.logprobs))
  const real = predictableMean - scrambledMean >= ECHO_MARGIN
  return {
    verdict: real ? "real" : "ignored",
    predictableMean,
    scrambledMean,
    detail: real
      ? `mean log-prob ${predictableMean} for "${PREDICTABLE.trim()}" vs ${scrambledMean} scrambled`
      : `mean log-prob ${predictableMean} for "${PREDICTABLE.trim()}" vs ${scrambledMean} scrambled: less than ` +
        `${ECHO_MARGIN} apart, so these are not the prompt's log-probabilities (echo-scoring would measure noise)`,
  }
}

const chatLogprobsVerdict = (body: ChatLogprobsWire): ChatLogprobsFinding => {
  const content = body.choices[0]?.logprobs?.content ?? []
  const topLogprobs = Math.max(0, ...content.map((token) => token.top_logprobs?.length ?? 0))
  // Values a run would refuse (±Infinity, positive, not numbers) are no log-probabilities: say so before it spends.
  const invalid = content.some(
    (token) =>
      !isLogprob(token.logprob) ||
      (token.top_logprobs ?? []).some((top) => typeof top.logprob !== "number" || !isLogprob(top.logprob)),
  )
  if (invalid)
    return {
      verdict: "no",
      tokens: content.length,
      topLogprobs,
      detail: "chat answered logprobs that are not log-probabilities (not finite, or above 0)",
    }
  return content.length > 0
    ? {
        verdict: "yes",
        tokens: content.length,
        topLogprobs,
        detail: `${content.length} generated token(s) with log-probabilities, up to ${topLogprobs} top_logprobs`,
      }
    : { verdict: "no", tokens: 0, topLogprobs: 0, detail: "chat answered logprobs: true without logprobs" }
}

/**
 * `probeOpenAiModel` for a model as the scenario declares it, its defaults settled as the registry settles
 * them (`resolveOpenAiConfig`: presets, OPENAI_BASE_URL, OPENAI_API_KEY).
 */
export const probeDeclaredModel = (
  name: string,
  config: DeclaredOpenAiModelConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: ProbeOptions = {},
): Effect.Effect<ModelCapabilities, MissingApiKey | MissingBaseURL> =>
  Effect.flatMap(resolveOpenAiConfig(name, config, env), (resolved) =>
    probeOpenAiModel(name, resolved, env, options),
  )
