import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

/**
 * A local HTTP server speaking the OpenAI wire protocol for POST /v1/chat/completions and /v1/completions,
 * scriptable per request, so the openai provider is tested against real HTTP, real sockets and the real SDK.
 */

export type Endpoint = "chat" | "completions"

/** How the server answers one request. */
export type FakeReply =
  /**
   * A normal answer; `texts` and `usage` override the defaults; `each` is the text of every choice (as many as
   * `n` asks); `delayMs` answers late (a slow server).
   */
  | {
      readonly kind: "ok"
      readonly texts?: ReadonlyArray<string>
      readonly each?: string
      readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number }
      readonly delayMs?: number
    }
  /** 429 with the given headers (e.g. `{ "retry-after": "1" }`). */
  | { readonly kind: "rateLimited"; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: "serverError"; readonly status?: number }
  /** 401 whose message echoes the presented key, as careless servers do. */
  | { readonly kind: "unauthorized" }
  /** Reads the request and never answers. */
  | { readonly kind: "hang" }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { readonly kind: "malformedJson" }
  /** 200 with a JSON body that is valid JSON but not an OpenAI response. */
  | { readonly kind: "wrongShape" }
  /** Promises a longer body than it sends, then closes the connection. */
  | { readonly kind: "truncated" }
  | { readonly kind: "contextTooLong" }
  | { readonly kind: "notFound" }
  /** A completions answer without logprobs (a server that ignores the parameter). */
  | { readonly kind: "noLogprobs" }
  /** 200 with exactly this JSON text (a hostile or broken server: `1e400` logprobs, odd usage, …). */
  | { readonly kind: "raw"; readonly json: string }

export interface RecordedRequest {
  readonly endpoint: Endpoint
  // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON, inspected by tests
  readonly body: any
  readonly authorization: string | undefined
}

/**
 * A real server's documented shapes and limits (issue 13's table), for the capability probe and contract tests:
 * - vllm: echo honoured (first token null) with log-probabilities that depend on the context (`fakeLogprobAfter`),
 *   chat logprobs, `n`, `seed`.
 * - ollama: /v1/completions ignores `echo` and returns no logprobs; chat logprobs; one choice whatever `n`; seed.
 * - llamacpp: /v1/completions ignores `echo` and returns logprobs of the generated tokens only
 *   (ggml-org/llama.cpp#27174); chat logprobs; `n` up to `maxChoices` (its slots); seed.
 * - openai: no /v1/completions (chat models); chat logprobs, `n`, `seed`.
 * In every mode a chat answer's text names its seed (a random one when none is given, or with `ignoresSeed`),
 * as sampling at temperature > 0 differs by seed. A one-token chat request asking for `top_logprobs` (how labels
 * are scored) is answered as a classifier would: see `labelTopLogprobs`.
 */
export type FakeServer = "vllm" | "ollama" | "llamacpp" | "openai"

export interface FakeOpenAiOptions {
  /** Which real server the fake behaves as (see `FakeServer`); default: none, the plain scriptable fake. */
  readonly server?: FakeServer
  /** A server that ignores `seed`: every chat answer is sampled afresh. Default false. */
  readonly ignoresSeed?: boolean
  /** Whether /v1/completions exists; when false it answers 404 like a chat-only server. Default true. */
  readonly completions?: boolean
  /** The answer when nothing is scripted. Default `{ kind: "ok" }`. */
  readonly defaultReply?: FakeReply
  /**
   * The most choices a chat answer holds, whatever `n` asks (Ollama: 1; llama.cpp: its `--parallel` slots).
   * Its default answers then name the request's seed, as seeded sampling differs by seed. Default: no limit.
   */
  readonly maxChoices?: number
  /** Answers without `usage` (llama.cpp's server and older Ollama omit it from some answers). Default false. */
  readonly noUsage?: boolean
  /**
   * A server that allows `concurrency` requests at once and refuses the others at once with `status` (429,
   * or 503) and `retry-after-ms: retryAfterMs` (when given). With `headers`, every answer carries
   * `x-ratelimit-limit-requests` (the concurrency) and `x-ratelimit-remaining-requests` (what was left when
   * the request came, so 0 means the server is full).
   */
  readonly throttle?: {
    readonly concurrency: number
    readonly status?: 429 | 503
    readonly retryAfterMs?: number
    readonly headers?: boolean
  }
}

export interface FakeOpenAi {
  /** E.g. `http://127.0.0.1:41234/v1`. */
  readonly baseURL: string
  /** Queues answers for the next requests to `endpoint`, in order; afterwards the default answer applies. */
  readonly script: (endpoint: Endpoint, ...replies: ReadonlyArray<FakeReply>) => void
  readonly requests: () => ReadonlyArray<RecordedRequest>
  readonly count: (endpoint: Endpoint) => number
  /** The most requests the server ever had open at once. */
  readonly maxInFlight: () => number
  /** With `throttle`: requests refused for load, and the most it ever served at once (refusals not counted). */
  readonly throttled: () => number
  readonly maxServed: () => number
}

/** The fake's tokenizer: a token is a run of spaces and the word after them. */
export const fakeTokens = (text: string): ReadonlyArray<string> => text.match(/\s*\S+|\s+$/g) ?? []

/** The fake's log-probability of a token: a function of its text only, so tests can predict it. */
export const fakeLogprob = (token: string): number => -(token.trim().length + 1) / 10

/** The text the fake generates after an echoed prompt (one token per `max_tokens`). */
export const GENERATED_TOKEN = " end"

const COUNTING = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

/**
 * The server modes' log-probability of `token` after `previous`: a counting word right after its predecessor is
 * near certain, any other token far less likely than `fakeLogprob` says — a real model's known-answer contrast.
 */
export const fakeLogprobAfter = (previous: string | undefined, token: string): number => {
  const at = COUNTING.indexOf(token.trim())
  return at > 0 && COUNTING[at - 1] === previous?.trim() ? -0.05 : fakeLogprob(token) - 2
}

const wordCount = (text: string) => fakeTokens(text).filter((token) => token.trim() !== "").length

export const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  })
  response.end(text)
}

export const apiError = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, param: null, code },
})

const chatAnswer = (
  // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
  body: any,
  reply: Extract<FakeReply, { kind: "ok" }>,
  options: FakeOpenAiOptions = {},
) => {
  const maxChoices = options.maxChoices ?? (options.server === "ollama" ? 1 : undefined)
  const n: number = Math.min(body.n ?? 1, maxChoices ?? Number.POSITIVE_INFINITY)
  const messages: ReadonlyArray<{ content: string }> = body.messages ?? []
  const last = messages.at(-1)?.content ?? ""
  const seed =
    options.server !== undefined && (body.seed === undefined || options.ignoresSeed === true)
      ? Math.floor(Math.random() * 1e9)
      : body.seed
  const seeded =
    (maxChoices !== undefined || options.server !== undefined) && seed !== undefined ? ` (seed ${seed})` : ""
  const labelled = options.server !== undefined && body.max_tokens === 1 && (body.top_logprobs ?? 0) > 0
  const top = labelled ? labelTopLogprobs(last, body.top_logprobs, options.server) : []
  const texts =
    reply.texts ??
    Array.from({ length: n }, (_, i) =>
      labelled ? (top[0]?.token ?? "") : (reply.each ?? `answer ${i + 1} to ${last}${seeded}`),
    )
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model: body.model,
    choices: texts.map((text, index) => ({
      index,
      message: { role: "assistant", content: text, refusal: null },
      logprobs:
        options.server !== undefined && body.logprobs === true
          ? labelled
            ? { content: [{ token: text, logprob: top[0]?.logprob ?? 0, bytes: null, top_logprobs: top }] }
            : chatLogprobs(text, body)
          : null,
      finish_reason: "stop",
    })),
    ...withUsage(
      options,
      {
        prompt_tokens: messages.reduce((sum, message) => sum + wordCount(message.content), 0),
        completion_tokens: texts.reduce((sum, text) => sum + wordCount(text), 0),
        total_tokens: 0,
      },
      reply.usage,
    ),
  }
}

/** `{ usage }`, or nothing for a server that omits it (`noUsage`); a scripted usage always wins. */
const withUsage = (
  options: FakeOpenAiOptions,
  usage: {
    readonly prompt_tokens: number
    readonly completion_tokens: number
    readonly total_tokens: number
  },
  scripted?: { readonly prompt_tokens: number; readonly completion_tokens: number },
) => (scripted !== undefined ? { usage: scripted } : options.noUsage === true ? {} : { usage })

/**
 * A classifier's first token: the fake's BPE spells a word of up to 6 letters as one token and a longer one by
 * its first 4 letters (so "negative" and "negation" share " nega"), with the leading space a word after
 * "Label:" takes; Ollama's answers carry the token without it.
 */
export const labelToken = (word: string, server?: FakeServer): string =>
  `${server === "ollama" ? "" : " "}${word.length <= 6 ? word : word.slice(0, 4)}`

/**
 * `top_logprobs` of a one-token answer to a few-shot classification prompt, as a real model gives them: the
 * labels the prompt's lines end with ("Class: spam") in order of how often they occur (log of their share),
 * then filler tokens far less likely, as many as asked.
 */
export const labelTopLogprobs = (
  prompt: string,
  count: number,
  server?: FakeServer,
): ReadonlyArray<{ readonly token: string; readonly logprob: number }> => {
  const seen = new Map<string, number>()
  for (const match of prompt.matchAll(/:[ \t]*(\S+)[ \t]*$/gm)) {
    const token = labelToken(match[1]!, server)
    seen.set(token, (seen.get(token) ?? 0) + 1)
  }
  const total = [...seen.values()].reduce((sum, n) => sum + n, 0) + 1
  const labels = [...seen.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([token, n]) => ({ token, logprob: Math.log(n / total) }))
  const fillers = Array.from({ length: Math.max(0, count - labels.length) }, (_, k) => ({
    token: ` filler${k + 1}`,
    logprob: -6 - k,
  }))
  return [...labels, ...fillers].slice(0, count)
}

/** Chat `logprobs.content` of a generated `text`, with `top_logprobs` alternatives as many as asked. */
// biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
const chatLogprobs = (text: string, body: any) => {
  const tokens = fakeTokens(text)
  return {
    content: tokens.map((token, i) => {
      const logprob = fakeLogprobAfter(tokens[i - 1], token)
      const top = Array.from({ length: body.top_logprobs ?? 0 }, (_, k) =>
        k === 0 ? { token, logprob, bytes: null } : { token: ` alt${k}`, logprob: logprob - k, bytes: null },
      )
      return { token, logprob, bytes: null, top_logprobs: top }
    }),
    refusal: null,
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
const completionAnswer = (body: any, withLogprobs: boolean, server?: FakeServer, noUsage = false) => {
  const prompt: string = body.prompt
  const maxTokens: number = body.max_tokens ?? 16
  // Only vLLM (and the plain fake) honour echo; Ollama also returns no logprobs at all.
  const echo = body.echo === true && (server === undefined || server === "vllm")
  const echoed = echo ? fakeTokens(prompt) : []
  const generated = Array.from({ length: maxTokens }, () => GENERATED_TOKEN)
  const tokens = [...echoed, ...generated]
  const offsets: Array<number> = []
  let offset = 0
  for (const token of tokens) {
    offsets.push(offset)
    offset += token.length
  }
  return {
    id: "cmpl-fake",
    object: "text_completion",
    created: 0,
    model: body.model,
    choices: [
      {
        index: 0,
        text: tokens.join(""),
        finish_reason: "length",
        logprobs:
          withLogprobs && body.logprobs !== undefined && server !== "ollama"
            ? {
                tokens,
                token_logprobs: tokens.map((token, i) =>
                  i === 0 && echo
                    ? null
                    : server === undefined
                      ? fakeLogprob(token)
                      : fakeLogprobAfter(tokens[i - 1], token),
                ),
                text_offset: offsets,
                top_logprobs: null,
              }
            : null,
      },
    ],
    ...(!noUsage && {
      usage: {
        prompt_tokens: fakeTokens(prompt).length,
        completion_tokens: maxTokens,
        total_tokens: fakeTokens(prompt).length + maxTokens,
      },
    }),
  }
}

/** Which OpenAI route a request is for (POST /v1/chat/completions or /v1/completions), if either. */
export const endpointOf = (request: IncomingMessage): Endpoint | undefined =>
  request.method === "POST" && request.url === "/v1/chat/completions"
    ? "chat"
    : request.method === "POST" && request.url === "/v1/completions"
      ? "completions"
      : undefined

/** OpenAI's 404 for a route it does not serve (also a chat-only server's answer to /v1/completions). */
export const sendNotFound = (request: IncomingMessage, response: ServerResponse) =>
  sendJson(
    response,
    404,
    apiError(`Unknown request URL: ${request.method} ${request.url}`, "invalid_request_error"),
  )

/** Listens on a free loopback port until the scope closes, which drops every connection and stops it. */
export const listenOnFreePort = (server: Server): Effect.Effect<number, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<void>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.void))
    }),
    () =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      }),
  ).pipe(Effect.map(() => (server.address() as AddressInfo).port))

/** Starts the server on a free port; closing the scope drops every connection and stops it. */
export const makeFakeOpenAi = (
  options: FakeOpenAiOptions = {},
): Effect.Effect<FakeOpenAi, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scripts: Record<Endpoint, Array<FakeReply>> = { chat: [], completions: [] }
    const recorded: Array<RecordedRequest> = []
    let inFlight = 0
    let maxInFlight = 0
    let served = 0
    let maxServed = 0
    let throttled = 0

    const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const throttle = options.throttle
      let limitHeaders: Record<string, string> = {}
      if (throttle !== undefined) {
        if (served >= throttle.concurrency) {
          throttled += 1
          await readBody(request)
          const retry =
            throttle.retryAfterMs === undefined ? {} : { "retry-after-ms": String(throttle.retryAfterMs) }
          const remaining = throttle.headers === true ? { "x-ratelimit-remaining-requests": "0" } : {}
          return sendJson(response, throttle.status ?? 429, apiError("Too many requests", "requests"), {
            ...retry,
            ...remaining,
          })
        }
        served += 1
        maxServed = Math.max(maxServed, served)
        response.on("close", () => {
          served -= 1
        })
        if (throttle.headers === true)
          limitHeaders = {
            "x-ratelimit-limit-requests": String(throttle.concurrency),
            "x-ratelimit-remaining-requests": String(throttle.concurrency - served),
          }
      }
      const raw = await readBody(request)
      const endpoint = endpointOf(request)
      const notFound = () => sendNotFound(request, response)
      if (endpoint === undefined) return notFound()
      const body = JSON.parse(raw)
      recorded.push({ endpoint, body, authorization: request.headers.authorization })
      if (endpoint === "completions" && (options.completions === false || options.server === "openai"))
        return notFound()
      const reply = scripts[endpoint].shift() ?? options.defaultReply ?? { kind: "ok" }
      switch (reply.kind) {
        case "ok": {
          if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
          sendJson(
            response,
            200,
            endpoint === "chat"
              ? chatAnswer(body, reply, options)
              : completionAnswer(body, true, options.server, options.noUsage),
            limitHeaders,
          )
          return
        }
        case "noLogprobs":
          sendJson(response, 200, completionAnswer(body, false))
          return
        case "rateLimited":
          sendJson(response, 429, apiError("Rate limit reached", "requests", "rate_limit_exceeded"), {
            ...reply.headers,
          })
          return
        case "serverError":
          sendJson(response, reply.status ?? 500, apiError("The server had an error", "server_error"))
          return
        case "unauthorized": {
          const key = request.headers.authorization?.replace(/^Bearer /, "") ?? ""
          sendJson(
            response,
            401,
            apiError(`Incorrect API key provided: ${key}.`, "invalid_request_error", "invalid_api_key"),
          )
          return
        }
        case "hang":
          return
        case "malformedJson":
          response.writeHead(200, { "content-type": "application/json" })
          response.end('{"choices": [oops')
          return
        case "wrongShape":
          sendJson(response, 200, { hello: "world" })
          return
        case "raw":
          response.writeHead(200, { "content-type": "application/json" })
          response.end(reply.json)
          return
        case "truncated": {
          const full = JSON.stringify(
            endpoint === "chat" ? chatAnswer(body, { kind: "ok" }) : completionAnswer(body, true),
          )
          response.writeHead(200, {
            "content-type": "application/json",
            "content-length": String(full.length),
          })
          response.write(full.slice(0, Math.floor(full.length / 2)))
          // Let the half body reach the client before the connection drops.
          setTimeout(() => response.destroy(), 10)
          return
        }
        case "contextTooLong":
          sendJson(
            response,
            400,
            apiError(
              "This model's maximum context length is 4097 tokens. However, your messages resulted in 5000 tokens.",
              "invalid_request_error",
              "context_length_exceeded",
            ),
          )
          return
        case "notFound":
          sendJson(response, 404, apiError("Not found", "invalid_request_error"))
          return
      }
    }

    const server = createServer((request, response) => {
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      let done = false
      const finish = () => {
        if (!done) {
          done = true
          inFlight -= 1
        }
      }
      response.on("close", finish)
      answer(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, apiError(String(error), "server_error"))
        finish()
      })
    })
    const port = yield* listenOnFreePort(server)
    return {
      baseURL: `http://127.0.0.1:${port}/v1`,
      script: (endpoint, ...replies) => {
        scripts[endpoint].push(...replies)
      },
      requests: () => [...recorded],
      count: (endpoint) => recorded.filter((request) => request.endpoint === endpoint).length,
      maxInFlight: () => maxInFlight,
      throttled: () => throttled,
      maxServed: () => maxServed,
    }
  })
