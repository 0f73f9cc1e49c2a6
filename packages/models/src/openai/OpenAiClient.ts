import OpenAI from "openai"

/**
 * The SDK client every OpenAI-compatible call goes through (the model and the capability probe alike): the
 * SDK's own retries are off (callers retry on their own schedule), and a keyless endpoint gets no
 * Authorization header at all rather than a placeholder key.
 */
export const makeOpenAiClient = (options: {
  readonly baseURL: string
  readonly apiKey: string | undefined
  readonly timeoutMs: number
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
    ...(options.apiKey === undefined && { defaultHeaders: { Authorization: null } }),
  })
