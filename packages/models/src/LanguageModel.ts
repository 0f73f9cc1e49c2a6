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
}

export interface TokenUsage {
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface GenerateResponse {
  readonly texts: ReadonlyArray<string>
  readonly usage: TokenUsage
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

export interface Capabilities {
  readonly score: boolean
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
}

/** Sum of per-token log-probs divided by the token count: the length-normalised likelihood the paper ranks by. */
export const meanLogprob = (response: ScoreResponse): number =>
  response.logprobs.length === 0 ? 0 : response.logprobs.reduce((a, b) => a + b, 0) / response.logprobs.length
