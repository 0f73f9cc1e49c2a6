import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { loadScenarioWith, parseScenarioWith } from "../src/ScenarioLoader.js"
import { testKinds, tinyLessons } from "./TestKinds.js"

const parse = parseScenarioWith(testKinds)

const lessons = tinyLessons

const players = `name: duo
kind: players
models:
  sim: { provider: sim }
tasks: [{ kind: yesno }]
players: [{ model: sim }, { model: [sim, sim] }]
`

/** The problems of an invalid scenario as `line N, path: message` lines. */
const problems = (text: string): Array<string> => {
  const result = parse("bad.yaml", text)
  if (Either.isRight(result)) throw new Error("expected the scenario to be invalid")
  return result.left.problems.map((p) => `line ${p.line}, ${p.path}: ${p.message}`)
}

describe("the kind of a scenario", () => {
  it("is the first kind when kind: is absent, and is filled in", () => {
    const loaded = Either.getOrThrow(parse("tiny.yaml", lessons))
    expect(loaded.scenario).toMatchObject({ kind: "lessons", seed: 0, repeats: 1, name: "tiny" })
    expect(loaded.scenario).toHaveProperty("teachers", { count: 2, model: "sim" })
    expect(Either.getOrThrow(parse("tiny.yaml", `kind: lessons\n${lessons}`)).scenario.kind).toBe("lessons")
  })

  it("decodes another kind with its own fields, the base fields alike", () => {
    const loaded = Either.getOrThrow(parse("duo.yaml", players))
    expect(loaded.scenario).toMatchObject({ kind: "players", tasks: [{ kind: "yesno", testSize: 100 }] })
    expect(loaded.scenario).toHaveProperty("players", [{ model: "sim" }, { model: ["sim", "sim"] }])
  })

  it("refuses the fields of another kind, naming the kind they belong to and what to do", () => {
    expect(problems(`${players}rounds: [2]\nbogus: 1\n`)).toEqual([
      "line 7, rounds: rounds is a field of kind lessons, not players: set kind: lessons (or remove rounds)",
      expect.stringMatching(/^line 8, bogus: unknown field; expected one of: name, .*, kind, players$/),
    ])
    // Without kind: the scenario is read as the first kind: the fix is the kind: line, not the first kind's
    // fields (they are not listed as missing).
    expect(problems(players.replace("kind: players\n", ""))).toEqual([
      "line 5, players: players is a field of kind players, not lessons: this file has no kind: line, so it is read as lessons; add kind: players (or remove players)",
    ])
    // A file of the first kind with a stray field of another still lists what it lacks.
    expect(
      problems(
        `${players.replace("kind: players\n", "").replace(/players: .*\n/, "")}teachers: { count: 2, model: sim }\n`,
      ),
    ).toEqual([
      "line undefined, rounds: is missing",
      "line undefined, students: is missing",
      "line undefined, methods: is missing",
    ])
    expect(problems(players.replace("players: [{ model: sim }, { model: [sim, sim] }]\n", ""))).toEqual([
      "line undefined, players: is missing",
    ])
  })

  it("names the known kinds when kind: is none of them, at its line, with the base fields' problems", () => {
    expect(problems(`${players.replace("kind: players", "kind: debate")}repeats: 0\n`)).toEqual([
      'line 2, kind: unknown kind "debate"; expected one of: lessons, players (without kind: lessons)',
      "line 7, repeats: expected a positive integer, got 0",
    ])
    expect(problems(lessons.replace("name: tiny", "name: tiny\nkind: [lessons]"))).toEqual([
      "line 2, kind: unknown kind a list of 1; expected one of: lessons, players (without kind: lessons)",
    ])
  })
})

describe("model references", () => {
  it("are checked by the kind with the base's helper, each name of a chain at its index", () => {
    expect(problems(players.replace("[sim, sim]", "[sim, big]"))).toEqual([
      'line 6, players[1].model[1]: unknown model "big"; declare it under models (declared: sim)',
    ])
    expect(
      problems(lessons.replace("students: { count: 1, model: sim }", "students: { count: 1, model: gpt }")),
    ).toEqual(['line 7, students.model: unknown model "gpt"; declare it under models (declared: sim)'])
  })
})

describe("limits of the base fields", () => {
  const cases: Array<[string, string, string]> = [
    [
      "a 101-character name",
      lessons.replace("name: tiny", `name: ${"a".repeat(101)}`),
      `line 1, name: expected a name of at most 100 characters, got "${"a".repeat(40)}..." (101 characters)`,
    ],
    [
      "a seed beyond 32 bits",
      `${lessons}seed: 4294967296\n`,
      "line 9, seed: expected a non-negative integer up to 4294967295 (seeds are 32-bit), got 4294967296",
    ],
    [
      "1001 repeats",
      `${lessons}repeats: 1001\n`,
      "line 9, repeats: expected a positive integer up to 1000 (the paper uses 5), got 1001",
    ],
    [
      "a test split beyond the tasks' limit",
      lessons.replace("{ kind: spam }", "{ kind: cloze, testSize: 100001 }"),
      "line 5, tasks[0].testSize: expected a positive integer up to 100000 (each test item costs a model call per student and round), got 100001",
    ],
    [
      "51 tasks",
      lessons.replace(
        "[{ kind: spam }]",
        `[${Array.from({ length: 51 }, () => "{ kind: spam }").join(", ")}]`,
      ),
      "line 5, tasks: expected at most 50 tasks, got a list of 51",
    ],
    [
      "a kind's variants beyond the cohort limit",
      `${lessons.replace(
        "[{ strategy: synthetic-examples }]",
        `[${Array.from({ length: 11 }, () => "{ strategy: zero-shot }").join(", ")}]`,
      )}repeats: 1000\n`,
      "line 9, repeats: repeats × tasks × methods is 1000 × 1 × 11 = 11,000 cohorts; at most 10,000 (every cohort is planned before the run starts): split the scenario",
    ],
  ]
  for (const [name, text, expected] of cases) {
    it(name, () => expect(problems(text)).toEqual([expected]))
  }

  it("a kind without variants has no cohort limit of its own", () => {
    expect(Either.isRight(parse("duo.yaml", `${players}repeats: 1000\n`))).toBe(true)
  })
})

describe("loading a file", () => {
  it("names a file it cannot read", async () => {
    const result = await Effect.runPromise(Effect.either(loadScenarioWith(testKinds)("/nonexistent/x.yaml")))
    expect(Either.isLeft(result) && result.left.message).toBe(
      "/nonexistent/x.yaml: 1 problem\n  (file): cannot read the file: there is no such file (ENOENT)",
    )
  })

  it("reports YAML syntax errors with their line", () => {
    expect(problems("name: x\nrounds: [1, 2\nmodels: {}\n")[0]).toMatch(/^line [2-9].*not valid YAML/)
  })
})

describe("lines of problems", () => {
  it("are the field's key line when its value is a block list or map (not the line below)", () => {
    const text = `${lessons}extra:\n  - 1\nrepeats:\n  nested: 1\n`
    expect(problems(text)).toEqual([
      expect.stringMatching(/^line 9, extra: unknown field/),
      "line 11, repeats: expected a number, got a map",
    ])
  })
})
