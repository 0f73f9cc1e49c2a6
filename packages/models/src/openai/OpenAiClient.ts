import { Data, Effect } from "effect"
import OpenAI from "openai"
import type { OpenAiModelConfig } from "../ModelConfig.js"
import type { ResponseObserver } from "./EndpointLimiter.js"

/** The model's config names an API-key variable that is not set; the message names the variable. */
export class MissingApiKey extends Data.TaggedError("MissingApiKey")<{
  readonly model: string
  readonly variable: string
  readonly message: string
}> {}

/**
 * The API key of model `name`, read from `env` by the variable its config names (none: a keyless endpoint);
 * a named variable that is unset or empty is `MissingApiKey`.
 */
export const apiKeyFor = (
  name: string,
  config: Pick<OpenAiModelConfig, "apiKeyEnv">,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<string | undefined, MissingApiKey> => {
  const variable = config.apiKeyEnv
  if (variable === undefined) return Effect.succeed(undefined)
  const apiKey = env[variable]
  return apiKey === undefined || apiKey === ""
    ? Effect.fail(
        new MissingApiKey({
          model: name,
          variable,
          message: `Model "${name}" reads its API key from the environment variable ${variable}, which is not set.`,
        }),
      )
    : Effect.succeed(apiKey)
}

/**
 * The most bytes an answer may have. A chat completion or an echo of a long prompt is well under a megabyte; a
 * broken or hostile server streaming without end would otherwise be read into memory whole by the SDK.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024

/** An answer cut off at the size limit: the request fails (and may be retried) naming the limit. */
export class ResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(
      `the endpoint's answer exceeded ${limit} bytes (the most Lyceum reads of one answer); is it an OpenAI-compatible server?`,
    )
    this.name = "ResponseTooLarge"
  }
}

/** `response` with its body cut off (as an error) past `limit` bytes, whether or not it says its length. */
const bounded = (response: Response, limit: number): Response => {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => undefined)
    throw new ResponseTooLarge(limit)
  }
  // A declared length within the limit is held to by fetch itself (a longer body is an error there), so only an
  // answer without one is counted as it is read; the common answer passes untouched, at no cost.
  if (Number.isFinite(declared) || response.body === null) return response
  let seen = 0
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength
        if (seen > limit) controller.error(new ResponseTooLarge(limit))
        else controller.enqueue(chunk)
      },
    }),
  )
  return new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
}

/**
 * `fetch` whose answers are bounded to `maxBytes` and, with an `observer`, reported (success or failure, with
 * their headers) to it.
 */
const clientFetch =
  (maxBytes: number, observer: ResponseObserver | undefined): typeof fetch =>
  async (input, init) => {
    const sentIn = observer?.sending()
    let response: Response | undefined
    try {
      response = await fetch(input, init)
      return bounded(response, maxBytes)
    } finally {
      if (observer !== undefined) observer.answered(sentIn!, response)
    }
  }

/**
 * The SDK client every OpenAI-compatible call goes through (the model and the capability probe alike): the
 * SDK's own retries are off (callers retry on their own schedule), and a keyless endpoint gets no
 * Authorization header at all rather than a placeholder key. No answer is read past `maxResponseBytes`. With an
 * `observer` (the endpoint's limiter), every HTTP answer's status and headers are reported to it, which is how
 * the limiter adapts its concurrency.
 */
export const makeOpenAiClient = (options: {
  readonly baseURL: string
  readonly apiKey: string | undefined
  readonly timeoutMs: number
  readonly observer?: ResponseObserver
  /** The most bytes of one answer read; default `MAX_RESPONSE_BYTES`. */
  readonly maxResponseBytes?: number
}): OpenAI =>
  new OpenAI({
    baseURL: options.baseURL,
    // The SDK insists on a key; for keyless endpoints a placeholder is set and the header then removed.
    apiKey: options.apiKey ?? "none",
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: "off",
    fetch: clientFetch(options.maxResponseBytes ?? MAX_RESPONSE_BYTES, options.observer),
    ...(options.apiKey === undefined && { defaultHeaders: { Authorization: null } }),
  })
