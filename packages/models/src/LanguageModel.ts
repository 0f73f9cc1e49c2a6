import type { Effect } from "effect"
import type { ModelError } from "./ModelError.js"

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

/** Either a raw `prompt` (completion style) or chat `messages`; exactly one is used. */
export interface GenerateRequest {
  readonly prompt?: string
  readonly messages?: ReadonlyArray<ChatMessage>
  readonly temperature?: number
  readonly topP?: number
  readonly maxTokens?: number
  readonly stop?: ReadonlyArray<string>
  /** Number of independent samples. */
  readonly n?: number
  readonly seed?: number
  /**
   * Ask for the log-probability of every generated token (chat `logprobs: true`): the perplexity of each
   * sample under the model that wrote it, for ranking samples where prompt scoring is unavailable.
   */
  readonly logprobs?: boolean
}

export interface TokenUsage {
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface GenerateResponse {
  readonly texts: ReadonlyArray<string>
  readonly usage: TokenUsage
  /**
   * With `logprobs` asked: per sample, the natural log-probabilities of the generated tokens its text keeps
   * (a stop string and what follows it are not counted), under the model's own distribution.
   */
  readonly logprobs?: ReadonlyArray<ReadonlyArray<number>>
}

export interface ScoreRequest {
  readonly prompt: string
  readonly continuation: string
}

/** Per-token log-probabilities (natural log) of the forced continuation given the prompt. */
export interface ScoreResponse {
  readonly tokens: ReadonlyArray<string>
  readonly logprobs: ReadonlyArray<number>
  readonly usage: TokenUsage
}

/** A closed set of short answers (labels), each to be scored as the answer to `prompt`. */
export interface LabelScoreRequest {
  readonly prompt: string
  readonly labels: ReadonlyArray<string>
}

/**
 * Each label's log-probability as the answer: by teacher-forcing (the sum over its tokens), or, where the
 * endpoint cannot teacher-force, its first token's log-probability among the chat answer's `top_logprobs`.
 */
export interface LabelScoreResponse {
  readonly logprobs: ReadonlyArray<number>
  readonly usage: TokenUsage
  readonly method: "teacher-forcing" | "top-logprobs"
}

export interface Capabilities {
  /** Scores any forced continuation (teacher-forcing: completions with echo, or the sim model). */
  readonly score: boolean
  /** Returns the log-probabilities of the tokens it generates (`GenerateRequest.logprobs`). */
  readonly generationLogprobs: boolean
  /** Scores a closed set of labels (`scoreLabels`): by teacher-forcing, or by chat top_logprobs. */
  readonly labelScores: boolean
}

/**
 * One language model as an agent sees it. Agents in a scenario may each use a different model, so this is a
 * value handed to an agent (looked up by name in a `ModelRegistry`), not a single global service.
 */
export interface LanguageModel {
  /** The name the scenario declared it under. */
  readonly name: string
  readonly capabilities: Capabilities
  readonly generate: (request: GenerateRequest) => Effect.Effect<GenerateResponse, ModelError>
  readonly score: (request: ScoreRequest) => Effect.Effect<ScoreResponse, ModelError>
  /**
   * Scores labels without teacher-forcing, where the model has its own way (chat top_logprobs). Absent: the
   * labels are teacher-forced with `score` (see `scoreLabels`).
   */
  readonly scoreLabels?: (request: LabelScoreRequest) => Effect.Effect<LabelScoreResponse, ModelError>
}

/** Sum of per-token log-probs divided by the token count: the length-normalised likelihood the paper ranks by. */
export const meanLogprob = (response: ScoreResponse): number =>
  response.logprobs.length === 0 ? 0 : response.logprobs.reduce((a, b) => a + b, 0) / response.logprobs.length
