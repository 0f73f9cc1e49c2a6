import { Data } from "effect"
import OpenAI from "openai"
import {
  BadResponse,
  ContextTooLong,
  type ModelError,
  RateLimited,
  ScoreUnsupported,
  Timeout,
  Unauthorized,
  Unavailable,
} from "../ModelError.js"

/** The cause of a `BadResponse` whose body was cut off in transit: worth another attempt, unlike garbage. */
export class TruncatedBody extends Data.TaggedError("TruncatedBody")<{ readonly detail: string }> {}

/** What the error mapping needs to know about the call that failed. */
export interface CallContext {
  readonly model: string
  readonly baseURL: string
  readonly operation: "generate" | "score"
  readonly timeoutMs: number
  /** The API key in use, so that it can be scrubbed from anything an endpoint echoes back. */
  readonly apiKey: string | undefined
  readonly apiKeyEnv: string | undefined
}

/** Errors worth another attempt: the endpoint may well answer next time. */
export const isRetryable = (error: ModelError): boolean => {
  switch (error._tag) {
    case "RateLimited":
    case "Unavailable":
    case "Timeout":
      return true
    case "BadResponse":
      return error.cause instanceof TruncatedBody
    default:
      return false
  }
}

/**
 * Milliseconds an endpoint asked us to wait, from `retry-after-ms` (OpenAI's, fractional milliseconds) or
 * `retry-after` (seconds, or an HTTP date).
 */
export const parseRetryAfter = (
  headers: Headers | undefined,
  now: number = Date.now(),
): number | undefined => {
  if (headers === undefined) return undefined
  const milliseconds = headers.get("retry-after-ms")
  if (milliseconds !== null) {
    const value = Number.parseFloat(milliseconds)
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value)
  }
  const retryAfter = headers.get("retry-after")
  if (retryAfter === null) return undefined
  const seconds = Number(retryAfter.trim())
  if (retryAfter.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000)
  const date = Date.parse(retryAfter)
  if (Number.isFinite(date)) return Math.max(0, date - now)
  return undefined
}

const redact = (text: string, apiKey: string | undefined): string =>
  apiKey === undefined || apiKey === "" ? text : text.split(apiKey).join("[redacted]")

const CONTEXT_TOO_LONG =
  /context[ _-]?length|context window|maximum context|too many tokens|prompt is too long|input is too long|exceeds? the (?:model'?s? )?max/i
const UNSUPPORTED =
  /not supported|unsupported|not implemented|not available|does not support|cannot .*echo|logprobs|echo/i

/** The endpoint's own explanation, without the status prefix the SDK adds, scrubbed of the API key. */
const endpointMessage = (error: InstanceType<typeof OpenAI.APIError>, context: CallContext): string => {
  const body = error.error as { readonly message?: unknown } | undefined
  const raw = typeof body?.message === "string" ? body.message : error.message
  return redact(raw, context.apiKey)
}

const causeDetail = (error: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { readonly code?: unknown }).code
    parts.push(typeof code === "string" ? `${current.message} (${code})` : current.message)
    current = current.cause
  }
  return parts.join(": ")
}

/** A body that ended early: the socket closed mid-body, or JSON that stops short. */
const isTruncation = (error: unknown): boolean => {
  const detail = causeDetail(error)
  if (error instanceof SyntaxError) return /unexpected end|unterminated|end of (?:json )?input/i.test(detail)
  return /terminated|other side closed|premature close|aborted|ECONNRESET|socket hang up/i.test(detail)
}

/** Maps anything the `openai` SDK can throw to the `ModelError` it means. */
export const toModelError = (error: unknown, context: CallContext): ModelError => {
  const { model, baseURL } = context
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) {
    return new Timeout({ model, afterMs: context.timeoutMs })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new Unavailable({
      model,
      message: `Could not reach ${baseURL}: ${redact(causeDetail(error), context.apiKey)}`,
      cause: error.cause,
    })
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0
    const said = endpointMessage(error, context)
    if (status === 401 || status === 403) {
      const keyHint =
        context.apiKeyEnv === undefined
          ? "no API key is configured (set apiKeyEnv to the name of the variable that holds it)"
          : `check the API key in $${context.apiKeyEnv}`
      return new Unauthorized({
        model,
        message: `${baseURL} refused the request (${status}: ${said}); ${keyHint}.`,
      })
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(error.headers)
      return new RateLimited(retryAfterMs === undefined ? { model } : { model, retryAfterMs })
    }
    if (
      (status === 400 || status === 413 || status === 422) &&
      (CONTEXT_TOO_LONG.test(said) || error.code === "context_length_exceeded")
    ) {
      return new ContextTooLong({ model, message: `The request is too long for ${model}: ${said}` })
    }
    if (
      context.operation === "score" &&
      (status === 404 ||
        status === 405 ||
        status === 501 ||
        ((status === 400 || status === 422) && UNSUPPORTED.test(said)))
    ) {
      return new ScoreUnsupported({
        model,
        message:
          `${model} cannot score: scoring needs the completions endpoint with echo and logprobs, and ` +
          `${baseURL}/completions answered ${status} (${said}). Use a model served with /v1/completions ` +
          `(e.g. vLLM), or set score: "none" for this model and choose methods that do not score.`,
      })
    }
    if (status >= 500 || status === 408 || status === 409) {
      return new Unavailable({ model, message: `${baseURL} answered ${status}: ${said}` })
    }
    return new BadResponse({
      model,
      message: `${baseURL} rejected the ${context.operation} request (${status}): ${said}`,
    })
  }
  if (isTruncation(error)) {
    const detail = redact(causeDetail(error), context.apiKey)
    return new BadResponse({
      model,
      message: `${baseURL} sent a truncated response: ${detail}`,
      cause: new TruncatedBody({ detail }),
    })
  }
  return new BadResponse({
    model,
    message: `${baseURL} sent a response that is not the OpenAI protocol: ${redact(causeDetail(error), context.apiKey)}`,
  })
}
