import { type LanguageModel, makeSimModel } from "@lyceum/models"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * models.sim.prefix: calls per second when calls share a prompt prefix, as a social-learning or population
 * student's do (its learned lessons, then one test item per call): 8 students of 16 lessons (~400 prompt
 * tokens), asked 12 items each round-robin (so the students' calls interleave), maxTokens 8. Ours is the
 * default sim model, which keeps prompt indexes between calls (PrefixCache); the baseline the same model
 * indexing every prompt anew (`prefixCache: { entries: 0 }`), in the same process; the texts must be equal.
 *
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

const pool = [
  ...shots,
  ["Your parcel is waiting, pay the 2.99 delivery fee at the link to release it.", "spam"],
  ["Can you pick up milk on the way home? We ran out this morning.", "ham"],
  ["You have been pre-approved for a loan of 5000 pounds, reply now to accept.", "spam"],
  ["The train is running twenty minutes late, start dinner without me.", "ham"],
  ["Last chance: claim your free ringtone by texting TONE to 87021.", "spam"],
  ["Happy birthday! Hope you have a lovely day with the family.", "ham"],
  ["Your bank card has been suspended, confirm your details to unlock it.", "spam"],
  ["I'll be at the library until six if you want to study together.", "ham"],
  ["Exclusive offer for you only: half price holidays, call before midnight.", "spam"],
  ["Did you see the match last night? What a finish!", "ham"],
  ["Claim your 500 pound shopping voucher now, limited numbers available.", "spam"],
  ["The plumber is coming at ten, could you leave the door unlocked?", "ham"],
]
const STUDENTS = 8
const LESSONS = 16
const ITEMS = 12
const learned = Array.from({ length: STUDENTS }, (_, s) =>
  Array.from({ length: LESSONS }, (_, k) => pool[(s * 5 + k * 3) % pool.length]!)
    .map(([text, label]) => `Message: ${text}\nClass: ${label}`)
    .join("\n\n"),
)
const items = [
  "Win a free cruise for two, just reply CRUISE now.",
  "Are you coming to the football on Sunday?",
  "Your mobile number has won 2000 pounds, call 09061701461 to claim.",
  "Can you send me the photos from the wedding?",
  "Urgent: verify your account today or it will be closed.",
  "I'm running late, save me a seat please.",
  "Cheap loans for everyone, no credit checks, text LOAN.",
  "Dad says the car is fixed, you can collect it tomorrow.",
  "Congratulations, you are our lucky winner this week!",
  "Let's have pizza tonight, I'll order at seven.",
  "Free gift card waiting for you, click to claim.",
  "Thanks for helping me move, I owe you one.",
]

test(`sim model: ${STUDENTS} students x ${ITEMS} items sharing ${LESSONS}-lesson prompts`, async () => {
  const calls = (model: LanguageModel) =>
    Effect.gen(function* () {
      const texts: Array<string> = []
      for (let i = 0; i < ITEMS; i++) {
        for (let s = 0; s < STUDENTS; s++) {
          const prompt = `${learned[s]}\n\nMessage: ${items[i]}\nClass:`
          const response = yield* model.generate({ prompt, temperature: 1, maxTokens: 8, seed: i })
          texts.push(response.texts[0]!)
        }
      }
      return texts
    })
  const rate = (model: LanguageModel) =>
    Effect.gen(function* () {
      const start = performance.now()
      const texts = yield* calls(model)
      return { texts, perSecond: texts.length / ((performance.now() - start) / 1000) }
    })
  const cachedModel = makeSimModel({ name: "bench", seed: 1 })
  const uncachedModel = makeSimModel({ name: "bench", seed: 1, prefixCache: { entries: 0, tokens: 0 } })
  const results = await Effect.runPromise(
    Effect.gen(function* () {
      yield* calls(cachedModel)
      yield* calls(uncachedModel)
      const out: Array<{ ours: number; baseline: number; same: boolean }> = []
      // Alternated, so a noisy neighbour slows both alike.
      for (let i = 0; i < TRIALS; i++) {
        const ours = yield* rate(cachedModel)
        const baseline = yield* rate(uncachedModel)
        out.push({
          ours: ours.perSecond,
          baseline: baseline.perSecond,
          same: ours.texts.join("\0") === baseline.texts.join("\0"),
        })
      }
      return out
    }),
  )
  expect(results.every((r) => r.same)).toBe(true)
  recordBenchmark({
    name: "models.sim.prefix",
    unit: "calls/s",
    ours: median(results.map((r) => r.ours)),
    baseline: median(results.map((r) => r.baseline)),
  })
})
