/// <reference path="./tokenizers.d.ts" />
import { Effect } from "effect"
import type { TokenUsage } from "../LanguageModel.js"

/**
 * Token counts for answers whose endpoint reported no `usage` (llama.cpp's server, older Ollama): counted with
 * a real tokenizer of the model's family, so budgets and costs stay close to what the server spent. The
 * tokenizers are loaded on first use only (a few MB of vocabulary), so runs that never need one never pay.
 */

/**
 * Which tokenizer counts a model's tokens:
 * - `o200k`: OpenAI's gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o-series and gpt-oss (gpt-tokenizer's o200k_base);
 * - `cl100k`: gpt-3.5 and gpt-4 / gpt-4-turbo (cl100k_base);
 * - `llama3`: Llama 3.x (llama3-tokenizer-js);
 * - `mistral`: Mistral / Mixtral (mistral-tokenizer-js, the 32k SentencePiece vocabulary);
 * - `approximate`: any other family, counted with o200k as an approximation (within ~10-20% of most BPE
 *   vocabularies on English text; the counts are marked estimated either way).
 */
export type TokenizerFamily = "o200k" | "cl100k" | "llama3" | "mistral" | "approximate"

/** The tokenizer family of the model identifier an endpoint knows (e.g. `gpt-4o-mini`, `llama3.1:8b`). */
export const tokenizerFamily = (model: string): TokenizerFamily => {
  // Hub-style identifiers carry an organisation ("meta-llama/Meta-Llama-3-8B-Instruct"): only the name counts.
  const name = model.toLowerCase().split("/").at(-1) ?? ""
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|gpt-oss|o\d)/.test(name)) return "o200k"
  if (/^gpt-(3\.5|4)/.test(name)) return "cl100k"
  if (/llama[-_ ]?3/.test(name)) return "llama3"
  if (/mistral|mixtral/.test(name)) return "mistral"
  return "approximate"
}

type Counter = (text: string) => number

const loaders: Record<TokenizerFamily, () => Promise<Counter>> = {
  o200k: () => import("gpt-tokenizer/encoding/o200k_base").then((m) => (text) => m.countTokens(text)),
  cl100k: () => import("gpt-tokenizer/encoding/cl100k_base").then((m) => (text) => m.countTokens(text)),
  // Without the BOS/EOS markers: they frame a whole prompt, not each text counted here.
  llama3: () =>
    import("llama3-tokenizer-js").then(
      (m) => (text) => m.default.encode(text, { bos: false, eos: false }).length,
    ),
  mistral: () =>
    import("mistral-tokenizer-js").then((m) => (text) => m.default.encode(text, false, false).length),
  approximate: () => loaders.o200k(),
}

/** Each family's counter, loaded once per process. */
const loaded = new Map<TokenizerFamily, Promise<Counter>>()

const counterFor = (family: TokenizerFamily): Effect.Effect<Counter> =>
  Effect.promise(() => {
    let counter = loaded.get(family)
    if (counter === undefined) {
      counter = loaders[family]()
      loaded.set(family, counter)
    }
    return counter
  })

/** How many tokens `model`'s tokenizer makes of `text`. */
export const countTokens = (model: string, text: string): Effect.Effect<number> =>
  Effect.map(counterFor(tokenizerFamily(model)), (count) => count(text))

/**
 * The usage of one request counted by `model`'s tokenizer: the prompt texts (chat message contents; the chat
 * template's few framing tokens per message are not counted) and each generated text.
 */
export const estimateUsage = (
  model: string,
  prompt: ReadonlyArray<string>,
  completions: ReadonlyArray<string>,
): Effect.Effect<TokenUsage> =>
  Effect.map(counterFor(tokenizerFamily(model)), (count) => ({
    promptTokens: prompt.reduce((sum, text) => sum + count(text), 0),
    completionTokens: completions.reduce((sum, text) => sum + count(text), 0),
  }))
