import { Schema } from "effect"

/**
 * The parts of the OpenAI responses we read, checked rather than trusted: OpenAI-compatible servers differ,
 * and a missing field must be a `BadResponse`, not a crash deep inside an agent.
 */
const WireUsage = Schema.Struct({
  prompt_tokens: Schema.Number,
  completion_tokens: Schema.Number,
}).annotations({ identifier: "Usage" })

/**
 * `usage` is optional: llama.cpp's server and older Ollama omit it from some answers; the model then counts
 * the tokens itself with a tokenizer of the model's family (`TokenEstimate.ts`) and marks the call estimated.
 */
const OptionalUsage = Schema.optional(Schema.NullOr(WireUsage))

const WireTopLogprob = Schema.Struct({ token: Schema.String, logprob: Schema.Number }).annotations({
  identifier: "TopLogprob",
})

/** One generated token of a chat answer with `logprobs: true`, and its `top_logprobs` alternatives if asked. */
const WireTokenLogprob = Schema.Struct({
  token: Schema.String,
  logprob: Schema.Number,
  top_logprobs: Schema.optional(Schema.NullOr(Schema.Array(WireTopLogprob))),
}).annotations({ identifier: "TokenLogprob" })
export type WireTokenLogprob = typeof WireTokenLogprob.Type

export const ChatCompletionWire = Schema.Struct({
  choices: Schema.NonEmptyArray(
    Schema.Struct({
      index: Schema.optional(Schema.Number),
      message: Schema.Struct({ content: Schema.NullOr(Schema.String) }),
      logprobs: Schema.optional(
        Schema.NullOr(Schema.Struct({ content: Schema.NullOr(Schema.Array(WireTokenLogprob)) })),
      ),
    }).annotations({ identifier: "ChatChoice" }),
  ),
  usage: OptionalUsage,
}).annotations({ identifier: "ChatCompletion" })
export type ChatCompletionWire = typeof ChatCompletionWire.Type
export type ChatChoiceWire = ChatCompletionWire["choices"][number]

/** A chat choice's generated-token log-probabilities, or undefined when the server sent none. */
export const choiceLogprobs = (choice: ChatChoiceWire): ReadonlyArray<WireTokenLogprob> | undefined =>
  choice.logprobs?.content ?? undefined

const WireLogprobs = Schema.Struct({
  tokens: Schema.Array(Schema.String),
  token_logprobs: Schema.Array(Schema.NullOr(Schema.Number)),
  text_offset: Schema.Array(Schema.Number),
}).annotations({ identifier: "Logprobs" })

export const CompletionWire = Schema.Struct({
  choices: Schema.NonEmptyArray(
    Schema.Struct({
      text: Schema.String,
      logprobs: Schema.optional(Schema.NullOr(WireLogprobs)),
    }).annotations({ identifier: "CompletionChoice" }),
  ),
  usage: OptionalUsage,
}).annotations({ identifier: "Completion" })
export type CompletionWire = typeof CompletionWire.Type
export type WireLogprobs = typeof WireLogprobs.Type

/** The continuation's tokens and their log-probabilities, or why they could not be found. */
export type ContinuationLogprobs =
  | {
      readonly _tag: "Found"
      readonly tokens: ReadonlyArray<string>
      readonly logprobs: ReadonlyArray<number>
    }
  | { readonly _tag: "Missing"; readonly reason: string }

/**
 * Picks out of an echoed prompt+continuation the tokens that cover the continuation. `text_offset` gives
 * each token's start in the echoed text; a token straddling the prompt/continuation boundary belongs to the
 * continuation (its probability is conditioned on the prompt up to its start). Tokens the endpoint generated
 * past the end are dropped. A token with no log-probability (only ever the very first of a text) is skipped.
 */
export const continuationLogprobs = (
  logprobs: WireLogprobs,
  promptLength: number,
  totalLength: number,
): ContinuationLogprobs => {
  const { tokens, token_logprobs, text_offset } = logprobs
  if (tokens.length !== token_logprobs.length || tokens.length !== text_offset.length) {
    return { _tag: "Missing", reason: "tokens, token_logprobs and text_offset differ in length" }
  }
  const picked: Array<string> = []
  const values: Array<number> = []
  for (let i = 0; i < tokens.length; i++) {
    const start = text_offset[i]!
    const token = tokens[i]!
    const end = i + 1 < tokens.length ? text_offset[i + 1]! : start + token.length
    if (start >= totalLength || end <= promptLength) continue
    const value = token_logprobs[i]
    if (value === null || value === undefined) continue
    picked.push(token)
    values.push(value)
  }
  if (picked.length === 0 && totalLength > promptLength) {
    return { _tag: "Missing", reason: "the endpoint did not echo the prompt with log-probabilities" }
  }
  return { _tag: "Found", tokens: picked, logprobs: values }
}
