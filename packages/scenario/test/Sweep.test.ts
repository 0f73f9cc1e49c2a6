import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { Limits } from "../src/Scenario.js"
import { parseScenarioWith } from "../src/ScenarioLoader.js"
import { scenarioPoints, storedConfig } from "../src/SweepPoints.js"
import { testKinds } from "./TestKinds.js"

const parse = parseScenarioWith(testKinds)

const base = `name: swept
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples, nGen: 8 }]
`

const loaded = (text: string) => Either.getOrThrow(parse("sweep.yaml", text))

/** The problems of an invalid scenario as `line N, path: message` lines. */
const problems = (text: string): Array<string> => {
  const result = parse("bad.yaml", text)
  if (Either.isRight(result)) throw new Error("expected the scenario to be invalid")
  return result.left.problems.map((p) => `line ${p.line}, ${p.path}: ${p.message}`)
}

describe("sweep: expansion", () => {
  it("grid: every combination, the last field fastest, each point decoded with its values", () => {
    const sweep = loaded(
      `${base}sweep:\n  fields:\n    methods.0.nGen: [2, 4]\n    students.count: [1, 2, 3]\n`,
    ).sweep!
    expect(sweep.config.mode).toBe("grid")
    expect(sweep.points.map((p) => p.label)).toEqual([
      "nGen=2,count=1",
      "nGen=2,count=2",
      "nGen=2,count=3",
      "nGen=4,count=1",
      "nGen=4,count=2",
      "nGen=4,count=3",
    ])
    expect(sweep.points[4]!.values).toEqual({ "methods.0.nGen": 4, "students.count": 2 })
    const scenario = sweep.points[4]!.scenario as unknown as {
      methods: Array<{ nGen: number }>
      students: { count: number }
    }
    expect(scenario.methods[0]!.nGen).toBe(4)
    expect(scenario.students.count).toBe(2)
    expect(scenario).not.toHaveProperty("sweep")
  })

  it("zip: the lists walked together; the loaded scenario is the first point, stored with its sweep", () => {
    const text = `${base}sweep:\n  mode: zip\n  fields:\n    methods.0.nGen: [2, 4]\n    teachers.count: [3, 5]\n`
    const scenario = loaded(text)
    expect(scenarioPoints(scenario).map((p) => [p.point, p.label])).toEqual([
      [0, "nGen=2,count=3"],
      [1, "nGen=4,count=5"],
    ])
    expect(scenario.scenario).toMatchObject({ teachers: { count: 3 } })
    expect(storedConfig(scenario)).toMatchObject({
      teachers: { count: 3 },
      sweep: { mode: "zip", fields: { "teachers.count": [3, 5] } },
    })
  })

  it("names a value by its whole path when two paths end alike, and shows lists as JSON", () => {
    const sweep = loaded(
      `${base}sweep:\n  mode: zip\n  fields:\n    teachers.count: [1]\n    students.count: [2]\n    rounds: [[2, 4, 6]]\n`,
    ).sweep!
    expect(sweep.points.map((p) => p.label)).toEqual(["teachers.count=1,students.count=2,rounds=[2,4,6]"])
  })

  it("a scenario without sweep: has one unlabelled point and is stored as decoded", () => {
    const plain = loaded(base)
    expect(plain.sweep).toBeUndefined()
    expect(scenarioPoints(plain)).toEqual([{ point: undefined, label: "", scenario: plain.scenario }])
    expect(storedConfig(plain)).toBe(plain.scenario)
  })
})

describe("sweep: errors name sweep.fields.<path> and its line", () => {
  it("a path that does not exist, with what is there instead", () => {
    expect(
      problems(
        `${base}sweep:\n  fields:\n    methods.1.nGen: [2]\n    teachers.size: [1]\n    methods.0.temperature: [0.3]\n`,
      ),
    ).toEqual([
      "line 11, sweep.fields.methods.1.nGen: no such field: methods has 1 item; there is no item 1 (counted from 0)",
      "line 12, sweep.fields.teachers.size: no such field: teachers has no field size: write it in the scenario with its base value, then sweep it",
      "line 13, sweep.fields.methods.0.temperature: no such field: methods.0 has no field temperature: write it in the scenario with its base value, then sweep it",
    ])
  })

  it("an empty list, lists of different lengths in zip, a run's own field, a path inside another", () => {
    expect(
      problems(
        `${base}sweep:\n  mode: zip\n  fields:\n    methods.0.nGen: [2, 4]\n    students.count: []\n    teachers.count: [1, 2, 3]\n    seed: [1, 2]\n    methods.0: [{ strategy: x }, { strategy: y }]\n`,
      ),
    ).toEqual([
      "line 12, sweep.fields.methods.0.nGen: is inside methods.0, which is swept too: sweep one of them",
      "line 13, sweep.fields.students.count: expected a non-empty list of values",
      "line 14, sweep.fields.teachers.count: has 3 values, methods.0.nGen has 2: in mode zip every list has the same length (or use mode: grid)",
      "line 15, sweep.fields.seed: seed belongs to the whole run, not to a point: repeats already play each point with other seeds",
    ])
  })

  it("a malformed sweep, with the rest of the document's problems", () => {
    expect(
      problems(`${base.replace("count: 1", "count: 0")}sweep:\n  mode: cross\n  fields:\n    rounds: 3\n`),
    ).toEqual([
      expect.stringMatching(/^line 7, students\.count: /),
      'line 10, sweep.mode: expected one of "grid", "zip", got "cross"',
      "line 12, sweep.fields.rounds: expected a list, got 3",
    ])
    expect(problems(`${base}sweep:\n  fields: {}\n`)).toEqual([
      "line 10, sweep.fields: expected at least one field to sweep",
    ])
  })

  it("more points than a run may plan", () => {
    const many = `[${Array.from({ length: 101 }, (_, i) => i + 1).join(", ")}]`
    expect(
      problems(`${base}sweep:\n  fields:\n    methods.0.nGen: ${many}\n    teachers.count: ${many}\n`),
    ).toEqual([
      `line 10, sweep.fields: the sweep has 10,201 points (101 × 101); at most ${Limits.cohorts.toLocaleString("en-US")}: split it into several runs`,
    ])
  })

  it("every point is checked as a whole scenario: a bad value names its point and the line of the value", () => {
    expect(
      problems(`${base}sweep:\n  fields:\n    students.count: [1, 0]\n    methods.0.nGen: [2, 3]\n`),
    ).toEqual([
      "line 11, sweep.fields.students.count: point 2 (count=0,nGen=2): students.count: expected a positive integer, got 0",
      "line 11, sweep.fields.students.count: point 3 (count=0,nGen=3): students.count: expected a positive integer, got 0",
    ])
    // A model reference swept to an undeclared model: the kind's cross-checks run on every point too.
    expect(problems(`${base}sweep:\n  fields:\n    teachers.model: [sim, gpt]\n`)).toEqual([
      expect.stringMatching(
        /^line 11, sweep\.fields\.teachers\.model: point 1 \(model=gpt\): teachers\.model: /,
      ),
    ])
  })

  it("points × repeats × tasks × variants within the cohort limit", () => {
    const values = `[${Array.from({ length: 20 }, (_, i) => i + 1).join(", ")}]`
    expect(
      problems(
        `${base.replace("name: swept", "name: swept\nrepeats: 1000")}sweep:\n  fields:\n    methods.0.nGen: ${values}\n`,
      ),
    ).toEqual([
      "line 10, sweep: points × repeats × tasks × variants is 20,000 cohorts over 20 points; at most 10,000 (every cohort is planned before the run starts): split the sweep",
    ])
  })
})
