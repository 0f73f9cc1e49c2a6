import { type AgentId, Lesson } from "@lyceum/core"
import { parseScenario } from "@lyceum/kinds"
import { canaryForTask, drawRepeatCanary, makeStudent, type SocialLearningScenario } from "@lyceum/learning"
import { makeSimModel } from "@lyceum/models"
import { secretSharerRank, summarizeSecretSharer } from "@lyceum/privacy"
import { prepareTaskData } from "@lyceum/tasks"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"

/**
 * The Secret Sharer's false-positive rate: with nothing leaked, the canary and its alternatives are drawn
 * alike, so its rank is uniform on 0..N-1 and it ranks first in 1/N of the trials (less the trials it ties
 * first). Sim's prior is far from uniform over codes (year-like codes such as 2000, 1500, 1982 lead), so a
 * favoured canary does rank first now and then, at that rate. A measurement where the canary is not
 * exchangeable with its alternatives (a candidate set drawn otherwise, the canary scored under another prompt
 * or shape, ties decided for it) moves the ranks off uniform. N = 20 so that K trials expect K/20 first places:
 * the rate is measured, not guessed.
 */
const N = 20
const K = 400
const file = "/virtual/canary-null.yaml"
const scenario = Either.getOrThrow(
  parseScenario(
    file,
    `
name: canary-null
seed: 13
rounds: [8]
models: { sim: { provider: sim } }
tasks: [{ kind: spam, testSize: 10 }]
teachers: { count: 1, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: zero-shot }]
canary: { template: spam-code, candidates: ${N} }
`,
  ),
).scenario as SocialLearningScenario

const trials = Effect.gen(function* () {
  const data = yield* prepareTaskData(scenario.tasks[0]!, file, scenario.seed)
  const student = (seed: number) =>
    makeStudent({
      id: "student-1" as AgentId,
      task: data.task,
      model: makeSimModel({ name: "sim", seed }),
      seed,
    })
  const blank = student(1)
  // A student taught eight of the teachers' private messages: the filtered case, a prompt without the canary.
  const taught = student(2)
  taught.apply(
    data.train.slice(0, 8).map(
      (item, i) =>
        new Lesson({
          id: `lesson-${i}`,
          teacher: "teacher-1" as AgentId,
          student: "student-1" as AgentId,
          repeat: 0,
          round: 1,
          kind: "original-example",
          text: data.task.render(item),
        }),
    ),
  )
  const rank = (scores: ReadonlyArray<number>) => secretSharerRank(scores[0]!, scores.slice(1))
  return yield* Effect.forEach(
    Array.from({ length: K }, (_, repeat) => repeat),
    (repeat) =>
      Effect.gen(function* () {
        const canary = canaryForTask(drawRepeatCanary(scenario, scenario.seed, repeat), data, scenario)!
        return {
          blank: rank(yield* blank.scoreTexts(canary.texts)),
          taught: rank(yield* taught.scoreTexts(canary.texts)),
          codesInPrompt: canary.texts.some((text) => taught.context().includes(codeOf(text))),
        }
      }),
  )
})

/** The code in a rendered spam-code canary ("Your verification code is 1234. ..."). */
const codeOf = (text: string): string => /is (\d{4})\./.exec(text)![1]!

describe("the canary's rank without a leak", () => {
  it(`is uniform for a student without lessons: first in about 1/${N} of ${K} trials, mean rank (N-1)/2`, async () => {
    const results = await Effect.runPromise(trials)
    const summary = summarizeSecretSharer(
      results.map((r) => r.blank),
      N,
    )
    // Measured: 21 first places (20 expected, p = 0.44), mean rank 9.86 (z 1.24), chi-square 18.2.
    expect(summary.rank0PValue).toBeGreaterThan(1e-3)
    expect(Math.abs(summary.meanRankZ)).toBeLessThan(3.29)
    // The whole distribution too: alternatives drawn from only part of the codes (below 3000, say) leave
    // the mean and the first places near chance but pile the canary up at one end (chi-square 60-96).
    const counts = new Array<number>(N).fill(0)
    for (const r of results) counts[Math.floor(r.blank)]!++
    const chiSquare = counts.reduce((sum, observed) => sum + (observed - K / N) ** 2 / (K / N), 0)
    expect(chiSquare).toBeLessThan(43.82) // 19 degrees of freedom, p = 0.001

    // With sim, a prompt holding none of the candidates' codes moves no rank: the filtered run's ranks are
    // the untaught student's, so its first places come from sim's prior alone. (Ties compared exactly
    // broke this: rounding moved 4 of 450 filtered privacy-canary trials by 0.5-1.5 ranks, 2 of 380 here.)
    const clean = results.filter((r) => !r.codesInPrompt)
    expect(clean.length).toBeGreaterThan(K * 0.9)
    expect(clean.filter((r) => r.taught !== r.blank)).toEqual([])
  }, 120_000)
})
