import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { ScenarioError } from "@lyceum/scenario"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { isLargeRun, preflight } from "../src/Preflight.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-preflight-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const scenario = (tasks: string, extra = "") => `name: pre
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks:
${tasks}
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
${extra}`

/** Loads the text as if it were `dir/scenario.yaml` (dataset paths are relative to it) and preflights it. */
const check = (text: string) => {
  const loaded = Either.getOrThrowWith(parseScenario(join(dir, "scenario.yaml"), text), (e) => e)
  return Effect.runPromise(Effect.either(preflight(loaded)))
}

const problemsOf = async (text: string) => {
  const result = await check(text)
  if (Either.isRight(result)) throw new Error("expected the preflight to fail")
  expect(result.left).toBeInstanceOf(ScenarioError)
  return result.left.problems
}

describe("preflight: what can be known before the first model call", () => {
  it("names a dataset file that does not exist, with the scenario's line and field", async () => {
    const problems = await problemsOf(
      scenario("  - { kind: spam }\n  - { kind: spam, dataset: { path: ./missing.tsv } }"),
    )
    expect(problems).toEqual([
      {
        path: "tasks[1].dataset.path",
        line: 7,
        message: expect.stringMatching(/cannot read the SMS Spam Collection at .*missing\.tsv: ENOENT/),
      },
    ])
  })

  it("reads the file the way the run would: a malformed line is named with its file and line", async () => {
    writeFileSync(
      join(dir, "spam.tsv"),
      "ham\tsee you at noon\nspam\tWIN a prize now\nthis line has no label\n",
    )
    const problems = await problemsOf(scenario("  - kind: spam\n    dataset:\n      path: spam.tsv"))
    expect(problems).toEqual([
      {
        path: "tasks[0].dataset.path",
        line: 8,
        message: expect.stringMatching(
          /spam\.tsv:3: expected `ham<TAB>message` or `spam<TAB>message`, found no tab/,
        ),
      },
    ])
  })

  it("reports every task's problem at once; too few examples for the test split is the testSize's", async () => {
    writeFileSync(join(dir, "few.tsv"), "ham\tsee you at noon\nspam\tWIN a prize now\nham\tok\n")
    const problems = await problemsOf(
      scenario(
        "  - { kind: spam, dataset: { path: few.tsv }, testSize: 5 }\n  - { kind: cloze, dataset: { path: nope.txt } }",
      ),
    )
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["tasks[0].testSize", 6],
      ["tasks[1].dataset.path", 7],
    ])
  })

  it("passes a scenario whose data loads, and plans its work", async () => {
    const result = await check(scenario("  - { kind: spam, testSize: 10 }"))
    const { plan } = Either.getOrThrow(result)
    // 3 measurements (rounds 0-2) of 10 items by 1 student; 2 teaching rounds in which each of 2 teachers
    // generates once and scores its 8 samples.
    expect(plan).toMatchObject({ cohorts: 1, agents: 3, rounds: 3, modelCalls: 3 * 10 + 2 * (2 + 2 * 8) })
    expect(plan.tokens).toBeGreaterThan(0)
    expect(isLargeRun(plan)).toBe(false)
  })

  it("calls a run large when it plans millions of model calls", async () => {
    const big = scenario(
      "  - { kind: spam, testSize: 400 }",
      "repeats: 20\ncanary: { kind: code, candidates: 10000 }\n",
    )
      .replace("count: 2", "count: 50")
      .replace("count: 1,", "count: 100,")
    const loaded = Either.getOrThrowWith(parseScenario(join(dir, "big.yaml"), big), (e) => e)
    const { plan } = await Effect.runPromise(preflight(loaded))
    expect(plan.modelCalls).toBeGreaterThan(1_000_000)
    expect(isLargeRun(plan)).toBe(true)
  })

  it("calls a run large at the largest repeats a scenario may have (~0.3 M calls: minutes with sim, hours with an API)", async () => {
    // 1000 repeats of 3 measurements of 100 items and 2 teaching rounds: within every hard limit, ~3× the
    // model calls of the largest shipped scenario (privacy-canary: ~0.11 M), so it must be confirmed.
    const loaded = Either.getOrThrowWith(
      parseScenario(join(dir, "many.yaml"), scenario("  - { kind: spam, testSize: 100 }", "repeats: 1000\n")),
      (e) => e,
    )
    const { plan } = await Effect.runPromise(preflight(loaded))
    expect(plan.modelCalls).toBe(1000 * (3 * 100 + 2 * (2 + 2 * 8)))
    expect(isLargeRun(plan)).toBe(true)
  })
})

describe("preflight: probe files of a cultural task", () => {
  it("names a probe file that does not exist, or whose rows cannot be read, at the probes field", async () => {
    const cultural = (probes: string) =>
      `name: probes\nrounds: [2]\nmodels:\n  sim: { provider: sim }\ntasks:\n  - kind: cultural\n    cultures: [us, china]\n    probes: ${probes}\nteachers: { count: 2, model: sim }\nstudents: { count: 1, model: sim }\nmethods: [{ strategy: instruction }]\n`
    const missing = await problemsOf(cultural("{ path: nowhere.tsv, format: geomlama }"))
    expect(missing).toEqual([
      { path: "tasks[0].probes.path", line: 8, message: expect.stringMatching(/nowhere\.tsv.*ENOENT/) },
    ])
    writeFileSync(join(dir, "candle.jsonl"), "{ not json\n")
    const malformed = await problemsOf(cultural("{ path: candle.jsonl, format: candle }"))
    expect(malformed).toEqual([
      { path: "tasks[0].probes.path", line: 8, message: expect.stringMatching(/candle\.jsonl:1/) },
    ])
    writeFileSync(
      join(dir, "gd_prompt_en.tsv"),
      "Prompt\tCorresponding Questions\tAns\tCandidate Ans\tContext\n",
    )
    const empty = await problemsOf(cultural("{ path: gd_prompt_en.tsv, format: geomlama }"))
    expect(empty).toEqual([
      {
        path: "tasks[0].probes.path",
        line: 8,
        message: expect.stringMatching(/gd_prompt_en\.tsv: no probes in it/),
      },
    ])
  })
})
