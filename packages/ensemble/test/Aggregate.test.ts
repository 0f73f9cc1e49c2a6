import { TaskItem } from "@lyceum/core"
import { makeArithmeticTask, makeClozeTask, makeSpamTask } from "@lyceum/tasks"
import { describe, expect, it } from "vitest"
import { answerKeys } from "../src/AnswerKey.js"
import { fitTfIdf, nearest, route } from "../src/aggregate/Route.js"
import { logOddsWeight, vote } from "../src/aggregate/Vote.js"
import { labelSet } from "../src/Pool.js"
import { problemsOf } from "./support.js"

const item = (input: string, target: string) => new TaskItem({ id: "i1", input, target })

describe("answer classes (as the task grades, without the target)", () => {
  it("spam: case and punctuation do not split a label; another label is another class", () => {
    const keys = answerKeys(makeSpamTask(), item("Text: hi\nClass:", " spam"), [
      " Spam.",
      "spam",
      " not spam",
    ])
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
  })

  it("cloze: the first word decides, as grading does", () => {
    const keys = answerKeys(makeClozeTask(), item("Fill in blank: a ____ ->", " paris"), [
      " Paris is",
      " paris.",
      " london",
    ])
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
  })

  it("arithmetic: solutions with the same final number agree; one without `####` abstains", () => {
    const keys = answerKeys(makeArithmeticTask(), item("Question: q\nAnswer:", " 2+2=4\n#### 4"), [
      " 4 apples\n#### 4",
      " so\n#### 4.0",
      " I think 4",
    ])
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).toBeUndefined()
  })
})

describe("vote", () => {
  it("takes the majority class, the first answer of it", () => {
    expect(vote(["a", "b", "b", undefined, "a", "b"], [1, 1, 1, 1, 1, 1], 1)).toEqual({
      winner: 1,
      share: 0.6,
    })
  })

  it("weights can overturn a majority", () => {
    expect(vote(["a", "a", "b"], [0.2, 0.2, 1], 1).winner).toBe(2)
  })

  it("breaks ties by the seed, over the tied classes only, the same for the same seed", () => {
    const winners = new Set<number>()
    for (let seed = 0; seed < 40; seed++) {
      const { winner } = vote(["a", "b", "c"], [1, 1, 0.5], seed)
      expect(vote(["a", "b", "c"], [1, 1, 0.5], seed).winner).toBe(winner)
      winners.add(winner)
    }
    expect([...winners].sort()).toEqual([0, 1])
  })

  it("log-odds weights from held-out accuracy: a coin gets none, better voters more", () => {
    expect(logOddsWeight(5, 8)).toBeCloseTo(Math.log(0.6 / 0.4), 12)
    expect(logOddsWeight(4, 8)).toBe(0)
    expect(logOddsWeight(1, 8)).toBe(0)
    expect(logOddsWeight(8, 8)).toBeCloseTo(Math.log(9), 12)
    // Held-out accuracies 2/8, 7/8, 6/8: the weak voter has no say, so the best one decides a 1-1 split.
    const weights = [logOddsWeight(2, 8), logOddsWeight(7, 8), logOddsWeight(6, 8)]
    expect(vote(["x", "y", "x"], weights, 0).winner).toBe(1)
    expect(vote(["y", "x", "y"], weights, 0).winner).toBe(1)
  })
})

describe("router", () => {
  it("finds neighbours by TF-IDF cosine", () => {
    const tfidf = fitTfIdf(["win a free prize now", "meeting at noon tomorrow", "free prize claim now"])
    const vectors = ["win a free prize now", "meeting at noon tomorrow", "free prize claim now"].map(
      tfidf.vector,
    )
    expect(nearest(tfidf.vector("claim your free prize"), vectors, 2)).toEqual([2, 0])
  })

  it("picks the proposer that was right on the neighbours, not the best overall", () => {
    const correct = [
      [true, true, true, true, false, false],
      [false, false, false, false, true, true],
    ]
    expect(route(correct, [4, 5])).toEqual({ proposer: 1, confidence: 1 })
    expect(route(correct, [0, 1, 4])).toEqual({ proposer: 0, confidence: 2 / 3 })
    // A tie on the neighbours goes to the better proposer on all held-out items.
    expect(route(correct, [0, 4]).proposer).toBe(0)
  })
})

describe("label set", () => {
  it("is the pool's distinct targets when few and repeated; none for open answers", () => {
    const pool = (targets: ReadonlyArray<string>) =>
      targets.map((t, i) => new TaskItem({ id: `${i}`, input: "x", target: t }))
    expect(labelSet(pool([" spam", " not spam", " spam", " not spam"]))).toEqual([" not spam", " spam"])
    expect(labelSet(pool([" a", " b", " c", " a"]))).toEqual([])
  })
})

describe("scenario checks", () => {
  const base = (aggregators: string, extra = "") => `
name: t
kind: ensemble
models: { m: { provider: sim }, blind: { provider: openai, baseURL: "http://localhost:1/v1", model: x, score: none } }
tasks: [{ kind: spam, testSize: 10 }]
proposers: [{ name: a, model: m }, { name: b, model: m }]
aggregators:
${aggregators}
${extra}`

  it("accepts a valid file and names cascade variants by threshold", () => {
    expect(problemsOf(base("  - { kind: vote }\n  - { kind: cascade, thresholds: [0.5, 0.9] }"))).toEqual([])
  })

  it("refuses what an aggregator cannot do", () => {
    const problems = problemsOf(
      base(
        [
          "  - { kind: weighted-vote }",
          "  - { kind: judge, model: nowhere }",
          "  - { kind: cascade, confidence: judge, thresholds: [0.5] }",
          "  - { kind: cascade, name: c2, confidence: margin, thresholds: [0.5], model: m }",
          "  - { kind: judge, name: j2, model: blind }",
        ].join("\n"),
      ),
    ).join("\n")
    expect(problems).toContain("set holdout")
    expect(problems).toContain('unknown model "nowhere"')
    expect(problems).toContain("confidence: judge asks a model")
    expect(problems).toContain("uses no model of its own")
    expect(problems).toContain('model "blind" has score: none')
  })

  it("refuses a judge without a model and proposers named like the coalition", () => {
    const problems = problemsOf(
      base("  - { kind: judge }").replace("{ name: b, model: m }", "{ name: coalition, model: m }"),
    ).join("\n")
    expect(problems).toContain("aggregators[0].model: is missing")
    expect(problems).toContain('proposers[1].name: "coalition" names the coalition')
  })
})
