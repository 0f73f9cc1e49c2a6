import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { type FakeServer, makeFakeOpenAi } from "../../models/test/support/FakeOpenAi.js"
import { Progress } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-ranked-by-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a scenario into a fresh database; the lessons' methods and rankings, counted. */
const run = (name: string, text: string) =>
  Effect.gen(function* () {
    const db = join(dir, `${name}.db`)
    const loaded = Either.getOrThrow(parseScenario(join(dir, `${name}.yaml`), text))
    const outcome = yield* runScenario({
      loaded,
      versions: { lyceum: "test", node: process.version },
      env: {},
    }).pipe(
      Effect.provide([Store.layer({ filename: db }), Layer.succeed(Progress, { report: () => Effect.void })]),
      Effect.either,
    )
    const lessons = yield* Effect.flatMap(Store, (store) =>
      store.query(
        "SELECT method, ranked_by, count(*) AS n FROM lessons GROUP BY method, ranked_by ORDER BY method",
        [],
      ),
    ).pipe(Effect.provide(Store.layer({ filename: db })))
    return { outcome, lessons }
  })

describe("lessons.ranked_by", () => {
  it("records how each lesson's teacher ranked: prompt score on sim by default, generation log-probs when asked, NULL where nothing is ranked", async () => {
    const { outcome, lessons } = await Effect.runPromise(
      run(
        "sim",
        `
name: ranked-by
seed: 3
rounds: [2]
models: { sim: { provider: sim } }
tasks: [{ kind: spam, testSize: 4 }]
teachers: { count: 2, model: sim, dataSize: 16 }
students: { count: 1, model: sim }
methods:
  - { strategy: synthetic-examples, samples: 4 }
  - { name: by-generation, strategy: synthetic-examples, samples: 4, rankBy: generation-logprobs }
  - { strategy: original-examples, privacy: { verbatim: flag } }
`,
      ),
    )
    expect(Either.isRight(outcome)).toBe(true)
    expect(lessons).toEqual([
      { method: "by-generation", ranked_by: "generation-logprobs", n: 8 },
      { method: "original-examples", ranked_by: null, n: expect.any(Number) },
      { method: "synthetic-examples", ranked_by: "prompt-score", n: 8 },
    ])
  })

  const servers: ReadonlyArray<FakeServer> = ["ollama", "llamacpp", "openai"]
  for (const server of servers)
    it(`a synthetic-examples run on a ${server}-shaped server ranks by generation log-probs`, async () => {
      const { outcome, lessons } = await Effect.runPromise(
        Effect.scoped(
          Effect.flatMap(makeFakeOpenAi({ server }), (fake) =>
            run(
              server,
              `
name: ranked-by-${server}
seed: 3
rounds: [2]
models:
  remote: { provider: openai, baseURL: '${fake.baseURL}', model: m, score: auto, maxRetries: 0 }
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 4 }]
teachers: { count: 2, model: remote, dataSize: 16 }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples, samples: 4 }]
`,
            ),
          ),
        ),
      )
      expect(Either.isRight(outcome) ? "completed" : String(outcome.left)).toBe("completed")
      expect(lessons).toEqual([{ method: "synthetic-examples", ranked_by: "generation-logprobs", n: 8 }])
    })
})
