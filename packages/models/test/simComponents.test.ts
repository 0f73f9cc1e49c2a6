import { makeRng } from "@lyceum/core"
import { describe, expect, it } from "vitest"
import { backgroundFor } from "../src/sim/Background.js"
import {
  availableShapes,
  Capital,
  Lower,
  Mixed,
  ShapeTable,
  shapeDistribution,
  shapeOf,
  Upper,
} from "../src/sim/Casing.js"
import { InContextIndex } from "../src/sim/InContext.js"
import { KneserNey } from "../src/sim/KneserNey.js"
import { pickIndex } from "../src/sim/Sampling.js"
import { SimPredictor } from "../src/sim/SimPredictor.js"
import { tokenize } from "../src/sim/Tokenizer.js"

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0)

describe("KneserNey", () => {
  const stream = [0, 1, 2, 3, 1, 2, 4, 1, 2, 3, 0, 1, 5, 2, 3]
  const model = new KneserNey(stream, 7)

  it("gives a distribution that sums to one and agrees with single probabilities", () => {
    const out = new Float64Array(7)
    for (const [u, v] of [
      [0, 1],
      [1, 2],
      [6, 6],
      [3, 0],
    ] as const) {
      model.distribution(u, v, out)
      expect(sum(out)).toBeCloseTo(1, 12)
      for (let w = 0; w < 7; w++) expect(model.probability(u, v, w)).toBeCloseTo(out[w]!, 12)
      expect(Math.min(...out)).toBeGreaterThan(0)
    }
  })

  it("prefers what followed the context in training", () => {
    expect(model.probability(0, 1, 2)).toBeGreaterThan(model.probability(0, 1, 4))
    expect(model.probability(1, 2, 3)).toBeGreaterThan(model.probability(1, 2, 0))
  })
})

describe("background", () => {
  const background = backgroundFor()

  it("is trained once and shared", () => {
    expect(backgroundFor()).toBe(background)
    expect(background.vocabulary.length).toBeGreaterThan(500)
  })

  it("spells unknown words and numbers with similar but not identical probabilities", () => {
    const a = background.spellingLogProbability("4821")
    const b = background.spellingLogProbability("7305")
    expect(a).not.toBe(b)
    expect(Math.abs(a - b)).toBeLessThan(2)
    expect(background.classOf("4821")).toBe(background.classOf("7305"))
    expect(background.classOf("4821")).not.toBe(background.classOf("48210"))
    const word = background.spellingLogProbability("blorpish")
    expect(Number.isFinite(word)).toBe(true)
    expect(word).toBeLessThan(background.spellingLogProbability("blor"))
    expect(background.spellingLogProbability("the")).toBe(0)
  })
})

describe("casing", () => {
  it("classifies shapes and merges shapes that spell the same", () => {
    expect(shapeOf("win", "win")).toBe(Lower)
    expect(shapeOf("Win", "win")).toBe(Capital)
    expect(shapeOf("WIN", "win")).toBe(Upper)
    expect(shapeOf("wIn", "win")).toBe(Mixed)
    expect(availableShapes("a")).toEqual([Lower, Capital])
    expect(availableShapes("42")).toEqual([Lower])
  })

  it("gives a distribution over the available shapes that follows the counts", () => {
    const table = new ShapeTable()
    table.add("win", "WIN", false, 5)
    const prior = Float64Array.from([0.7, 0.2, 0.05, 0.05, 0.3, 0.6, 0.05, 0.05])
    const shapes = shapeDistribution("win", false, prior, [table])
    expect(sum([...shapes.values()])).toBeCloseTo(1, 12)
    expect(shapes.get(Upper)!).toBeGreaterThan(0.5)
    const plain = shapeDistribution("pub", true, prior, [table])
    expect(plain.get(Capital)!).toBeGreaterThan(plain.get(Lower)!)
  })
})

describe("pickIndex", () => {
  const rng = makeRng(1)

  it("takes the most likely entry at temperature 0", () => {
    expect(pickIndex([0.1, 0.5, 0.4], 0, 1, rng)).toBe(1)
    // A class spread over e^3 strings is not the most likely single string.
    expect(pickIndex([0.1, 0.5, 0.4], 0, 1, rng, [0, 3, 0])).toBe(2)
  })

  it("keeps only the nucleus under topP and never picks zero-probability entries", () => {
    for (let i = 0; i < 200; i++) {
      expect(pickIndex([0.05, 0.6, 0.3, 0.05], 1, 0.8, rng)).toBeOneOf([1, 2])
      expect(pickIndex([0, 1, 0], 2, 1, rng)).toBe(1)
    }
  })
})

describe("in-context index", () => {
  it("predicts what followed the same context, and pop undoes push exactly", () => {
    const index = new InContextIndex(0, () => 1)
    for (const id of [5, 6, 7, 0, 0, 5, 6, 8, 0, 0, 5, 6]) index.push(id)
    const before = index.predict()
    expect([...before.distribution.keys()].sort()).toEqual([7, 8])
    expect(before.share).toBeGreaterThan(0.5)
    index.push(9)
    index.push(10)
    index.pop()
    index.pop()
    expect(index.predict()).toEqual(before)
  })
})

describe("sim predictor", () => {
  const prompt = "Text: Call 09061701461 to claim your prize\nClass: spam\n\nText: See you at the pub\nClass:"

  it("has a key distribution that sums to one and matches single key probabilities", () => {
    const predictor = new SimPredictor(backgroundFor())
    for (const token of tokenize(prompt)) predictor.push(token)
    const { ids, probabilities } = predictor.keyDistribution()
    expect(sum(probabilities)).toBeCloseTo(1, 9)
    const keys = Array.from(ids, (id) => predictor.keyOf(id))
    for (const key of ["spam", "not", "the", "\n"]) {
      const at = keys.indexOf(key)
      expect(at).toBeGreaterThanOrEqual(0)
      expect(probabilities[at]!).toBeCloseTo(predictor.keyProbability(key), 12)
    }
  })

  it("copies an unknown number from the prompt after its context", () => {
    const predictor = new SimPredictor(backgroundFor())
    for (const token of tokenize(`${prompt} not spam\n\nText: Call`)) predictor.push(token)
    expect(predictor.keyProbability("09061701461")).toBeGreaterThan(
      100 * predictor.keyProbability("09061701462"),
    )
  })
})
