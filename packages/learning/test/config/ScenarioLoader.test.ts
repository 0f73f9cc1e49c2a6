import { readdirSync, readFileSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { loadScenarioWith, parseScenarioWith } from "@lyceum/scenario"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { type SocialLearningScenario, socialLearningSchema } from "../../src/config/index.js"

const quickstart = fileURLToPath(new URL("../../../../scenarios/quickstart.yaml", import.meta.url))

const parseScenario = (file: string, text: string) =>
  Either.map(parseScenarioWith([socialLearningSchema])(file, text), (loaded) => ({
    ...loaded,
    scenario: loaded.scenario as SocialLearningScenario,
  }))
const loadScenario = (file: string) =>
  Effect.map(loadScenarioWith([socialLearningSchema])(file), (loaded) => ({
    ...loaded,
    scenario: loaded.scenario as SocialLearningScenario,
  }))

const valid = `
name: tiny
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

const problemsOf = (text: string) => {
  const result = parseScenario("bad.yaml", text)
  if (Either.isRight(result)) throw new Error("expected the scenario to be invalid")
  return result.left
}

describe("scenario loading", () => {
  it("validates every shipped scenario file", async () => {
    const dir = fileURLToPath(new URL("../../../../scenarios/", import.meta.url))
    // Scenarios of other kinds are validated where every kind is registered (@lyceum/kinds).
    const files = readdirSync(dir).filter(
      (f) =>
        f.endsWith(".yaml") && !/^kind: *(?!social-learning *$)/m.test(readFileSync(join(dir, f), "utf8")),
    )
    expect(files.length).toBeGreaterThanOrEqual(7)
    for (const file of files) {
      const loaded = await Effect.runPromise(Effect.either(loadScenario(join(dir, file))))
      expect(Either.isRight(loaded) ? "ok" : String(loaded.left), file).toBe("ok")
    }
  })

  it("loads the shipped quickstart scenario", async () => {
    const loaded = await Effect.runPromise(loadScenario(quickstart))
    expect(loaded.scenario.name).toBe("quickstart")
    expect(loaded.scenario.teachers.count).toBe(2)
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it("fills defaults", () => {
    const loaded = Either.getOrThrow(parseScenario("tiny.yaml", valid))
    expect(loaded.scenario).toMatchObject({
      seed: 0,
      repeats: 1,
      privacy: { verbatim: "drop" },
      tasks: [{ format: "base", dataset: "builtin", testSize: 100 }],
      methods: [{ nGen: 8, topK: 2, samples: 8, aggregator: "random" }],
    })
  })

  it("keeps no dropped text unless the scenario's privacy section says so; a method cannot", () => {
    const plain = Either.getOrThrow(parseScenario("tiny.yaml", valid))
    expect(plain.scenario.privacy.keepDroppedText).toBe(false)
    const keeping = Either.getOrThrow(
      parseScenario("keep.yaml", `${valid}privacy: { verbatim: drop, keepDroppedText: true }\n`),
    )
    expect(keeping.scenario.privacy).toMatchObject({ verbatim: "drop", keepDroppedText: true })
    // What the run stores is the run's choice: a method's privacy section replaces only the filter policy.
    const error = problemsOf(
      valid.replace("synthetic-examples }", "synthetic-examples, privacy: { keepDroppedText: true } }"),
    )
    expect(error.problems.map((p) => p.path)).toEqual(["methods[0].privacy.keepDroppedText"])
  })

  it("reports every problem with its field path, line and what was expected", () => {
    const error = problemsOf(valid.replace("count: 2", "count: -2").replace("kind: spam", "kind: spm"))
    expect(error.problems.length).toBeGreaterThanOrEqual(2)
    const count = error.problems.find((p) => p.path === "teachers.count")
    expect(count).toMatchObject({ line: 7 })
    expect(count!.message).toMatch(/positive/)
    const kind = error.problems.find((p) => p.path === "tasks[0].kind")
    expect(kind).toMatchObject({ line: 6 })
    expect(kind!.message).toContain('"spam"')
    expect(error.message).toMatch(/^bad\.yaml: \d+ problems\n/)
    expect(error.message).toContain("line 7, teachers.count:")
  })

  it("reports a missing field at its parent's line and rejects unknown fields", () => {
    const error = problemsOf(
      valid.replace("rounds: [2, 4]\n", "").replace("synthetic-examples }", "synthetic-examples, nGenn: 3 }"),
    )
    expect(error.problems.find((p) => p.path === "rounds")?.message).toMatch(/missing/i)
    expect(error.problems.find((p) => p.path === "methods[0].nGenn")).toMatchObject({ line: 8 })
  })

  it("checks references between sections", () => {
    const error = problemsOf(
      valid.replace("students: { count: 1, model: sim }", "students: { count: 1, model: gpt }"),
    )
    expect(error.problems).toEqual([
      {
        path: "students.model",
        line: 8,
        message: 'unknown model "gpt"; declare it under models (declared: sim)',
      },
    ])
  })

  it("refuses the original-examples baseline under a dropping verbatim filter, saying what to do", () => {
    const error = problemsOf(valid.replace("synthetic-examples", "original-examples"))
    expect(error.problems[0]).toMatchObject({ path: "methods[0]", line: 9 })
    expect(error.problems[0]?.message).toContain("privacy: { verbatim: flag }")
    const fixed = valid.replace(
      "{ strategy: synthetic-examples }",
      "{ strategy: original-examples, privacy: { verbatim: flag } }",
    )
    expect(Either.isRight(parseScenario("ok.yaml", fixed))).toBe(true)
  })

  it("checks rounds, method names, voting hold-out and manual instructions", () => {
    const error = problemsOf(
      valid
        .replace("rounds: [2, 4]", "rounds: [4, 2]")
        .replace(
          "methods: [{ strategy: synthetic-examples }]",
          "methods: [{ strategy: synthetic-examples, aggregator: voting }, { strategy: synthetic-examples }, { strategy: manual-instruction, text: { cloze: hi } }]",
        ),
    )
    expect(error.problems.map((p) => p.path)).toEqual([
      "rounds[1]",
      "methods[0].aggregator",
      "methods[1].name",
      "methods[2].text",
    ])
    expect(error.problems[1]!.message).toContain("teachers.holdout")
    expect(error.problems[3]!.message).toContain("text.spam")
  })

  it("reports YAML syntax errors with their line", () => {
    const error = problemsOf("name: x\nrounds: [1, 2\nmodels: {}\n")
    expect(error.problems[0]?.message).toMatch(/not valid YAML/)
    expect(error.problems[0]?.line).toBeGreaterThanOrEqual(2)
  })

  it("names a file it cannot read", async () => {
    const result = await Effect.runPromise(Effect.either(loadScenario("/nonexistent/x.yaml")))
    expect(Either.isLeft(result) && result.left.message).toBe(
      "/nonexistent/x.yaml: 1 problem\n  (file): cannot read the file: there is no such file (ENOENT)",
    )
    const dir = await mkdtemp(join(tmpdir(), "lyceum-scenario-dir-"))
    const folder = await Effect.runPromise(Effect.either(loadScenario(dir)))
    expect(Either.isLeft(folder) && folder.left.message).toBe(
      `${dir}: 1 problem\n  (file): cannot read the file: it is a directory, not a scenario file (EISDIR)`,
    )
  })
})

describe("model references", () => {
  it("accepts a fallback chain and checks every name in it", () => {
    const chain = valid.replace(
      "students: { count: 1, model: sim }",
      "students: { count: 1, model: [sim, backup] }",
    )
    const error = problemsOf(chain)
    expect(error.problems).toEqual([
      {
        path: "students.model[1]",
        line: 8,
        message: 'unknown model "backup"; declare it under models (declared: sim)',
      },
    ])
    const declared = chain.replace(
      "sim: { provider: sim }",
      "sim: { provider: sim }\n  backup: { provider: sim, seed: 9 }",
    )
    expect(Either.getOrThrow(parseScenario("ok.yaml", declared)).scenario.students.model).toEqual([
      "sim",
      "backup",
    ])
  })

  it("checks an adversarial method: a canary to smuggle, known transforms, enough teachers and slots", () => {
    const adversarial = (method: string, canary = "canary: { template: spam-code }\n") =>
      valid.replace("methods: [{ strategy: synthetic-examples }]", `methods: [${method}]\n${canary}`)
    const ok = Either.getOrThrow(
      parseScenario("adv.yaml", adversarial("{ strategy: adversarial-examples, smuggle: [base64, spaced] }")),
    )
    expect(ok.scenario.methods[0]).toMatchObject({
      adversaries: 1,
      split: 0,
      smuggle: ["base64", "spaced"],
      nGen: 8,
    })
    const error = problemsOf(
      adversarial(
        "{ strategy: adversarial-examples, adversaries: 3, split: 3, topK: 2 }, { name: x, strategy: adversarial-examples, smuggle: [morse] }",
        "",
      ),
    )
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "methods[1].smuggle[0]",
        "methods[0].strategy",
        "methods[0].adversaries",
        "methods[0].split",
      ]),
    )
    expect(error.problems.find((p) => p.path === "methods[0].strategy")!.message).toContain("canary")
    expect(problemsOf(adversarial("{ strategy: adversarial-examples }")).problems[0]!.message).toContain(
      "list transforms under smuggle",
    )
  })

  it("accepts a cap on each teacher's private data and refuses zero", () => {
    const capped = valid.replace(
      "teachers: { count: 2, model: sim }",
      "teachers: { count: 2, model: sim, dataSize: 12 }",
    )
    expect(Either.getOrThrow(parseScenario("cap.yaml", capped)).scenario.teachers.dataSize).toBe(12)
    expect(problemsOf(capped.replace("dataSize: 12", "dataSize: 0")).problems[0]!.path).toBe(
      "teachers.dataSize",
    )
  })

  it("fits the canary to each task: a kind picks every task's own template, a template fits one task kind", () => {
    const withTasks = (tasks: string, canary: string) =>
      valid.replace("tasks: [{ kind: spam }]", `tasks: ${tasks}`) + `canary: ${canary}\n`
    const ok = Either.getOrThrow(
      parseScenario(
        "c.yaml",
        withTasks("[{ kind: cloze }, { kind: arithmetic }, { kind: spam }]", "{ kind: name }"),
      ),
    )
    expect(ok.scenario.canary).toEqual({ kind: "name", candidates: 1000 })
    const wrong = problemsOf(withTasks("[{ kind: spam }, { kind: cloze }]", "{ template: spam-code }"))
    expect(wrong.problems.map((p) => [p.path, p.message])).toEqual([
      ["tasks[1].kind", "canary template spam-code fits spam tasks, not cloze; use canary.kind instead"],
    ])
    expect(problemsOf(withTasks("[{ kind: yesno }]", "{ kind: code }")).problems[0]!.message).toContain(
      "no canary template fits yesno tasks",
    )
    expect(
      problemsOf(withTasks("[{ kind: spam }]", "{ kind: code, template: spam-code }")).problems[0]!.path,
    ).toBe("canary")
  })
})
