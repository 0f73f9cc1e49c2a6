import { Effect } from "effect"
import { describe, expect, it } from "vitest"
// The sim model lives in @lyceum/models, which depends on this package (for its own tests); a relative import
// keeps the dependency graph acyclic while checking the probes against the real model.
import { makeSimModel } from "../../models/src/sim/SimModel.js"
import { builtinProbes } from "../src/cultural/BuiltinProbes.js"
import { builtinCultureIds } from "../src/cultural/Culture.js"
import type { ProbeKind } from "../src/cultural/ProbeItem.js"
import { accuracyByCulture, culturalGap } from "../src/cultural/ProbeMetrics.js"
import { makeProbeTask } from "../src/cultural/ProbeTask.js"
import { culturalFactStatements, priorCorpus } from "../src/cultural/TeachingData.js"

type Model = ReturnType<typeof makeSimModel>

/** Evaluates like a student: prompt = learned context + item input, greedy, 16 tokens, the task's stop. */
const outcomes = (
  model: Model,
  cultures: ReadonlyArray<string>,
  context: string,
  kinds?: ReadonlyArray<ProbeKind>,
) => {
  const task = makeProbeTask({
    probes: builtinProbes(kinds === undefined ? { cultures } : { cultures, kinds }),
  })
  return Effect.runPromise(
    Effect.forEach(task.examples(), (item) =>
      Effect.map(
        model.generate({
          prompt: task.prompt(item, context),
          temperature: 0,
          maxTokens: 16,
          stop: task.stop,
        }),
        (response) => ({ itemId: item.id, correct: task.grade(response.texts[0] ?? "", item) }),
      ),
    ),
  ).then((rows) => ({ rows, task }))
}

const accuracy = async (model: Model, culture: string, context: string, kinds?: ReadonlyArray<ProbeKind>) => {
  const { rows } = await outcomes(model, [culture], context, kinds)
  return rows.filter((row) => row.correct).length / rows.length
}

const facts = (culture: string) =>
  culturalFactStatements(culture)
    .map((statement) => statement.text)
    .join("\n\n")

describe("cultural probes with the sim model", () => {
  const model = makeSimModel({ name: "sim", seed: 1 })

  it("answers a culture's probes better with that culture's fact sentences in its prompt", async () => {
    for (const culture of builtinCultureIds) {
      const without = await accuracy(model, culture, "")
      const { rows, task } = await outcomes(model, [culture], facts(culture))
      const withFacts = rows.filter((row) => row.correct).length / rows.length
      expect(withFacts, culture).toBeGreaterThan(without + 0.2)
      // The fact sentences answer every cloze probe: the in-context component continues the matching sentence.
      const cloze = rows.filter((row) => task.metadata(row.itemId)?.kind === "cloze")
      expect(cloze.filter((row) => row.correct).length / cloze.length, culture).toBeGreaterThanOrEqual(0.9)
    }
  })

  it("gains less from another culture's facts than from the probed culture's", async () => {
    const own = await accuracy(model, "kenya", facts("kenya"), ["cloze"])
    const other = await accuracy(model, "kenya", facts("japan"), ["cloze"])
    expect(own).toBeGreaterThan(other + 0.3)
  })

  it("a student whose prior knows one culture shows a cultural gap that facts in its prompt close", async () => {
    const student = makeSimModel({ name: "sim-us", seed: 1, corpus: priorCorpus("us") })
    const gapWith = async (context: string) => {
      const { rows, task } = await outcomes(student, ["us", "japan"], context, ["cloze"])
      return culturalGap(accuracyByCulture(rows, task.metadata))!
    }
    const before = await gapWith("")
    expect(before.best.culture).toBe("us")
    expect(before.gap).toBeGreaterThan(0.3)
    const japanBefore = before.behindBest.find((c) => c.culture === "japan")!.accuracy
    // Japan's facts alone teach Japan (and, in this model, crowd out the prior's answers about the US) ...
    const japanOnly = await gapWith(facts("japan"))
    expect(japanOnly.behindBest.find((c) => c.culture === "japan")!.accuracy).toBeGreaterThan(
      japanBefore + 0.5,
    )
    // ... while both cultures' facts close the gap.
    const both = await gapWith(`${facts("us")}\n\n${facts("japan")}`)
    expect(both.gap).toBeLessThan(0.1)
    expect(both.worst.accuracy).toBeGreaterThan(0.9)
  })
})
