import { parseScenarioWith } from "@lyceum/scenario"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { socialLearningSchema } from "../../src/config/index.js"

const parseScenario = parseScenarioWith([socialLearningSchema])

const valid = `name: tiny
rounds: [2, 4]
models:
  sim: { provider: sim }
  chat: { provider: openai, baseURL: "http://127.0.0.1:1/v1", model: m, score: none }
tasks: [{ kind: spam }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

/** The problems of an invalid scenario as `line N, path: message` lines. */
const problems = (text: string): Array<string> => {
  const result = parseScenario("bad.yaml", text)
  if (Either.isRight(result)) throw new Error("expected the scenario to be invalid")
  return result.left.problems.map((p) => `line ${p.line}, ${p.path}: ${p.message}`)
}

describe("messages say what a field accepts, never the schema's internals", () => {
  it("a negative seed, a zero count, a fraction, a word for a number", () => {
    expect(
      problems(`${valid.replace("count: 2", "count: 0").replace("[2, 4]", "[2.5, x]")}seed: -1\n`),
    ).toEqual([
      "line 2, rounds[0]: expected an integer, got 2.5",
      'line 2, rounds[1]: expected a number, got "x"',
      "line 7, teachers.count: expected a positive integer, got 0",
      "line 10, seed: expected a non-negative integer, got -1",
    ])
  })

  it("unions are reported once, without `undefined` or struct internals", () => {
    const lines = problems(
      valid
        .replace("{ kind: spam }", "{ kind: spam, dataset: 5 }, { kind: cloze, dataset: { pth: x } }")
        .replace("methods: [{ strategy: synthetic-examples }]", "methods: 3"),
    )
    expect(lines).toEqual([
      'line 6, tasks[0].dataset: expected "builtin" or a map with path, got 5',
      "line 6, tasks[1].dataset.pth: unknown field; expected one of: path",
      "line 6, tasks[1].dataset.path: is missing",
      "line 9, methods: expected a non-empty list, got 3",
    ])
    for (const line of lines) expect(line).not.toMatch(/Expected|undefined|Struct|Encoded|<->/)
  })

  it("a field's description never stands in for its constraint", () => {
    expect(problems(valid.replace("model: m,", 'model: "",'))).toEqual([
      'line 5, models.chat.model: expected a non-empty string, got ""',
    ])
  })

  it("the top level must be a map", () => {
    expect(problems("- a\n- b\n")).toEqual(["line 1, : expected a map (key: value), got a list of 2"])
  })
})

describe("rounds", () => {
  it("refuses no rounds: a run of round 0 alone measures but never teaches", () => {
    expect(problems(valid.replace("[2, 4]", "[]"))).toEqual([
      "line 2, rounds: expected at least one round, e.g. [2, 4, 8] (round 0 alone only measures the students before any lesson), got an empty list",
    ])
  })

  it("refuses a prompt size that does not grow", () => {
    expect(problems(valid.replace("[2, 4]", "[4, 4]"))[0]).toMatch(
      /^line 2, rounds\[1\]: prompt sizes must grow from one round to the next \(4 then 4\)/,
    )
  })
})

describe("sizes that cannot be meant or cannot fit are refused with the limit and its reason", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "10^12 teachers",
      valid.replace("count: 2", "count: 1000000000000"),
      /^line 7, teachers\.count: expected a positive integer up to 1000 \(every agent is an actor.*\), got 1000000000000$/,
    ],
    [
      "10^6 students",
      valid.replace("count: 1,", "count: 1000000,"),
      /^line 8, students\.count: expected a positive integer up to 1000 /,
    ],
    [
      "2^31 repeats",
      `${valid}repeats: 2147483648\n`,
      /^line 10, repeats: expected a positive integer up to 1000 /,
    ],
    [
      "a test split of 10^12",
      valid.replace("{ kind: spam }", "{ kind: spam, testSize: 1000000000000 }"),
      /^line 6, tasks\[0\]\.testSize: expected a positive integer up to 100000 \(each test item costs a model call/,
    ],
    [
      "a prompt of 10^9 lessons",
      valid.replace("[2, 4]", "[1000000000]"),
      /^line 2, rounds\[0\]: expected a positive integer up to 10000 \(a prompt of more lessons fits no model's context\)/,
    ],
    [
      "101 methods",
      valid.replace(
        "methods: [{ strategy: synthetic-examples }]",
        `methods: [${Array.from({ length: 101 }, (_, i) => `{ strategy: zero-shot, name: m${i} }`).join(", ")}]`,
      ),
      /^line 9, methods: expected at most 100 methods, got a list of 101$/,
    ],
    [
      // 3.8 MB: the file's size limit refuses it before anything is parsed.
      "100,000 methods",
      valid.replace(
        "methods: [{ strategy: synthetic-examples }]",
        `methods: [${Array.from({ length: 100_000 }, (_, i) => `{ strategy: zero-shot, name: m${i} }`).join(", ")}]`,
      ),
      /^line 9, : the file is 3798 KiB; a scenario file may be at most 256 KiB/,
    ],
    [
      "a 10,000-character name",
      valid.replace("name: tiny", `name: ${"a".repeat(10_000)}`),
      /^line 1, name: expected a name of at most 100 characters, got "a{40}\.\.\." \(10000 characters\)$/,
    ],
    [
      "a seed beyond 32 bits",
      `${valid}seed: 4294967296\n`,
      /^line 10, seed: expected a non-negative integer up to 4294967295 \(seeds are 32-bit\)/,
    ],
    [
      "20,000 cohorts",
      `${valid.replace(
        "methods: [{ strategy: synthetic-examples }]",
        `methods: [${Array.from({ length: 20 }, (_, i) => `{ strategy: zero-shot, name: m${i} }`).join(", ")}]`,
      )}repeats: 1000\n`,
      /^line 10, repeats: repeats × tasks × methods is 1000 × 1 × 20 = 20,000 cohorts; at most 10,000/,
    ],
  ]
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const found = problems(text)
      expect(found).toHaveLength(1)
      expect(found[0]).toMatch(expected)
    })
  }
})

describe("scoring needs a model that scores", () => {
  const teachersOnChat = valid.replace(
    "teachers: { count: 2, model: sim }",
    "teachers: { count: 2, model: chat }",
  )

  it("synthetic examples are ranked by the teachers' model", () => {
    expect(problems(teachersOnChat)).toEqual([
      expect.stringMatching(
        /^line 9, methods\[0\]\.strategy: synthetic-examples ranks each teacher's samples by perplexity, but the teachers cannot rank: their model "chat" has score: none, so it cannot rank samples \(neither teacher-forcing nor generation log-probabilities\); give teachers a model that scores/,
      ),
    ])
  })

  it("a preset whose server ranks only by generation log-probs (ollama: score chat) refuses rankBy: prompt-score", () => {
    const ollama = (score: string, rankBy: string) =>
      teachersOnChat
        .replace(
          'chat: { provider: openai, baseURL: "http://127.0.0.1:1/v1", model: m, score: none }',
          `chat: { provider: openai, preset: ollama, model: llama3.2${score} }`,
        )
        .replace("{ strategy: synthetic-examples }", `{ strategy: synthetic-examples${rankBy} }`)
    for (const rankBy of ["", ", rankBy: auto", ", rankBy: generation-logprobs"])
      expect(Either.isRight(parseScenario("ok.yaml", ollama("", rankBy))), rankBy).toBe(true)
    expect(problems(ollama("", ", rankBy: prompt-score"))).toEqual([
      expect.stringMatching(
        /^line 9, methods\[0\]\.rankBy: rankBy: prompt-score scores each teacher's samples by teacher-forcing, but their model "chat" has score: chat \(preset ollama's default\), so it cannot teacher-force .*; use rankBy: generation-logprobs/,
      ),
    ])
    expect(Either.isRight(parseScenario("ok.yaml", ollama(", score: auto", ", rankBy: prompt-score")))).toBe(
      true,
    )
  })

  it("rankBy belongs to the strategies that rank samples", () => {
    const other = valid.replace(
      "methods: [{ strategy: synthetic-examples }]",
      "methods: [{ strategy: instruction, rankBy: generation-logprobs }, { name: a, strategy: adversarial-examples, smuggle: [base64], rankBy: prompt-score }]\ncanary: { kind: code }",
    )
    expect(problems(other)).toEqual([
      expect.stringMatching(/^line 9, methods\[0\]\.rankBy: unknown field; expected one of: .*temperature/),
    ])
    expect(
      problems(
        valid.replace("{ strategy: synthetic-examples }", "{ strategy: synthetic-examples, rankBy: loss }"),
      ),
    ).toEqual([
      'line 9, methods[0].rankBy: expected one of "auto", "prompt-score", "generation-logprobs", got "loss"',
    ])
  })

  it("the voting aggregator has teachers score; instruction and random original examples do not", () => {
    const methods = teachersOnChat
      .replace("count: 2, model: chat }", "count: 2, model: chat, holdout: 0.2 }")
      .replace(
        "methods: [{ strategy: synthetic-examples }]",
        "methods: [{ strategy: original-examples, aggregator: voting, privacy: { verbatim: flag } }, { strategy: instruction }, { name: o, strategy: original-examples, privacy: { verbatim: flag } }]",
      )
    expect(problems(methods)).toEqual([
      expect.stringMatching(/^line 9, methods\[0\]\.aggregator: the voting aggregator/),
    ])
  })

  it("a canary is scored by the students' model", () => {
    const canary = `${valid.replace("students: { count: 1, model: sim }", "students: { count: 1, model: chat }")}canary: { kind: code }\n`
    expect(problems(canary)).toEqual([
      expect.stringMatching(
        /^line 10, canary: the canary is measured by every student scoring it .*their model "chat" has score: none/,
      ),
    ])
  })

  it("a fallback chain scores with its first model", () => {
    const chain = (models: string) =>
      valid.replace("teachers: { count: 2, model: sim }", `teachers: { count: 2, model: ${models} }`)
    expect(problems(chain("[chat, sim]"))[0]).toMatch(
      /the fallback chain's first model "chat" has score: none, so it cannot rank samples .* \(a chain scores with its first model\)/,
    )
    // Backups that cannot score are skipped for scoring calls.
    expect(Either.isRight(parseScenario("ok.yaml", chain("[sim, chat]")))).toBe(true)
  })
})

describe("names that JavaScript gives a meaning", () => {
  it("a model named __proto__ is refused instead of vanishing from the decoded models", () => {
    const proto = valid
      .replace("  sim: { provider: sim }", "  sim: { provider: sim }\n  __proto__: { provider: sim }")
      .replace("teachers: { count: 2, model: sim }", "teachers: { count: 2, model: __proto__ }")
    expect(problems(proto)).toEqual([
      "line 5, models.__proto__: unknown field, not allowed here",
      `line 8, teachers.model: expected a name of letters, digits, '-' or '_' or a non-empty list, got "__proto__"`,
    ])
  })

  it("a model Object.prototype has (constructor, toString) is unknown unless declared", () => {
    const inherited = valid.replace(
      "teachers: { count: 2, model: sim }",
      "teachers: { count: 2, model: constructor }",
    )
    expect(problems(inherited)).toEqual([
      expect.stringMatching(/^line 7, teachers\.model: unknown model "constructor"/),
    ])
    const declared = valid
      .replace("  sim: { provider: sim }", "  sim: { provider: sim }\n  constructor: { provider: sim }")
      .replace("teachers: { count: 2, model: sim }", "teachers: { count: 2, model: constructor }")
    expect(Either.isRight(parseScenario("ok.yaml", declared))).toBe(true)
  })
})
