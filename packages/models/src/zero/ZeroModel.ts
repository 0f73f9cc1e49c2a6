import { Effect } from "effect"
import type { GenerateResponse, LanguageModel, ScoreResponse } from "../LanguageModel.js"
import { flattenMessages } from "../sim/SimModel.js"
import { tokenize } from "../sim/Tokenizer.js"

export interface ZeroModelOptions {
  /** The name the scenario declared the model under. */
  readonly name: string
  /** What every sample of every generation is. Default "". */
  readonly answer?: string
}

/**
 * A model that does no work, for measuring what the framework itself costs (actors, filters, metering, the
 * store) with the model's cost taken out: `generate` returns the fixed `answer` for each of `n` samples at
 * once (whatever the prompt, `maxTokens` or `stop`), with log-probability 0 for each of its tokens when asked;
 * `score` gives every continuation token log-probability 0. It never fails, calls nothing and costs nothing.
 * Token counts are the sim model's (its tokenizer: about 13 µs for a 2,000-character prompt), so metering,
 * budgets and progress count what a sim model of the same prompts would.
 */
export const makeZeroModel = (options: ZeroModelOptions): LanguageModel => {
  const answer = options.answer ?? ""
  const answerTokens = tokenize(answer).length
  const zeros = Array.from({ length: answerTokens }, () => 0)
  return {
    name: options.name,
    capabilities: { score: true, generationLogprobs: true, labelScores: true },
    generate: (request) =>
      Effect.sync((): GenerateResponse => {
        const prompt = request.prompt ?? flattenMessages(request.messages ?? [])
        const n = Math.max(1, Math.floor(request.n ?? 1))
        const texts = Array.from({ length: n }, () => answer)
        const usage = { promptTokens: tokenize(prompt).length, completionTokens: n * answerTokens }
        return request.logprobs === true
          ? { texts, usage, logprobs: Array.from({ length: n }, () => zeros) }
          : { texts, usage }
      }),
    score: (request) =>
      Effect.sync((): ScoreResponse => {
        const tokens = tokenize(request.continuation)
        return {
          tokens,
          logprobs: tokens.map(() => 0),
          usage: { promptTokens: tokenize(request.prompt).length + tokens.length, completionTokens: 0 },
        }
      }),
  }
}
