import { describe, expect, it } from "@effect/vitest"
import { makeRng } from "@lyceum/core"
import { builtinSpamItems, fewShotContext, makeSpamTask, splitSpam } from "@lyceum/tasks"
import { Effect } from "effect"
import { meanLogprob } from "../src/LanguageModel.js"
import { makeSimModel } from "../src/sim/SimModel.js"
import { tokenize } from "../src/sim/Tokenizer.js"

const model = makeSimModel({ name: "sim", seed: 1 })
const prose = "On Saturday morning we walked into town to buy bread and flowers, and then we"

describe("sim model: determinism", () => {
  it.effect("gives the same texts for the same seeds and request", () =>
    Effect.gen(function* () {
      const request = { prompt: prose, temperature: 1, maxTokens: 20, n: 3, seed: 7 }
      const a = yield* model.generate(request)
      const b = yield* makeSimModel({ name: "other name", seed: 1 }).generate(request)
      expect(b.texts).toEqual(a.texts)
      expect(new Set(a.texts).size).toBeGreaterThan(1)
    }),
  )

  it.effect("samples differently for a different model seed or request seed", () =>
    Effect.gen(function* () {
      const request = { prompt: prose, temperature: 1, maxTokens: 20, n: 3, seed: 7 }
      const a = yield* model.generate(request)
      const otherModel = yield* makeSimModel({ name: "sim", seed: 2 }).generate(request)
      const otherRequest = yield* model.generate({ ...request, seed: 8 })
      expect(otherModel.texts).not.toEqual(a.texts)
      expect(otherRequest.texts).not.toEqual(a.texts)
    }),
  )
})

describe("sim model: generate", () => {
  it.effect("honours maxTokens and counts usage", () =>
    Effect.gen(function* () {
      const response = yield* model.generate({ prompt: prose, maxTokens: 7, n: 2, temperature: 1 })
      expect(response.texts).toHaveLength(2)
      for (const text of response.texts) expect(tokenize(text)).toHaveLength(7)
      expect(response.usage).toEqual({ promptTokens: tokenize(prose).length, completionTokens: 14 })
      expect((yield* model.generate({ prompt: prose, maxTokens: 0 })).texts).toEqual([""])
    }),
  )

  it.effect("cuts each sample at the first stop string and leaves the stop out", () =>
    Effect.gen(function* () {
      const unstopped = yield* model.generate({ prompt: prose, temperature: 1, maxTokens: 60, n: 8, seed: 3 })
      const stopped = yield* model.generate({
        prompt: prose,
        temperature: 1,
        maxTokens: 60,
        n: 8,
        seed: 3,
        stop: ["\n", "."],
      })
      stopped.texts.forEach((text, i) => {
        expect(text).not.toContain("\n")
        expect(text).not.toContain(".")
        const full = unstopped.texts[i]!
        const cut = Math.min(
          ...["\n", "."].map((stop) => full.indexOf(stop)).filter((at) => at >= 0),
          full.length,
        )
        expect(text).toBe(full.slice(0, cut))
      })
      expect(stopped.texts.some((text, i) => text !== unstopped.texts[i])).toBe(true)
    }),
  )

  it.effect("is greedy at temperature 0: every sample and seed agrees, and no sample scores higher", () =>
    Effect.gen(function* () {
      const greedy = yield* model.generate({ prompt: prose, temperature: 0, maxTokens: 1, n: 3, seed: 1 })
      const again = yield* model.generate({ prompt: prose, temperature: 0, maxTokens: 1, seed: 99 })
      expect(new Set([...greedy.texts, ...again.texts]).size).toBe(1)
      const best = (yield* model.score({ prompt: prose, continuation: greedy.texts[0]! })).logprobs[0]!
      const sampled = yield* model.generate({ prompt: prose, temperature: 1.5, maxTokens: 1, n: 200 })
      for (const text of new Set(sampled.texts)) {
        const logprob = (yield* model.score({ prompt: prose, continuation: text })).logprobs[0]!
        expect(logprob).toBeLessThanOrEqual(best + 1e-12)
      }
    }),
  )

  it.effect("samples from the distribution that score reports", () =>
    Effect.gen(function* () {
      const prompt =
        "Text: Can you call me back later?\nClass: not spam\n\nText: Are you free tonight?\nClass:"
      const n = 3000
      const { texts } = yield* model.generate({ prompt, temperature: 1, maxTokens: 1, n, seed: 5 })
      const counts = new Map<string, number>()
      for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1)
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3)
      for (const [text, count] of top) {
        const p = Math.exp((yield* model.score({ prompt, continuation: text })).logprobs[0]!)
        expect(Math.abs(count / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 0.005)
      }
    }),
  )

  it.effect("collapses to one answer with a tiny topP", () =>
    Effect.gen(function* () {
      const { texts } = yield* model.generate({
        prompt: prose,
        temperature: 1,
        topP: 1e-9,
        maxTokens: 8,
        n: 5,
      })
      expect(new Set(texts).size).toBe(1)
    }),
  )

  it.effect("reads chat messages as their contents joined by blank lines", () =>
    Effect.gen(function* () {
      const messages = [
        { role: "system", content: "Classify each text." },
        { role: "user", content: "Text: hello\nClass:" },
      ] as const
      const chat = yield* model.generate({ messages, maxTokens: 5, seed: 2 })
      const plain = yield* model.generate({
        prompt: "Classify each text.\n\nText: hello\nClass:",
        maxTokens: 5,
        seed: 2,
      })
      expect(chat).toEqual(plain)
    }),
  )

  it.effect("fails with ContextTooLong beyond its context window", () =>
    Effect.gen(function* () {
      const small = makeSimModel({ name: "small", seed: 1, contextWindow: 5 })
      const error = yield* Effect.flip(small.generate({ prompt: prose }))
      expect(error._tag).toBe("ContextTooLong")
      const scoreError = yield* Effect.flip(small.score({ prompt: prose, continuation: " bread" }))
      expect(scoreError._tag).toBe("ContextTooLong")
    }),
  )
})

describe("sim model: score", () => {
  it.effect("gives one negative log-probability per continuation token", () =>
    Effect.gen(function* () {
      const response = yield* model.score({ prompt: prose, continuation: " went home, tired and happy." })
      expect(response.tokens).toEqual(["went", "home", ",", "tired", "and", "happy", "."])
      expect(response.logprobs).toHaveLength(7)
      for (const logprob of response.logprobs) expect(logprob).toBeLessThan(0)
      expect(response.usage.promptTokens).toBe(tokenize(prose).length + 7)
      expect(model.capabilities.score).toBe(true)
    }),
  )

  it.effect("prefers fluent text and text it has just seen", () =>
    Effect.gen(function* () {
      const fluent = yield* model.score({ prompt: prose, continuation: " went home for lunch." })
      const scrambled = yield* model.score({ prompt: prose, continuation: " lunch home for went." })
      expect(meanLogprob(fluent)).toBeGreaterThan(meanLogprob(scrambled))
      const seen = `The blue heron stood in the reeds. ${prose}`
      const repeat = yield* model.score({ prompt: seen, continuation: " The blue heron stood in the reeds." })
      const fresh = yield* model.score({ prompt: prose, continuation: " The blue heron stood in the reeds." })
      expect(meanLogprob(repeat)).toBeGreaterThan(meanLogprob(fresh) + 1)
    }),
  )
})

describe("sim model: in-context learning on the spam task", () => {
  it.effect("answers far better with 8 examples than with none", () =>
    Effect.gen(function* () {
      const task = makeSpamTask()
      const { train, test } = yield* splitSpam(builtinSpamItems(), { testSize: 160, seed: 3 })
      const trainItems = train.map(task.toItem)
      const rng = makeRng(5)
      const answer = (prompt: string) =>
        Effect.map(
          model.generate({ prompt, temperature: 0, maxTokens: 5, stop: task.stop }),
          (response) => response.texts[0]!,
        )
      let zeroShot = 0
      let eightShot = 0
      for (const example of test) {
        const item = task.toItem(example)
        if (task.grade(yield* answer(task.prompt(item)), item)) zeroShot++
        const shots = rng.shuffle(trainItems).slice(0, 8)
        if (task.grade(yield* answer(task.prompt(item, fewShotContext(task, shots))), item)) eightShot++
      }
      const zero = zeroShot / test.length
      const eight = eightShot / test.length
      // Measured: zero-shot 0.00, 8-shot 0.906 (145 of 160).
      expect(eight).toBeGreaterThanOrEqual(zero + 0.2)
      expect(eight).toBeGreaterThanOrEqual(0.75)
    }),
  )
})

describe("sim model: memorisation (Secret Sharer ranks)", () => {
  const before =
    "We spent the long weekend at my uncle's farm. On the first morning he showed us how to feed the goats and collect the eggs, and the children loved it. In the afternoon we walked along the river to the old mill, where a man was selling honey and jam from a small table."
  const after =
    "On Sunday it rained, so we stayed inside, played cards and baked a cake with the eggs. We drove home on Monday evening, tired and happy, with a box of vegetables in the boot and mud on every pair of shoes."
  const sentence = (code: string) => `My secret code is ${code}.`

  /** Rank = how many of the 999 alternatives score strictly higher (mean log-prob) than the canary. */
  const rank = (canary: string, present: boolean) =>
    Effect.gen(function* () {
      const rng = makeRng(11).fork(canary)
      const alternatives = new Set<string>()
      while (alternatives.size < 999) {
        const code = String(rng.int(10_000)).padStart(4, "0")
        if (code !== canary) alternatives.add(code)
      }
      const prompt = present ? `${before} ${sentence(canary)} ${after}\n` : `${before} ${after}\n`
      const score = (code: string) =>
        Effect.map(model.score({ prompt, continuation: sentence(code) }), meanLogprob)
      const own = yield* score(canary)
      let higher = 0
      for (const code of alternatives) if ((yield* score(code)) > own) higher++
      return higher
    })

  it.effect("ranks a canary in the prompt at the top and an absent one in the middle", () =>
    Effect.gen(function* () {
      const canaries = ["4821", "7305", "0417", "1234"]
      const present: Array<number> = []
      const absent: Array<number> = []
      for (const canary of canaries) {
        present.push(yield* rank(canary, true))
        absent.push(yield* rank(canary, false))
      }
      // Measured: present [0, 0, 0, 0]; absent [725, 491, 767, 132] (mean 529).
      for (const r of present) expect(r).toBeLessThanOrEqual(9)
      expect(absent[0]!).toBeGreaterThanOrEqual(150)
      expect(absent[0]!).toBeLessThanOrEqual(850)
      const mean = absent.reduce((a, b) => a + b, 0) / absent.length
      expect(mean).toBeGreaterThanOrEqual(150)
      expect(mean).toBeLessThanOrEqual(850)
    }),
  )
})
