import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { parseScenarioWith } from "../src/ScenarioLoader.js"
import { testKinds } from "./TestKinds.js"

const parseScenario = parseScenarioWith(testKinds)

const scenario = (probes: string) => `
name: probes
seed: 1
rounds: [2]
models:
  sim: { provider: sim }
tasks:
  - kind: cultural
    cultures: [us]
    probes: ${probes}
teachers: { count: 1, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: zero-shot }]
`
const problems = (probes: string) => {
  const result = parseScenario("s.yaml", scenario(probes))
  return Either.isLeft(result) ? result.left.problems : []
}

describe("a cultural task's probes: file", () => {
  it("accepts each format with its own fields", () => {
    for (const probes of [
      "{ path: gd_prompt_en.tsv, format: geomlama }",
      "{ path: gd_prompt_zh.tsv, format: geomlama, language: zh, paraphrases: true }",
      "{ path: inputs_lang_country.json, format: shen, task: country-prediction }",
      "{ path: candle_dataset_v1.jsonl, format: candle }",
      "{ path: BLEnD/data, format: blend, language: local }",
    ]) {
      expect(problems(probes), probes).toEqual([])
    }
  })

  it("names the field and line of what does not fit the format", () => {
    expect(problems("{ path: a.json, format: shen }")).toEqual([
      { path: "tasks[0].probes.task", line: 10, message: "is missing" },
    ])
    expect(problems("{ path: a.tsv, format: tsv }")[0]).toMatchObject({
      path: "tasks[0].probes.format",
      message: expect.stringContaining('"geomlama", "shen", "candle", "blend"'),
    })
    expect(problems("{ path: d, format: blend, language: zh }")[0]).toMatchObject({
      path: "tasks[0].probes.language",
    })
    expect(problems("{ path: a.jsonl, format: candle, task: qa }")[0]).toMatchObject({
      path: "tasks[0].probes.task",
    })
    expect(problems("{ format: candle }")[0]).toMatchObject({ path: "tasks[0].probes.path" })
  })
})
