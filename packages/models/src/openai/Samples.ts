import { deriveSeed } from "@lyceum/core"
import type { GenerateResponse } from "../LanguageModel.js"

/**
 * Samples asked for one request each, for endpoints that do not honour `n` > 1 (Ollama; llama.cpp with fewer
 * `--parallel` slots than samples): they answer fewer choices than asked, so the missing ones are sent as
 * separate requests. Each sample gets its own seed so that the samples differ, and a fixed one so that a
 * seeded request gives the same samples every time.
 */

/**
 * The seed of sample `index` of a request seeded with `seed`. Sample 0 keeps the request's own seed: it is the
 * one choice an endpoint that ignores `n` answers to the first `n` request, so a model that has learnt to ask
 * one by one gets that same sample back. Unseeded requests stay unseeded.
 */
export const sampleSeed = (seed: number | undefined, index: number): number | undefined =>
  seed === undefined || index === 0 ? seed : deriveSeed(seed, "sample", index)

/**
 * One response holding the samples of `parts` in order, with their token usage added up and, where the parts
 * carry generation log-probs (all do when they were asked for), those too, sample by sample.
 */
export const joinSamples = (parts: ReadonlyArray<GenerateResponse>): GenerateResponse => {
  const texts = parts.flatMap((part) => part.texts)
  const usage = {
    promptTokens: parts.reduce((sum, part) => sum + part.usage.promptTokens, 0),
    completionTokens: parts.reduce((sum, part) => sum + part.usage.completionTokens, 0),
  }
  if (!parts.some((part) => part.logprobs !== undefined)) return { texts, usage }
  // A part without them would misalign samples and log-probs: each part answers for its own texts.
  const logprobs = parts.flatMap((part) => part.texts.map((_, i) => part.logprobs?.[i] ?? []))
  return { texts, usage, logprobs }
}
