import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { flattenMessages, type GenerateResponse, type ModelError, makeSimModel } from "@lyceum/models"
import { Effect, Either, type Scope } from "effect"
// The sim's training text, so the server's model can be the sim plus what every real model knows (see below).
import { builtinCorpus } from "../../packages/models/src/sim/Corpus.js"
import {
  apiError,
  type Endpoint,
  endpointOf,
  type FakeServer,
  listenOnFreePort,
  type RecordedRequest,
  readBody,
  sendJson,
  sendNotFound,
} from "../../packages/models/test/support/FakeOpenAi.js"

/**
 * A local OpenAI-wire server (real HTTP on a free port) whose answers come from a real language model, the sim
 * model, shaped and limited as one real server (issue 13's table; `FakeServer` documents each):
 * - vllm: /v1/completions with `echo` returns the prompt's log-probabilities (first token null) then the generated
 *   tokens'; chat logprobs; `n`; `seed`.
 * - ollama: /v1/completions ignores `echo` and returns no logprobs; one choice whatever `n` asks; chat logprobs.
 * - llamacpp: /v1/completions ignores `echo` and returns the generated tokens' logprobs only (so echo-scoring with
 *   it measures noise, ggml-org/llama.cpp#27174); at most `slots` choices; chat logprobs.
 * - openai: no /v1/completions (404); chat with logprobs, `n`, `seed`.
 * Every mode honours `seed` (none given: a fresh one per request, as sampling servers do), `temperature`, `top_p`,
 * `max_tokens` and `stop`. A chat request is the sim's completion of its messages joined as the sim joins them
 * (`flattenMessages`; the product sends one user message). Unlike FakeOpenAi's canned answers, a lesson the
 * server writes is the sim's continuation of the teacher's prompt, so a run against it learns as on `provider: sim`.
 */

export interface SimOpenAiOptions {
  readonly server: FakeServer
  /** The sim model's seed. Default 1. */
  readonly seed?: number
  /** llama.cpp's `--parallel` slots: the most choices one answer holds. Default 2. */
  readonly slots?: number
}

export interface SimOpenAi {
  /** E.g. `http://127.0.0.1:41234/v1`. */
  readonly baseURL: string
  readonly requests: () => ReadonlyArray<RecordedRequest>
  readonly count: (endpoint: Endpoint) => number
}

/**
 * Counting, which every real model continues with near certainty and the sim's everyday-English corpus lacks: the
 * capability probe's known-answer check (" seven eight nine ten" after "one two three four five six" must beat
 * the scrambled tokens) needs a model that knows it to tell echo-scoring that works from echo that is ignored.
 */
const counting = Array.from({ length: 8 }, () => "one two three four five six seven eight nine ten").join(
  "\n",
)

/** Most prompt tokens offered as chat `top_logprobs` alternatives (scoring each costs a pass over the prompt). */
const maxAlternatives = 48

/** A text cut at its tokens: each piece carries the whitespace before its token, so the pieces join to `text`. */
const pieces = (
  text: string,
  tokens: ReadonlyArray<string>,
): ReadonlyArray<{ token: string; offset: number }> => {
  const out: Array<{ token: string; offset: number }> = []
  let cursor = 0
  for (const token of tokens) {
    const at = text.indexOf(token, cursor)
    if (at < 0) throw new Error(`token "${token}" not found in "${text}" after offset ${cursor}`)
    out.push({ token: text.slice(cursor, at + token.length), offset: cursor })
    cursor = at + token.length
  }
  const last = out.at(-1)
  if (last !== undefined && cursor < text.length)
    out[out.length - 1] = { ...last, token: text.slice(last.offset) }
  return out
}

/** `stop` as the wire allows it: a string, a list, or nothing. */
const stopsOf = (stop: unknown): ReadonlyArray<string> =>
  typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop.filter((s) => typeof s === "string") : []

/** Starts the server on a free port; closing the scope drops every connection and stops it. */
export const makeSimOpenAi = (options: SimOpenAiOptions): Effect.Effect<SimOpenAi, never, Scope.Scope> =>
  Effect.gen(function* () {
    const mode = options.server
    const sim = makeSimModel({
      name: `sim-${mode}`,
      seed: options.seed ?? 1,
      corpus: `${builtinCorpus}\n\n${counting}`,
    })
    const slots = options.slots ?? 2
    const maxChoices = mode === "ollama" ? 1 : mode === "llamacpp" ? slots : Number.POSITIVE_INFINITY
    const recorded: Array<RecordedRequest> = []

    /** The sim's samples of `prompt` for a request body, with per-token logprobs (always: they cost nothing). */
    // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
    const generate = (prompt: string, body: any, n: number) =>
      sim.generate({
        prompt,
        n,
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? 16,
        temperature: body.temperature ?? 1,
        topP: body.top_p ?? 1,
        stop: stopsOf(body.stop),
        seed: typeof body.seed === "number" ? body.seed : Math.floor(Math.random() * 2 ** 31),
        logprobs: true,
      })

    /** One sample's tokens (as wire pieces of its text) with their log-probabilities, checked to align. */
    const sampleTokens = (prompt: string, response: GenerateResponse, index: number) =>
      Effect.map(sim.score({ prompt, continuation: response.texts[index]! }), (scored) => {
        const values = response.logprobs?.[index] ?? []
        if (values.length !== scored.tokens.length)
          throw new Error(
            `sim gave ${values.length} generation logprobs for ${scored.tokens.length} tokens of ${JSON.stringify(response.texts[index])}`,
          )
        return pieces(response.texts[index]!, scored.tokens).map((piece, i) => ({
          ...piece,
          logprob: values[i]!,
        }))
      })

    /** The prompt's most recent distinct tokens (newlines aside): the alternatives `top_logprobs` ranks. */
    const promptCandidates = (prompt: string) =>
      Effect.map(sim.score({ prompt: "", continuation: prompt }), (scored) => [
        ...new Set([...scored.tokens].reverse().filter((token) => token !== "\n")),
      ])

    /**
     * `top_logprobs` of one generated position: the generated token and up to `maxAlternatives` of the prompt's
     * tokens, each scored by the sim after the prompt and the text so far, most likely first. The sim exposes no
     * vocabulary-wide ranking; a label answer's candidates are in its prompt, which is what this serves.
     */
    const alternatives = (
      context: string,
      generated: { readonly token: string; readonly logprob: number },
      candidates: ReadonlyArray<string>,
      k: number,
    ) =>
      Effect.map(
        Effect.forEach(
          candidates.filter((candidate) => candidate !== generated.token.trim()).slice(0, maxAlternatives),
          (candidate) =>
            Effect.map(sim.score({ prompt: context, continuation: ` ${candidate}` }), (scored) => ({
              token: ` ${candidate}`,
              logprob: scored.logprobs[0] ?? Number.NEGATIVE_INFINITY,
            })),
        ),
        (others) =>
          [{ token: generated.token, logprob: generated.logprob }, ...others]
            .sort((a, b) => b.logprob - a.logprob)
            .slice(0, k)
            .map((top) => ({ ...top, bytes: null })),
      )

    // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
    const chat = (body: any) =>
      Effect.gen(function* () {
        const prompt = flattenMessages(body.messages ?? [])
        const n = Math.min(Math.max(1, body.n ?? 1), maxChoices)
        const response = yield* generate(prompt, body, n)
        const topK: number = body.top_logprobs ?? 0
        const candidates = topK > 0 ? yield* promptCandidates(prompt) : []
        const choices = yield* Effect.forEach(response.texts, (text, index) =>
          Effect.gen(function* () {
            if (body.logprobs !== true)
              return { index, message: { role: "assistant", content: text, refusal: null }, logprobs: null }
            const tokens = yield* sampleTokens(prompt, response, index)
            const content = yield* Effect.forEach(tokens, (piece) =>
              Effect.map(
                topK > 0
                  ? alternatives(prompt + text.slice(0, piece.offset), piece, candidates, topK)
                  : Effect.succeed([]),
                (top) => ({ token: piece.token, logprob: piece.logprob, bytes: null, top_logprobs: top }),
              ),
            )
            return {
              index,
              message: { role: "assistant", content: text, refusal: null },
              logprobs: { content, refusal: null },
            }
          }),
        )
        return {
          id: "chatcmpl-sim",
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: choices.map((choice) => ({ ...choice, finish_reason: "stop" })),
          usage: {
            prompt_tokens: response.usage.promptTokens,
            completion_tokens: response.usage.completionTokens,
            total_tokens: response.usage.promptTokens + response.usage.completionTokens,
          },
        }
      })

    // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
    const completions = (body: any) =>
      Effect.gen(function* () {
        const prompt: string = body.prompt
        // Only vLLM echoes; Ollama and llama.cpp answer as if echo were not asked.
        const echo = body.echo === true && mode === "vllm"
        const n = Math.min(Math.max(1, body.n ?? 1), maxChoices)
        const response = yield* generate(prompt, body, n)
        const echoed = echo ? yield* sim.score({ prompt: "", continuation: prompt }) : undefined
        const echoPieces = echoed === undefined ? [] : pieces(prompt, echoed.tokens)
        const choices = yield* Effect.forEach(response.texts, (text, index) =>
          Effect.gen(function* () {
            const generated = yield* sampleTokens(prompt, response, index)
            const base = echo ? prompt.length : 0
            const tokens = [
              ...echoPieces.map((piece, i) => ({ ...piece, logprob: i === 0 ? null : echoed!.logprobs[i]! })),
              ...generated.map((piece) => ({ ...piece, offset: base + piece.offset })),
            ]
            const logprobs =
              body.logprobs === undefined || body.logprobs === null || mode === "ollama"
                ? null
                : {
                    tokens: tokens.map((t) => t.token),
                    token_logprobs: tokens.map((t) => t.logprob),
                    text_offset: tokens.map((t) => t.offset),
                    top_logprobs: null,
                  }
            return { index, text: echo ? prompt + text : text, logprobs, finish_reason: "length" }
          }),
        )
        return {
          id: "cmpl-sim",
          object: "text_completion",
          created: 0,
          model: body.model,
          choices,
          usage: {
            prompt_tokens: response.usage.promptTokens,
            completion_tokens: response.usage.completionTokens,
            total_tokens: response.usage.promptTokens + response.usage.completionTokens,
          },
        }
      })

    const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const raw = await readBody(request)
      const endpoint = endpointOf(request)
      const notFound = () => sendNotFound(request, response)
      if (endpoint === undefined) return notFound()
      const body = JSON.parse(raw)
      recorded.push({ endpoint, body, authorization: request.headers.authorization })
      if (endpoint === "completions" && mode === "openai") return notFound()
      const answered: Effect.Effect<unknown, ModelError> =
        endpoint === "chat" ? chat(body) : completions(body)
      const result = await Effect.runPromise(Effect.either(answered))
      if (Either.isRight(result)) return sendJson(response, 200, result.right)
      sendJson(
        response,
        400,
        apiError(result.left.message, "invalid_request_error", "context_length_exceeded"),
      )
    }

    const server = createServer((request, response) => {
      answer(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, apiError(String(error), "server_error"))
      })
    })
    const port = yield* listenOnFreePort(server)
    return {
      baseURL: `http://127.0.0.1:${port}/v1`,
      requests: () => [...recorded],
      count: (endpoint) => recorded.filter((request) => request.endpoint === endpoint).length,
    }
  })
