import { Effect } from "effect"
import { Metering } from "../../src/Metering.js"
import type { OpenAiModelConfig } from "../../src/ModelConfig.js"
import { makeOpenAiModel } from "../../src/openai/OpenAiModel.js"
import { type FakeOpenAiOptions, makeFakeOpenAi } from "./FakeOpenAi.js"

/**
 * An `openai` model named `name` in score mode chat (one retry, short backoff) on a fresh fake server in
 * `server`'s mode, metered for agent "alice": what the generation-log-prob, label and hostile-server tests start
 * from. `config` overrides any of the model's fields.
 */
export const meteredChatModel = (
  name: string,
  server: FakeOpenAiOptions,
  config: Partial<OpenAiModelConfig> = {},
) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeOpenAi(server)
    const metering = yield* Metering.make()
    const raw = yield* makeOpenAiModel(
      name,
      {
        provider: "openai",
        baseURL: fake.baseURL,
        model: "llama3.2",
        score: "chat",
        maxRetries: 1,
        ...config,
      },
      {},
      { backoff: { baseDelayMs: 5, maxDelayMs: 20 } },
    )
    return { fake, metering, raw, model: metering.metered(raw, "alice") }
  })
