import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { scoreLabels } from "../src/Labels.js"
import { type GenerateRequest, meanLogprob } from "../src/LanguageModel.js"
import { makeSimModel } from "../src/sim/SimModel.js"
import { tokenize } from "../src/sim/Tokenizer.js"

/**
 * Generation log-probs on the sim model: the untempered log-probability of every generated token the text
 * keeps, which is exactly what teacher-forcing the text afterwards gives (same predictor, same tokens), so
 * ranking samples by either picks the same ones.
 */

const model = makeSimModel({ name: "sim", seed: 7 })
const prompts = [
  "Text: the meeting is at noon\nClass: ham\n\nText: win a free prize now\nClass: spam\n\nText: ",
  "Once upon a time",
  "Q: What is the capital of France?\nA:",
  "John's dog won't eat. It's 10,000 dollars at 7:45 (or $5) - \"quoted\" text",
]
/** Stops at token boundaries only: a newline and a full stop are tokens of their own. */
const boundaryStops: ReadonlyArray<ReadonlyArray<string>> = [[], ["\n"], ["."]]
const temperatures = [0, 0.7, 1, 1.5]

const requests = (stops: ReadonlyArray<ReadonlyArray<string>>): ReadonlyArray<GenerateRequest> =>
  prompts.flatMap((prompt) =>
    temperatures.flatMap((temperature) =>
      stops.map((stop) => ({ prompt, temperature, stop, n: 6, maxTokens: 40, seed: 3 })),
    ),
  )

const mean = (values: ReadonlyArray<number>) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length

describe("sim generation log-probs", () => {
  it.effect("asking for them changes no sample and no usage; not asking gives none", () =>
    Effect.gen(function* () {
      for (const request of requests([...boundaryStops, ["s"]])) {
        const plain = yield* model.generate(request)
        const withLogprobs = yield* model.generate({ ...request, logprobs: true })
        expect(plain.logprobs).toBeUndefined()
        expect(Object.keys(plain)).toEqual(["texts", "usage"])
        expect(withLogprobs.texts).toEqual(plain.texts)
        expect(withLogprobs.usage).toEqual(plain.usage)
        expect(withLogprobs.logprobs).toHaveLength(plain.texts.length)
      }
    }),
  )

  it.effect("equal, value for value, teacher-forcing each sample after the prompt (any temperature)", () =>
    Effect.gen(function* () {
      let samples = 0
      for (const request of requests(boundaryStops)) {
        const { texts, logprobs } = yield* model.generate({ ...request, logprobs: true })
        for (const [i, text] of texts.entries()) {
          const scored = yield* model.score({ prompt: request.prompt!, continuation: text })
          // Untempered: the sampling temperature does not enter; the stop token is not counted.
          expect(logprobs![i]).toEqual(scored.logprobs)
          expect(mean(logprobs![i]!)).toBe(meanLogprob(scored))
          samples++
        }
      }
      // 4 prompts x 4 temperatures x 3 stops x 6 samples, all of them agreeing exactly (measured: 288 of 288;
      // over 1,120 samples with a stop inside words too, every disagreement was a word cut by the stop).
      expect(samples).toBe(288)
    }),
  )

  it.effect("a stop string inside a token drops that token: the kept fragment is not counted", () =>
    Effect.gen(function* () {
      let cut = 0
      for (const request of requests([["s"]])) {
        const { texts, logprobs } = yield* model.generate({ ...request, logprobs: true })
        for (const [i, text] of texts.entries()) {
          const scored = yield* model.score({ prompt: request.prompt!, continuation: text })
          const kept = logprobs![i]!
          // Teacher-forcing scores the fragment ("Cla" of "Class") as a token; generation never produced it.
          expect(scored.logprobs.slice(0, kept.length)).toEqual(kept)
          if (scored.tokens.length > kept.length) {
            cut++
            // What teacher-forcing has beyond them is the fragment the stop cut ("It'" may be two tokens).
            const fragment = scored.tokens.slice(kept.length).join("")
            expect(text.replace(/\s/g, "").endsWith(fragment)).toBe(true)
            expect(fragment.length).toBeLessThan(20)
          }
        }
      }
      expect(cut).toBeGreaterThan(10)
    }),
  )

  it.effect("with a stop: as many log-probs as tokens in the kept text", () =>
    Effect.gen(function* () {
      const prompt = prompts[0]!
      const { texts, logprobs } = yield* model.generate({
        prompt,
        n: 8,
        temperature: 1,
        stop: ["\n"],
        seed: 1,
        logprobs: true,
      })
      for (const [i, text] of texts.entries()) expect(logprobs![i]).toHaveLength(tokenize(text).length)
    }),
  )

  it.effect("labels are teacher-forced: each label's summed log-prob, the likelier label higher", () =>
    Effect.gen(function* () {
      const prompt = `${"Text: cheap pills\nClass: spam\n\nText: see you at lunch\nClass: ham\n\n".repeat(3)}Text: free pills now\nClass:`
      const labels = yield* scoreLabels(model, { prompt, labels: [" spam", " ham", " not spam"] })
      expect(labels.method).toBe("teacher-forcing")
      for (const [i, label] of [" spam", " ham", " not spam"].entries()) {
        const scored = yield* model.score({ prompt, continuation: label })
        expect(labels.logprobs[i]).toBe(scored.logprobs.reduce((a, b) => a + b, 0))
      }
      expect(labels.logprobs[2]!).toBeLessThan(Math.max(labels.logprobs[0]!, labels.logprobs[1]!))
    }),
  )
})
