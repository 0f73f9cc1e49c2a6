import { createHash, type Hash } from "node:crypto"
import type {
  GenerateRequest,
  LabelScoreRequest,
  LabelScoreResponse,
  ScoreRequest,
} from "../LanguageModel.js"

/**
 * What answers a request, as far as the cache is concerned. Entries are keyed by this, not by the name a
 * scenario declared the model under, so scenarios that name the same model differently share entries.
 */
export interface ModelIdentity {
  /** E.g. "openai" or "sim". */
  readonly provider: string
  /** The model identifier the provider knows it by, plus anything else that changes its answers (a sim seed). */
  readonly model: string
  /** Where the model is served (a base URL), or "" when that does not apply. */
  readonly endpoint: string
}

/** A request reduced to what identifies its answer. */
export interface RequestKey {
  readonly operation: "generate" | "score" | "labels"
  /** SHA-256 (hex) over the model identity, the parameters, seed and repeat, and the prompt: the lookup key. */
  readonly key: string
  /** SHA-256 (hex) of the prompt or chat messages (and, for score, the continuation). */
  readonly promptHash: string
  /** The generation parameters as canonical JSON. */
  readonly params: string
  readonly seed: number | null
  readonly repeat: number
  /**
   * Whether asking the same request again is meant to give the same answer (temperature 0, a seed, or a
   * score). Otherwise every identical request is a fresh sample, and the cache keeps one answer per
   * occurrence rather than answering the second asking with the first answer.
   */
  readonly deterministic: boolean
}

/** Bumped whenever the key layout changes, so old entries are missed rather than misread. */
const KEY_VERSION = 2

/** Feeds texts to a hash, each prefixed with its length so that no two different lists hash alike. */
const feed = (hash: Hash, texts: ReadonlyArray<string>): Hash => {
  for (const text of texts) hash.update(`\u0000${text.length}:`, "utf8").update(text, "utf8")
  return hash
}

/**
 * The key of a request: one SHA-256 pass over the model identity, the parameters and the prompt texts (the
 * hit path hashes a long prompt once); the prompt's own hash, only needed to store an answer or report a
 * miss, is computed when first read.
 */
const requestKey = (
  identity: ModelIdentity,
  operation: RequestKey["operation"],
  params: string,
  seed: number | null,
  repeat: number,
  texts: ReadonlyArray<string>,
  deterministic: boolean,
): RequestKey => {
  const meta = JSON.stringify([
    KEY_VERSION,
    identity.provider,
    identity.model,
    identity.endpoint,
    operation,
    params,
    seed,
    repeat,
  ])
  const key = feed(createHash("sha256").update(meta, "utf8"), texts).digest("hex")
  let promptHash: string | undefined
  return {
    operation,
    key,
    get promptHash() {
      promptHash ??= feed(createHash("sha256").update(operation, "utf8"), texts).digest("hex")
      return promptHash
    },
    params,
    seed,
    repeat,
    deterministic,
  }
}

/**
 * The key of a generate request. Both `prompt` and `messages` are hashed, since providers differ in which
 * one they read; parameters left out are keyed as left out (a provider's default may differ from any value),
 * except `n: 1` and an empty `stop`, which mean the same as none, and `logprobs: false`, which is keyed as
 * left out (so entries stored before generation log-probs existed still answer requests without them, and
 * never those with them).
 */
export const generateKey = (
  identity: ModelIdentity,
  request: GenerateRequest,
  repeat: number,
): RequestKey => {
  const texts: Array<string> = request.prompt === undefined ? ["no prompt"] : ["prompt", request.prompt]
  if (request.messages !== undefined) {
    texts.push("messages")
    for (const message of request.messages) texts.push(message.role, message.content)
  }
  const params = JSON.stringify({
    maxTokens: request.maxTokens,
    n: request.n === 1 ? undefined : request.n,
    stop: request.stop === undefined || request.stop.length === 0 ? undefined : request.stop,
    temperature: request.temperature,
    topP: request.topP,
    logprobs: request.logprobs === true ? true : undefined,
  })
  const deterministic = request.temperature === 0 || request.seed !== undefined
  return requestKey(identity, "generate", params, request.seed ?? null, repeat, texts, deterministic)
}

/** The key of a score request: log-probabilities are a function of the text, so it is always deterministic. */
export const scoreKey = (identity: ModelIdentity, request: ScoreRequest, repeat: number): RequestKey =>
  requestKey(identity, "score", "{}", null, repeat, [request.prompt, request.continuation], true)

/**
 * The key of a label-scoring request (`scoreLabels`): deterministic like a score; the labels in order, and the
 * method the model will use. Teacher-forcing (the whole label) and top_logprobs (its first token only, an upper
 * bound for labels not listed) are different measurements: one must never answer a request meant for the other
 * (an endpoint declared score: chat one run and auto with working echo the next).
 */
export const labelsKey = (
  identity: ModelIdentity,
  request: LabelScoreRequest,
  repeat: number,
  method: LabelScoreResponse["method"],
): RequestKey =>
  requestKey(
    identity,
    "labels",
    JSON.stringify({ method }),
    null,
    repeat,
    [request.prompt, ...request.labels],
    true,
  )
