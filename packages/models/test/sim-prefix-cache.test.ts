import { makeRng } from "@lyceum/core"
import { joinContext, makeSpamTask } from "@lyceum/tasks"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { GenerateRequest, LanguageModel } from "../src/LanguageModel.js"
import { backgroundFor } from "../src/sim/Background.js"
import { PrefixCache } from "../src/sim/PrefixCache.js"
import { makeSimModel } from "../src/sim/SimModel.js"
import { SimPredictor } from "../src/sim/SimPredictor.js"
import { tokenize } from "../src/sim/Tokenizer.js"

/*
 * Reusing a prompt's index across calls must change nothing: every call's texts, logprobs, usage (and
 * failures) equal those of a model that indexes every prompt anew, bit for bit.
 */

const task = makeSpamTask()
const examples = task.examples()
// Unknown words, long numbers and odd casing: what the lexicon and the case model add to per prompt.
const odd = [
  "Text: Call 09061701461 to claim your QuIzZ prize from ZorbaTel before 23:59\nClass: spam",
  "Text: the glorptastic frobnicator sent 4471 wibbles to McDONALD's iPhone\nClass: not spam",
  "Text: Blorvex quantifies the snargle, ring 07700900123 or text ZAP to 84422\nClass: spam",
]
const oddItems = [
  "Text: frobnicate the glorp at 12345678901 with XyZzY\nClass:",
  "Text: Zorbatel says your WiBbLe voucher 5521 expires\nClass:",
]

/** Students: learned prompts of several sizes (none, a few, many lessons), some sharing lessons. */
const students: ReadonlyArray<string> = [
  "",
  examples.slice(0, 3).map(task.render).join(task.separator),
  [...examples.slice(0, 3).map(task.render), ...odd].join(task.separator),
  examples.slice(3, 19).map(task.render).join(task.separator),
  [odd[1]!, ...examples.slice(20, 28).map(task.render)].join(task.separator),
]
const items = [...examples.slice(40, 60).map((item) => item.input), ...oddItems]

type Call =
  | { readonly kind: "generate"; readonly request: GenerateRequest }
  | { readonly kind: "score"; readonly prompt: string; readonly continuation: string }

/** A seeded mix of calls: mostly a student's prompt + an item, also prefixes of those, scores, chat messages. */
const calls = (count: number): ReadonlyArray<Call> => {
  const rng = makeRng(15)
  const out: Array<Call> = []
  for (let i = 0; i < count; i++) {
    const learned = rng.pick(students)
    const item = rng.pick(items)
    const full = joinContext(task.separator, item, learned)
    const choice = rng.int(10)
    if (choice < 2) {
      // Scoring a text as the student's next example, and an item's answer.
      const prompt = rng.next() < 0.5 ? (learned.length === 0 ? "" : learned + task.separator) : full
      const continuation = rng.pick([
        ...examples.slice(60, 64).map(task.render),
        ...odd,
        " spam",
        " not spam",
        " Glorpy FROBS",
        "",
      ])
      out.push({ kind: "score", prompt, continuation })
      continue
    }
    // Prompts that are prefixes of others (cut anywhere, even inside a word), the empty prompt, whole prompts.
    const prompt =
      choice === 2 ? full.slice(0, rng.int(full.length + 1)) : choice === 3 && rng.next() < 0.3 ? "" : full
    const request: GenerateRequest = {
      ...(choice === 4 ? { messages: [{ role: "user", content: prompt }] } : { prompt }),
      temperature: rng.pick([0, 0.7, 1, 1.6]),
      topP: rng.pick([1, 1, 0.9]),
      maxTokens: rng.pick([0, 1, 3, 8, 20]),
      n: rng.pick([1, 1, 3]),
      seed: rng.int(1000),
      ...(rng.next() < 0.5 ? { logprobs: true } : {}),
      ...(rng.next() < 0.5 ? { stop: rng.pick([["\n"], ["."], ["\n", "spam"]]) } : {}),
    }
    out.push({ kind: "generate", request })
  }
  return out
}

const play = (model: LanguageModel, call: Call) =>
  call.kind === "generate"
    ? Effect.runSync(Effect.either(model.generate(call.request)))
    : Effect.runSync(Effect.either(model.score({ prompt: call.prompt, continuation: call.continuation })))

const uncached = { entries: 0, tokens: 0 }

describe("sim model: prompt prefix reuse", () => {
  it("answers every call exactly as indexing each prompt anew (texts, logprobs, usage, failures)", () => {
    // The default cache, a tiny one (evictions, one index serving several students) and one that keeps only
    // short prompts; a context window some prompts exceed.
    const options = { name: "sim", seed: 1, contextWindow: 300 }
    const reference = makeSimModel({ ...options, prefixCache: uncached })
    const models = [
      makeSimModel(options),
      makeSimModel({ ...options, prefixCache: { entries: 2, tokens: 100_000 } }),
      makeSimModel({ ...options, prefixCache: { entries: 4, tokens: 200 } }),
    ]
    const all = calls(400)
    let failures = 0
    let answered = 0
    for (const call of all) {
      const expected = play(reference, call)
      if (expected._tag === "Left") failures++
      else answered++
      for (const model of models) expect(play(model, call)).toStrictEqual(expected)
    }
    // The mix really has both, and samples with novel words (which the lexicon must forget again).
    expect(failures).toBeGreaterThan(10)
    expect(answered).toBeGreaterThan(300)
  })

  it("rewinds a predictor to the exact state of a fresh one (same ids, same distribution)", () => {
    const background = backgroundFor()
    const prefix = tokenize(`${odd[0]}\n\n${task.render(examples[0]!)}\n\n`)
    const first = tokenize(oddItems[0]!)
    // Its own unknown words, one of them predicted by the in-context component (so its id is in the output).
    const second = tokenize(`${oddItems[1]} quorblax vexnid quorblax`)
    const reused = new SimPredictor(background)
    for (const token of [...prefix, ...first]) reused.push(token)
    // Unknown words met only in a later token or only asked about are forgotten by the rewind.
    reused.logProbability("Snorkelwhip")
    reused.push("Snorkelwhip")
    reused.rewind(prefix.length)
    for (const token of second) reused.push(token)
    const fresh = new SimPredictor(background)
    for (const token of [...prefix, ...second]) fresh.push(token)
    expect(reused.length).toBe(fresh.length)
    expect(reused.keyDistribution()).toStrictEqual(fresh.keyDistribution())
    for (const token of [
      "spam",
      "Zorbatel",
      "Frobnicate",
      "wibble",
      "Snorkelwhip",
      "vexnid",
      "12345678901",
      "QUIZZ",
    ]) {
      expect(reused.logProbability(token)).toBe(fresh.logProbability(token))
    }
  })
})

describe("PrefixCache", () => {
  const background = backgroundFor()
  const lessons = tokenize(students[3]!)
  const withItem = (item: string) => [...lessons, ...tokenize(`\n\n${item}`)]

  it("hands the index of a shared prefix to the next call, extended by its own tokens only", () => {
    const cache = new PrefixCache(background)
    const a = withItem(items[0]!)
    const first = cache.take(a)
    // What a call pushes after its prompt (a scored continuation) is dropped when the index is given back.
    first.push("spam")
    cache.release(a, first)
    expect(first.length).toBe(a.length)
    const b = withItem(items[1]!)
    const second = cache.take(b)
    expect(second).toBe(first)
    expect(second.length).toBe(b.length)
    // Taken out while in use: a concurrent call with the same prompt gets an index of its own.
    expect(cache.take(b)).not.toBe(second)
  })

  it("keeps another student's index when a new prompt shares only a short header with it", () => {
    const cache = new PrefixCache(background)
    const a = withItem(items[0]!)
    const first = cache.take(a)
    cache.release(a, first)
    const other = tokenize(`${students[4]}\n\n${items[0]}`)
    expect(cache.take(other)).not.toBe(first)
    expect(cache.take(a)).toBe(first)
  })

  it("keeps at most `entries` indexes and `tokens` tokens, dropping the least recently used", () => {
    const cache = new PrefixCache(background, { entries: 3, tokens: 1_000 })
    const prompts = students.slice(1).map((learned) => tokenize(`${learned}\n\n${items[0]}`))
    const kept = prompts.map((tokens) => {
      const predictor = cache.take(tokens)
      cache.release(tokens, predictor)
      return predictor
    })
    expect(cache.size.entries).toBeLessThanOrEqual(3)
    expect(cache.size.tokens).toBeLessThanOrEqual(1_000)
    expect(cache.size.tokens).toBe(prompts.slice(-cache.size.entries).reduce((n, t) => n + t.length, 0))
    // The most recent is still there, the first is gone.
    expect(cache.take(prompts.at(-1)!)).toBe(kept.at(-1))
    expect(cache.take(prompts[0]!)).not.toBe(kept[0])
    // A prompt longer than the whole budget is not kept.
    const long = tokenize(students[3]!.repeat(3))
    cache.release(long, cache.take(long))
    expect(cache.size.tokens).toBeLessThanOrEqual(1_000)
    const off = new PrefixCache(background, { entries: 0, tokens: 0 })
    off.release(prompts[0]!, off.take(prompts[0]!))
    expect(off.size).toEqual({ entries: 0, tokens: 0 })
  })
})
