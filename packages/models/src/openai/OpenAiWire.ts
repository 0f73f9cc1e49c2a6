import { Schema } from "effect"

/**
 * The parts of the OpenAI responses we read, checked rather than trusted: OpenAI-compatible servers differ,
 * and a missing field must be a `BadResponse`, not a crash deep inside an agent.
 */
/**
 * `usage` is read, not trusted: llama.cpp's server and older Ollama omit it from some answers, and a broken
 * server may send it incomplete, negative or fractional. Anything but two whole non-negative counts is taken as
 * not reported (`reportedUsage`): the model then counts the tokens itself with a tokenizer of the model's
 * family (`TokenEstimate.ts`) and marks the call estimated, rather than failing the call or corrupting budgets.
 */
const OptionalUsage = Schema.optional(Schema.Unknown)

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0

/** The token counts an answer's `usage` reports, or undefined when it reports none that can be trusted. */
export const reportedUsage = (
  usage: unknown,
): { readonly prompt_tokens: number; readonly completion_tokens: number } | undefined => {
  if (typeof usage !== "object" || usage === null) return undefined
  const { prompt_tokens, completion_tokens } = usage as Record<string, unknown>
  return isCount(prompt_tokens) && isCount(completion_tokens)
    ? { prompt_tokens, completion_tokens }
    : undefined
}

/**
 * A natural log-probability: finite and not above 0. JSON numbers beyond double range parse as ±Infinity
 * (`-1e400`), and a positive value is no probability at all; either would rank or score silently wrong, so the
 * answer is refused as a BadResponse naming the field. Servers computing in float32 may round a certain
 * token's 0 up by a hair, which is tolerated.
 */
export const isLogprob = (value: number): boolean => Number.isFinite(value) && value <= 1e-3

const WireLogprob = Schema.Number.pipe(
  Schema.filter((value) => isLogprob(value) || "a finite log-probability <= 0"),
)

const WireTopLogprob = Schema.Struct({ token: Schema.String, logprob: WireLogprob }).annotations({
  identifier: "TopLogprob",
})

/** One generated token of a chat answer with `logprobs: true`, and its `top_logprobs` alternatives if asked. */
const WireTokenLogprob = Schema.Struct({
  token: Schema.String,
  logprob: WireLogprob,
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
  token_logprobs: Schema.Array(Schema.NullOr(WireLogprob)),
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
 *
 * `returned` is the answer's text: with echo it starts with the whole `text` sent. Checked on every call, not
 * only by the probe: a server that stops echoing (llama.cpp's ignored echo, a prompt cut to fit its context)
 * would otherwise have its generated tokens' log-probabilities read as the continuation's.
 */
export const continuationLogprobs = (
  logprobs: WireLogprobs,
  promptLength: number,
  text: string,
  returned: string,
): ContinuationLogprobs => {
  const totalLength = text.length
  if (!returned.startsWith(text)) {
    return {
      _tag: "Missing",
      reason: `the endpoint did not echo the prompt (its answer's ${returned.length} characters do not begin with the ${text.length} sent)`,
    }
  }
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
