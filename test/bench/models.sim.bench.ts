import { makeSimModel } from "@lyceum/models"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * models.sim.generate: completion tokens per second of the built-in sim model generating from an 8-shot prompt
 * (temperature 1, 4 samples of 48 tokens per request; the time includes indexing the prompt). There is no
 * raw baseline doing the same work — the sim model is its own reference — so this is an absolute figure:
 * recorded with baseline 1, so `ratio` repeats the tokens/s and no goal is set. Median of TRIALS.
 */

const REQUESTS = 40
const SAMPLES = 4
const MAX_TOKENS = 48
const TRIALS = 5

const shots = [
  ["Win a brand new phone today, just reply YES to claim your prize!", "spam"],
  ["Are we still meeting for lunch at noon tomorrow?", "ham"],
  ["URGENT: your account has been selected for a cash reward, call now.", "spam"],
  ["I left my keys at your place, can you bring them tonight?", "ham"],
  ["Free entry into our weekly draw, text WIN to 80082 now.", "spam"],
  ["Mum says dinner is at seven, don't be late.", "ham"],
  ["Congratulations! You have won a holiday, claim it before Friday.", "spam"],
  ["Thanks for the book, I finished it last night.", "ham"],
]
const prompt = `${shots.map(([text, label]) => `Message: ${text}\nClass: ${label}`).join("\n\n")}\n\nMessage:`

test(`sim model: ${REQUESTS} requests x ${SAMPLES} samples x ${MAX_TOKENS} tokens`, async () => {
  const model = makeSimModel({ name: "bench", seed: 1 })
  const trial = Effect.gen(function* () {
    const start = performance.now()
    let tokens = 0
    for (let i = 0; i < REQUESTS; i++) {
      const response = yield* model.generate({
        prompt,
        temperature: 1,
        maxTokens: MAX_TOKENS,
        n: SAMPLES,
        seed: i,
      })
      tokens += response.usage.completionTokens
    }
    return { tokens, seconds: (performance.now() - start) / 1000 }
  })
  const results = await Effect.runPromise(
    Effect.gen(function* () {
      yield* trial
      const out: Array<{ tokens: number; seconds: number }> = []
      for (let i = 0; i < TRIALS; i++) out.push(yield* trial)
      return out
    }),
  )
  expect(results[0]!.tokens).toBe(REQUESTS * SAMPLES * MAX_TOKENS)
  recordBenchmark({
    name: "models.sim.generate",
    unit: "tok/s",
    ours: median(results.map((r) => r.tokens / r.seconds)),
    baseline: 1,
  })
})
