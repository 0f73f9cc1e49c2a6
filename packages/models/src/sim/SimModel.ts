import { deriveSeed, makeRng } from "@lyceum/core"
import { Effect } from "effect"
import type { ChatMessage, GenerateResponse, LanguageModel, ScoreResponse } from "../LanguageModel.js"
import { ContextTooLong } from "../ModelError.js"
import { backgroundFor } from "./Background.js"
import { defaultPrefixCacheLimits, PrefixCache, type PrefixCacheLimits } from "./PrefixCache.js"
import type { SimPredictor } from "./SimPredictor.js"
import { joinStateAfter, joinToken, tokenize } from "./Tokenizer.js"

export interface SimModelOptions {
  /** The name the scenario declared the model under. */
  readonly name: string
  /** Mixed into every sampling seed, so differently seeded sim models sample differently. */
  readonly seed: number
  /** Background training text; defaults to the built-in everyday-English corpus. */
  readonly corpus?: string
  /** Longest prompt in tokens; longer prompts fail with `ContextTooLong`. Default 32,768. */
  readonly contextWindow?: number
  /**
   * How many prompt indexes are kept for calls sharing a prompt prefix (see `PrefixCache`); outputs are the
   * same either way. Default `defaultPrefixCacheLimits`; `{ entries: 0, tokens: 0 }` indexes every prompt anew.
   */
  readonly prefixCache?: PrefixCacheLimits
}

const defaultMaxTokens = 128
const defaultContextWindow = 32_768

/**
 * Chat messages as one completion prompt: their contents joined by blank lines, without role labels, because
 * the sim model is a completion model (a user message ending in `Class:` is continued as such).
 */
export const flattenMessages = (messages: ReadonlyArray<ChatMessage>): string =>
  messages.map((message) => message.content).join("\n\n")

/**
 * The built-in simulation language model: a Kneser–Ney trigram background over a small everyday-English
 * corpus, mixed with an in-context (cache / kNN-LM) component over the prompt (see `SimPredictor`). It is
 * deterministic: the same model seed, request seed, prompt and sample index give the same text. It never fails
 * except with `ContextTooLong`. It has no end-of-text token, so generations end at a stop string or `maxTokens`
 * (default 128). `score` counts prompt and continuation as prompt tokens; the continuation is tokenized on its
 * own, so the prompt/continuation boundary is a token boundary.
 */
export const makeSimModel = (options: SimModelOptions): LanguageModel => {
  const background = backgroundFor(options.corpus)
  const contextWindow = options.contextWindow ?? defaultContextWindow

  const prefixes = new PrefixCache(background, options.prefixCache ?? defaultPrefixCacheLimits)

  /**
   * Runs `use` on an index of `prompt` taken from the prefix cache, and gives it back after. All in one
   * synchronous step, so no other call can see the index while `use` extends it.
   */
  const withPrompt = <A>(
    prompt: string,
    use: (tokens: ReadonlyArray<string>, predictor: SimPredictor) => A,
  ): Effect.Effect<A, ContextTooLong> =>
    Effect.suspend(() => {
      const tokens = tokenize(prompt)
      if (tokens.length > contextWindow) {
        return Effect.fail(
          new ContextTooLong({
            model: options.name,
            message: `prompt has ${tokens.length} tokens, the context window is ${contextWindow}`,
          }),
        )
      }
      const predictor = prefixes.take(tokens)
      const result = use(tokens, predictor)
      prefixes.release(tokens, predictor)
      return Effect.succeed(result)
    })

  return {
    name: options.name,
    capabilities: { score: true, generationLogprobs: true, labelScores: true },
    generate: (request) => {
      const prompt = request.prompt ?? flattenMessages(request.messages ?? [])
      return withPrompt(prompt, (tokens, predictor): GenerateResponse => {
        const n = Math.max(1, Math.floor(request.n ?? 1))
        const maxTokens = Math.max(0, Math.floor(request.maxTokens ?? defaultMaxTokens))
        const temperature = request.temperature ?? 1
        const topP = request.topP ?? 1
        const stops = (request.stop ?? []).filter((stop) => stop.length > 0)
        const start = joinStateAfter(prompt, tokens)
        const texts: Array<string> = []
        const logprobs: Array<ReadonlyArray<number>> = []
        let completionTokens = 0
        for (let sample = 0; sample < n; sample++) {
          const rng = makeRng(deriveSeed(options.seed, "generate", request.seed ?? 0, prompt, sample))
          let state = start
          let text = ""
          let generated = 0
          // With logprobs asked: each token's untempered log-probability and where its text ends.
          const values: Array<number> = []
          const ends: Array<number> = []
          while (generated < maxTokens) {
            const token = predictor.sample(rng, temperature, topP)
            // Read-only on the predictor and the rng, so asking for logprobs leaves the samples unchanged.
            if (request.logprobs === true) values.push(predictor.logProbability(token))
            predictor.push(token)
            generated++
            const joined = joinToken(state, token)
            state = joined.state
            const before = text.length
            text += joined.text
            ends.push(text.length)
            const cut = firstStop(text, before, stops)
            if (cut >= 0) {
              text = text.slice(0, cut)
              break
            }
          }
          for (let i = 0; i < generated; i++) predictor.pop()
          completionTokens += generated
          texts.push(text)
          // The token in which a stop string begins, and any after it, are not part of the text.
          if (request.logprobs === true) logprobs.push(values.filter((_, i) => ends[i]! <= text.length))
        }
        const usage = { promptTokens: tokens.length, completionTokens }
        return request.logprobs === true ? { texts, usage, logprobs } : { texts, usage }
      })
    },
    score: (request) =>
      withPrompt(request.prompt, (tokens, predictor): ScoreResponse => {
        const continuation = tokenize(request.continuation)
        const logprobs = continuation.map((token) => {
          const logprob = predictor.logProbability(token)
          predictor.push(token)
          return logprob
        })
        return {
          tokens: continuation,
          logprobs,
          usage: { promptTokens: tokens.length + continuation.length, completionTokens: 0 },
        }
      }),
  }
}

/** Where the earliest stop string starts in `text`, looking only at matches that end after `from`; else -1. */
const firstStop = (text: string, from: number, stops: ReadonlyArray<string>): number => {
  let cut = -1
  for (const stop of stops) {
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1))
    if (at >= 0 && (cut < 0 || at < cut)) cut = at
  }
  return cut
}
