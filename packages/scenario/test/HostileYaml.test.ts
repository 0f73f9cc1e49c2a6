import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { ScenarioError } from "../src/ScenarioError.js"
import { loadScenarioWith, parseScenarioWith } from "../src/ScenarioLoader.js"
import { YamlLimits } from "../src/YamlText.js"
import { testKinds, tinyLessons } from "./TestKinds.js"

const parseScenario = parseScenarioWith(testKinds)
const loadScenario = loadScenarioWith(testKinds)

const valid = tinyLessons

/** Ten anchors, each ten aliases of the one before: 10^10 values once expanded. */
const laughs = `${valid}lol:\n${Array.from(
  { length: 10 },
  (_, i) =>
    `  l${i}: &l${i} [${i === 0 ? '"lol"' : Array.from({ length: 10 }, () => `*l${i - 1}`).join(", ")}]`,
).join("\n")}\n`

const huge = `${valid}description: |\n${"  lorem ipsum dolor sit amet\n".repeat(12_000)}`

/** Each input, and the line its one problem must be reported at. */
const corpus: Record<string, { readonly text: string; readonly line: number; readonly message: RegExp }> = {
  "undefined alias": { text: `${valid}description: *nope\n`, line: 9, message: /alias \*nope has no anchor/ },
  "alias used before its anchor": {
    text: `description: *d\n${valid.replace("name: tiny", "name: &d tiny")}`,
    line: 1,
    message: /has no anchor &d before it/,
  },
  "recursive alias": {
    text: valid.replace("tasks: [{ kind: spam }]", "tasks: &t [*t]"),
    line: 5,
    message: /inside the node &t it names/,
  },
  "recursive alias in a map": {
    text: valid.replace("students: { count: 1, model: sim }", "students: &s { count: 1, model: sim, x: *s }"),
    line: 7,
    message: /a cycle/,
  },
  // Reported at the first alias of an anchor that holds aliases itself: where the expansion multiplies.
  "billion laughs": { text: laughs, line: 12, message: /billion laughs/ },
  "alias to a scalar used as a map": {
    text: `base: &b 3\n${valid.replace("{ kind: spam }", "{ <<: *b, kind: spam }")}`,
    line: 6,
    message: /merge key \(<<\) takes a map/,
  },
  "merge of a list of scalars": {
    text: `x: &x 1\n${valid.replace("{ kind: spam }", "{ <<: [*x], kind: spam }")}`,
    line: 6,
    message: /merge key/,
  },
  "too many aliases": {
    text: `${valid.replace("name: tiny", "name: &n tiny")}x: [${Array.from({ length: YamlLimits.aliases + 1 }, () => "*n").join(", ")}]\n`,
    line: 9,
    message: /more than 1000 aliases/,
  },
  "huge file": {
    text: huge,
    // The line where the limit is passed.
    line: huge.slice(0, YamlLimits.bytes).split("\n").length,
    message: /the file is 340 KiB; a scenario file may be at most 256 KiB/,
  },
  "binary bytes": { text: `${valid}\u0000\u0001\u0002\n`, line: 9, message: /NUL byte/ },
  "tabs as indentation": {
    text: valid.replace("  sim:", "\tsim:"),
    line: 4,
    message: /not valid YAML: Tabs/,
  },
  "duplicate keys": { text: `${valid}rounds: [1]\n`, line: 9, message: /"rounds" appears twice/ },
  // An aliased key is the key it names: `*r : [1]` silently replaced rounds.
  "a duplicate key through an alias": {
    text: `${valid.replace("rounds:", "&r rounds:")}*r : [1]\n`,
    line: 9,
    message: /"rounds" appears twice/,
  },
  "a list at the top": { text: "- name: x\n- rounds: [1]\n", line: 1, message: /expected a map/ },
  "a scalar at the top": { text: "just words\n", line: 1, message: /expected a map .*got "just words"/ },
  "an empty file": { text: "", line: 1, message: /expected a map .*got nothing/ },
  "deep flow nesting": {
    text: `${valid}x: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
    line: 9,
    message: /nested more than 64 levels/,
  },
  "deep block nesting": {
    text: `${valid}description:\n${Array.from({ length: 700 }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}\n`,
    // The field's own line (its key), not the line below where its block value starts.
    line: 9,
    message: /description: .*expected a string, got a list of 1/,
  },
  "deep compact nesting": {
    text: `${valid}description:\n  ${"- ".repeat(100_000)}x\n`,
    line: 10,
    message: /not valid YAML|nested/,
  },
  // Found where the sequence should have ended.
  "unclosed flow sequence": { text: valid.replace("[2, 4]", "[2, 4"), line: 3, message: /not valid YAML/ },
  "two documents": { text: `${valid}---\nname: other\n`, line: 9, message: /not valid YAML/ },
}

describe("hostile YAML", () => {
  for (const [name, { text, line, message }] of Object.entries(corpus)) {
    // Bounded time is the test timeout's to catch (a hang or blow-up fails it); wall-clock bounds belong in
    // benchmarks, not in tests on a loaded machine.
    it(`${name}: one ScenarioError with its line`, () => {
      const result = parseScenario("hostile.yaml", text)
      expect(Either.isLeft(result)).toBe(true)
      const error = (result as Either.Left<ScenarioError, unknown>).left
      expect(error).toBeInstanceOf(ScenarioError)
      expect(error.problems[0], error.message).toMatchObject({ line })
      expect(`${error.problems[0]!.path}: ${error.problems[0]!.message}`).toMatch(message)
      expect(error.message).toMatch(/^hostile\.yaml: 1 problem\n/)
    })
  }

  it("keeps merge keys working", () => {
    const merged = Either.getOrThrow(
      parseScenario(
        "merge.yaml",
        valid.replace(
          "methods: [{ strategy: synthetic-examples }]",
          "methods:\n  - &base { strategy: synthetic-examples, nGen: 4, name: a }\n  - { <<: *base, name: b, nGen: 6 }",
        ),
      ).pipe(Either.mapLeft((e) => new Error(e.message))),
    )
    const methods = (merged.scenario as unknown as { methods: Array<{ name: string; nGen?: number }> })
      .methods
    expect(methods.map((m) => [m.name, "nGen" in m && m.nGen])).toEqual([
      ["a", 4],
      ["b", 6],
    ])
  })

  it("reports one stray indented line once, at its line and column", () => {
    const error = parseScenario(
      "stray.yaml",
      valid.replace("teachers: { count: 2, model: sim }", "teachers: { count: 2, model: sim }\n   oops"),
    )
    expect(Either.isLeft(error) && error.left.problems).toEqual([
      { path: "", line: 7, column: 1, message: expect.stringMatching(/^not valid YAML: /) },
    ])
  })

  it("refuses a huge file without reading it, and a file that is not UTF-8, each at a line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyceum-hostile-"))
    const big = join(dir, "big.yaml")
    writeFileSync(big, `${valid}description: |\n${"  x\n".repeat(5_000_000)}`)
    const started = performance.now()
    const result = await Effect.runPromise(Effect.either(loadScenario(big)))
    expect(performance.now() - started).toBeLessThan(2000)
    expect(Either.isLeft(result) && result.left.problems[0]).toMatchObject({
      line: expect.any(Number),
      message: expect.stringMatching(/the file is 19\.1 MiB; a scenario file may be at most 256 KiB/),
    })
    const latin1 = join(dir, "latin1.yaml")
    writeFileSync(latin1, Buffer.concat([Buffer.from(`${valid}description: caf`), Buffer.from([0xe9, 0x0a])]))
    const bad = await Effect.runPromise(Effect.either(loadScenario(latin1)))
    expect(Either.isLeft(bad) && bad.left.problems[0]).toEqual({
      path: "",
      line: 9,
      message: "not a UTF-8 text file (binary data?)",
    })
  })
})
