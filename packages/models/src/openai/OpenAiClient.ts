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

/** `fetch` that reports every answer (success or failure, with its headers) to `observer`. */
const observedFetch =
  (observer: ResponseObserver): typeof fetch =>
  async (input, init) => {
    const sentIn = observer.sending()
    let response: Response | undefined
    try {
      response = await fetch(input, init)
      return response
    } finally {
      observer.answered(sentIn, response)
    }
  }

/**
 * The SDK client every OpenAI-compatible call goes through (the model and the capability probe alike): the
 * SDK's own retries are off (callers retry on their own schedule), and a keyless endpoint gets no
 * Authorization header at all rather than a placeholder key. With an `observer` (the endpoint's limiter), every
 * HTTP answer's status and headers are reported to it, which is how the limiter adapts its concurrency.
 */
export const makeOpenAiClient = (options: {
  readonly baseURL: string
  readonly apiKey: string | undefined
  readonly timeoutMs: number
  readonly observer?: ResponseObserver
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
    ...(options.observer !== undefined && { fetch: observedFetch(options.observer) }),
    ...(options.apiKey === undefined && { defaultHeaders: { Authorization: null } }),
  })
