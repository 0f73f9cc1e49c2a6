import { type AgentId, LessonRequest } from "@lyceum/core"
import {
  type GenerateRequest,
  type LanguageModel,
  makeSimModel,
  meanLogprob,
  ScoreUnsupported,
} from "@lyceum/models"
import { makePrivacyFilter, verbatimDetector } from "@lyceum/privacy"
import { builtinSpamItems, fewShotContext, makeSpamTask, splitSpam } from "@lyceum/tasks"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import type { RankBy } from "../src/config/index.js"
import { makeTeacher, type TeacherSetup } from "../src/Teacher.js"

const task = makeSpamTask()
const split = Effect.runSync(splitSpam(builtinSpamItems(), { testSize: 60, seed: 1 }))
const train = split.train.map(task.toItem)
const privateItems = train.slice(0, 40)
const sim = makeSimModel({ name: "sim", seed: 5 })

const requestAt = (round: number, count = 2) =>
  new LessonRequest({ cohort: "spam.g", student: "student-1" as AgentId, repeat: 0, round, count })

/** A teacher of its own (the filter keeps per-student state) ranking by `rankBy` with `model`. */
const teacher = (rankBy: RankBy, model: LanguageModel, seed = 11, samples = 8) =>
  makeTeacher({
    id: "teacher-1" as AgentId,
    task,
    privateItems,
    heldOut: [],
    model,
    filter: makePrivacyFilter([verbatimDetector(privateItems.map((i) => i.input))], { verbatim: "drop" }),
    strategy: { kind: "synthetic-examples", nGen: 8, temperature: 0.8, samples, maxTokens: 96, rankBy },
    seed,
  } satisfies TeacherSetup)

/** The model with other capabilities; every request it is asked is kept, and `score` is refused unless it can. */
const withCapabilities = (
  model: LanguageModel,
  capabilities: LanguageModel["capabilities"],
  asked: Array<GenerateRequest> = [],
): LanguageModel => ({
  ...model,
  capabilities,
  generate: (request) => {
    asked.push(request)
    return model.generate(request)
  },
  score: (request) =>
    capabilities.score
      ? model.score(request)
      : Effect.fail(new ScoreUnsupported({ model: model.name, message: "no teacher-forcing here" })),
})

describe("ranking by generation log-probabilities", () => {
  it("picks the same lessons as ranking by prompt score on sim, over 200 requests", () => {
    let requests = 0
    let decided = 0
    let pairs = 0
    for (let seed = 0; seed < 20; seed++) {
      const byPrompt = teacher("prompt-score", sim, seed)
      const byGeneration = teacher("generation-logprobs", sim, seed)
      for (let round = 1; round <= 10; round++) {
        // Asking for all 8: the lessons are every passing sample, best first, so any topK picks alike.
        const a = Effect.runSync(byPrompt.teach(requestAt(round, 8)))
        const b = Effect.runSync(byGeneration.teach(requestAt(round, 8)))
        // The same samples (asking for logprobs leaves sampling alone), the same decisions, the same picks.
        expect(b.audit.map((x) => x.lesson)).toEqual(a.audit.map((x) => x.lesson))
        expect(b.lessons.map((l) => l.id)).toEqual(a.lessons.map((l) => l.id))
        expect(new Set(a.audit.map((x) => x.rankedBy))).toEqual(new Set(["prompt-score"]))
        expect(new Set(b.audit.map((x) => x.rankedBy))).toEqual(new Set(["generation-logprobs"]))
        requests++
        // The ranking decided something where at least two samples passed the filter.
        if (a.lessons.length >= 2) decided++
        pairs += (a.lessons.length * (a.lessons.length - 1)) / 2
      }
    }
    expect(requests).toBe(200)
    // Measured: 137 of the 200 requests ranked two or more samples, 472 pairs in all, every one alike.
    expect(decided).toBeGreaterThan(100)
    expect(pairs).toBeGreaterThan(300)
  }, 120_000)

  it("on sim, a sample's two scores are equal unless trimming the text dropped generated whitespace", () => {
    // Why the picks agree: sim's generation log-probs are the untempered log-probs teacher-forcing gives the
    // same tokens after the same prompt. The one difference is whitespace the teacher trims from a sample
    // (a sample cut at maxTokens right after a newline): its token counts when generated, not when scored.
    let equal = 0
    let trimmed = 0
    for (let seed = 0; seed < 30; seed++) {
      const context = `${fewShotContext(task, train.slice(seed, seed + 8))}${task.separator}`
      const generated = Effect.runSync(
        sim.generate({
          prompt: context,
          temperature: 0.8,
          n: 8,
          maxTokens: 96,
          stop: [task.separator],
          seed,
          logprobs: true,
        }),
      )
      generated.texts.forEach((raw, i) => {
        const text = raw.trim()
        const byPrompt = meanLogprob(Effect.runSync(sim.score({ prompt: context, continuation: text })))
        const logprobs = generated.logprobs![i]!
        const byGeneration = logprobs.reduce((x, y) => x + y, 0) / logprobs.length
        if (text === raw) {
          expect(byGeneration).toBe(byPrompt)
          equal++
        } else {
          expect(Math.abs(byGeneration - byPrompt)).toBeLessThan(0.05)
          trimmed++
        }
      })
    }
    expect(equal).toBeGreaterThan(200)
    expect(trimmed).toBeLessThan(equal / 20)
  })

  it("a model that cannot teacher-force ranks by its generation log-probs, best mean first", () => {
    const texts = train.slice(50, 54).map(task.render)
    // The third sample is the most likely per token, then the first; by sums the second would come before it.
    const logprobs = [[-0.5, -0.5, -0.5, -0.5, -0.5], [-2], [-0.1, -0.2], [-0.9, -0.9, -0.9]]
    const asked: Array<GenerateRequest> = []
    const scripted: LanguageModel = {
      name: "chatty",
      capabilities: { score: false, generationLogprobs: true, labelScores: true },
      generate: (request) => {
        asked.push(request)
        return Effect.succeed({
          texts,
          usage: { promptTokens: 1, completionTokens: 4 },
          ...(request.logprobs === true && { logprobs }),
        })
      },
      score: () => Effect.fail(new ScoreUnsupported({ model: "chatty", message: "no echo" })),
    }
    const result = Effect.runSync(teacher("auto", scripted, 11, 4).teach(requestAt(1, 2)))
    expect(asked.map((r) => r.logprobs)).toEqual([true])
    expect(result.lessons.map((l) => l.text)).toEqual([texts[2], texts[0]])
    expect(result.audit.map((a) => a.rankedBy)).toEqual(Array(4).fill("generation-logprobs"))
  })

  it("sim with score:false ranks by generation and asks for logprobs; by prompt score it never asks", () => {
    const asked: Array<GenerateRequest> = []
    const chat = withCapabilities(sim, { score: false, generationLogprobs: true, labelScores: true }, asked)
    const byGeneration = Effect.runSync(teacher("auto", chat).teach(requestAt(1)))
    expect(byGeneration.audit.every((a) => a.rankedBy === "generation-logprobs")).toBe(true)
    const forced: Array<GenerateRequest> = []
    const full = withCapabilities(sim, sim.capabilities, forced)
    const byPrompt = Effect.runSync(teacher("auto", full).teach(requestAt(1)))
    expect(byPrompt.audit.every((a) => a.rankedBy === "prompt-score")).toBe(true)
    expect(byGeneration.lessons).toEqual(byPrompt.lessons)
    expect(asked.map((r) => r.logprobs)).toEqual([true])
    // Byte-identical requests (and so cache keys) when ranking by prompt score: no logprobs field at all.
    expect(forced.map((r) => Object.hasOwn(r, "logprobs"))).toEqual([false])
    const { logprobs: _, ...rest } = asked[0]!
    expect(rest).toEqual(forced[0])
  })

  it("a sample without its log-probs fails the request rather than ranking by chance", () => {
    const silent: LanguageModel = {
      ...withCapabilities(sim, { score: false, generationLogprobs: true, labelScores: false }),
      generate: (request) => Effect.map(sim.generate(request), ({ texts, usage }) => ({ texts, usage })),
    }
    const failed = Effect.runSync(Effect.either(teacher("auto", silent).teach(requestAt(1))))
    expect(Either.isLeft(failed) && failed.left).toMatchObject({
      _tag: "BadResponse",
      model: "sim",
      message: expect.stringMatching(
        /asked for generation log-probabilities but sample 1 of 8 came without them/,
      ),
    })
  })
})

describe("log-probs that would rank by chance are refused, not ranked", () => {
  // An empty list's mean is 0, the score of a certain sample: the broken sample would be picked first.
  const cases: ReadonlyArray<[string, ReadonlyArray<number>, RegExp]> = [
    ["an empty list for a non-empty text", [], /sample 2 of 3 came without them/],
    ["a positive mean", [0.5, 0.7], /sample 2 of 3 came with a mean of 0.6, which is no log-probability/],
    ["a NaN", [-1, Number.NaN], /sample 2 of 3 came with a mean of NaN/],
  ]
  for (const [what, broken, message] of cases)
    it(what, () => {
      const texts = train.slice(60, 63).map(task.render)
      const scripted: LanguageModel = {
        name: "chatty",
        capabilities: { score: false, generationLogprobs: true, labelScores: true },
        generate: () =>
          Effect.succeed({
            texts,
            usage: { promptTokens: 1, completionTokens: 3 },
            logprobs: [[-2, -2], broken, [-3]],
          }),
        score: () => Effect.fail(new ScoreUnsupported({ model: "chatty", message: "no echo" })),
      }
      const failed = Effect.runSync(Effect.either(teacher("auto", scripted, 11, 3).teach(requestAt(1, 1))))
      expect(Either.isLeft(failed) && failed.left).toMatchObject({
        _tag: "BadResponse",
        model: "chatty",
        message: expect.stringMatching(message),
      })
    })
})

describe("a teacher that cannot rank fails clearly, before spending", () => {
  const cases: ReadonlyArray<[RankBy, LanguageModel["capabilities"], RegExp]> = [
    [
      "auto",
      { score: false, generationLogprobs: false, labelScores: false },
      /^teacher-1 cannot rank its synthetic samples: model "sim" neither scores a given continuation \(teacher-forcing\) nor returns generation log-probabilities; give the teachers a model that can/,
    ],
    [
      "prompt-score",
      { score: false, generationLogprobs: true, labelScores: true },
      /model "sim" cannot score a given continuation \(teacher-forcing\), which rankBy: prompt-score needs; use rankBy: generation-logprobs/,
    ],
    [
      "generation-logprobs",
      { score: true, generationLogprobs: false, labelScores: true },
      /model "sim" returns no log-probabilities of the tokens it generates, which rankBy: generation-logprobs needs; use rankBy: prompt-score/,
    ],
  ]
  for (const [rankBy, capabilities, message] of cases)
    it(`rankBy ${rankBy} with ${JSON.stringify(capabilities)}`, () => {
      const asked: Array<GenerateRequest> = []
      const model = withCapabilities(sim, capabilities, asked)
      const failed = Effect.runSync(Effect.either(teacher(rankBy, model).teach(requestAt(1))))
      expect(Either.isLeft(failed) && failed.left).toMatchObject({
        _tag: "ScoreUnsupported",
        model: "sim",
        message: expect.stringMatching(message),
      })
      expect(asked).toEqual([])
    })

  it("strategies that do not rank record no ranking", () => {
    const original = makeTeacher({
      id: "teacher-1" as AgentId,
      task,
      privateItems,
      heldOut: [],
      model: withCapabilities(sim, { score: false, generationLogprobs: false, labelScores: false }),
      filter: makePrivacyFilter([], { verbatim: "flag" }),
      strategy: { kind: "original-examples" },
      seed: 1,
    })
    const result = Effect.runSync(original.teach(requestAt(1)))
    expect(result.audit.map((a) => a.rankedBy)).toEqual([undefined, undefined])
  })
})
