import { type LanguageModel, makeSimModel, makeZeroModel } from "@lyceum/models"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { type Holdings, holdingsOf } from "../../src/agents/Holdings.js"
import { AgentAnswers, type WrittenLesson } from "../../src/agents/Protocol.js"
import { makeShard } from "../../src/agents/Shard.js"
import type { PopulationScenario } from "../../src/config/PopulationConfig.js"
import { drawPairs } from "../../src/kind/Pairs.js"
import { evaluateAgentsPerMessage } from "../../src/kind/Round.js"
import { generateGraph } from "../../src/topology/index.js"
import { scenarioOf, taskDataOf } from "./support.js"

const sim = makeSimModel({ name: "sim", seed: 5 })
const zero = makeZeroModel({ name: "zero" })

/** A cohort of `scenario` (repeat 0) with variant `variant`'s method and privacy. */
const cohort = (scenario: PopulationScenario, variant = 0) => {
  const data = taskDataOf(scenario)
  const method = scenario.methods[variant]!
  const id = { repeat: 0, task: data.task.name, method: method.name ?? method.strategy }
  const holdings = holdingsOf({ scenario, data, seed: scenario.seed, id })
  const shard = (
    first: number,
    size: number,
    options: {
      readonly model?: LanguageModel
      readonly keepDroppedText?: boolean
      readonly holdings?: Holdings
      /** Another method's filter policy, with this cohort's random streams. */
      readonly privacyOf?: number
    } = {},
  ) =>
    makeShard({
      scenario,
      task: data.task,
      seed: scenario.seed,
      id,
      method,
      privacy: scenario.methods[options.privacyOf ?? variant]!.privacy ?? scenario.privacy,
      keepDroppedText: options.keepDroppedText ?? false,
      holdings: options.holdings ?? holdings,
      first,
      size,
      model: options.model ?? zero,
    })
  return { data, holdings, shard, render: data.task.render }
}

const run = Effect.runSync
const teachOne = (
  shard: ReturnType<ReturnType<typeof cohort>["shard"]>,
  round: number,
  teacher: number,
  learner: number,
) => run(shard.teach(round, [teacher], [learner]))[0]!

describe("Shard: teaching", () => {
  it("original-examples: a seed's lesson is one of its own examples, verbatim (flagged as such)", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(0, 10)
    const teacher = c.holdings.seeds[1]!
    const own = new Set(c.holdings.privateItems(teacher).map(c.render))
    const texts = new Set<string>()
    for (let round = 1; round <= 40; round++) {
      const lesson = teachOne(shard, round, teacher, (teacher + 1) % 10)
      expect(own.has(lesson.text)).toBe(true)
      // verbatim: flag; the lesson copies the teacher's example.
      expect(lesson.action).toBe("flag")
      expect(lesson.score).toBe(0)
      texts.add(lesson.text)
    }
    // Drawn per round, not always the same example.
    expect(texts.size).toBeGreaterThan(10)
  })

  it("original-examples: an agent holding only lessons relays one of them (its filter has nothing to guard)", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(0, 10)
    const agent = [...Array(10).keys()].find((a) => !c.holdings.seeds.includes(a))!
    run(shard.learn(1, 0, [agent, agent], ["lesson one", "lesson two"], [0, 0]))
    const seen = new Set<string>()
    for (let round = 2; round < 30; round++) {
      const lesson = teachOne(shard, round, agent, (agent + 1) % 10)
      expect(lesson.action).toBe("allow")
      expect(lesson.decision).toBeUndefined()
      seen.add(lesson.text)
    }
    expect(seen).toEqual(new Set(["lesson one", "lesson two"]))
  })

  it("an agent holding nothing answers `none` without asking its model", () => {
    const c = cohort(scenarioOf({ methods: "[{ strategy: synthetic-examples }]" }))
    const refusing: LanguageModel = {
      ...zero,
      generate: () => Effect.die("asked to generate"),
      score: () => Effect.die("asked to score"),
    }
    const shard = c.shard(0, 10, { model: refusing })
    const empty = [...Array(10).keys()].filter((a) => !c.holdings.seeds.includes(a))
    const lessons = run(
      shard.teach(
        1,
        empty,
        empty.map((a) => (a + 1) % 10),
      ),
    )
    expect(lessons).toEqual(empty.map(() => ({ text: "", action: "none", score: 0 })))
  })

  it("synthetic-examples: the lesson is a parseable sample that passed the filter, scored by the model", () => {
    const c = cohort(scenarioOf({ methods: "[{ strategy: synthetic-examples, samples: 3 }]" }))
    const shard = c.shard(0, 10, { model: sim })
    const teacher = c.holdings.seeds[1]!
    const lessons = run(shard.teach(1, [teacher, teacher], [0, 5]))
    for (const lesson of lessons) {
      // verbatim: drop (the scenario's default): a copy of a private example leaves as "".
      if (lesson.action === "drop") expect(lesson.text).toBe("")
      if (lesson.action !== "allow") continue
      expect(c.data.task.parse(lesson.text)).toBeDefined()
      expect(lesson.score).toBeLessThan(0)
    }
    expect(lessons.some((l) => l.action === "allow")).toBe(true)
  })
})

describe("Shard: the canary holder's filter", () => {
  const scenario = scenarioOf()
  // One cohort's streams, each method's filter: filter-on (secrets: drop) and filter-off (secrets: flag).
  const c = cohort(scenario, 0)
  const holder = c.holdings.canaryHolder!
  const canaryText = c.holdings.canary!.texts[0]!
  const secret = c.holdings.canary!.secret
  const rounds = Array.from({ length: 300 }, (_, i) => i + 1)
  const flagged = c.shard(0, 10, { privacyOf: 1 })
  const dropped = c.shard(0, 10)
  const kept = c.shard(0, 10, { keepDroppedText: true })
  const lessons = rounds.map((round) => ({
    off: teachOne(flagged, round, holder, (holder + 1) % 10),
    on: teachOne(dropped, round, holder, (holder + 1) % 10),
    kept: teachOne(kept, round, holder, (holder + 1) % 10),
  }))
  const canaryRounds = lessons.filter((l) => l.off.text === canaryText)

  it("teaches the canary now and then (it is one of its examples)", () => {
    expect(canaryRounds.length).toBeGreaterThan(2)
    expect(canaryRounds.length).toBeLessThan(60)
  })

  it("secrets: flag sends it, flagged, text kept", () => {
    for (const { off } of canaryRounds) {
      expect(off.action).toBe("flag")
      expect(off.text).toBe(canaryText)
      expect(off.decision?.action).toBe("flag")
    }
  })

  it("secrets: drop withholds it: no text, and nothing of the secret in the decision", () => {
    for (const { on } of canaryRounds) {
      expect(on.action).toBe("drop")
      expect(on.text).toBe("")
      expect(on.written).toBeUndefined()
      expect(on.decision?.action).toBe("drop")
      expect(JSON.stringify(on)).not.toContain(secret)
    }
  })

  it("keepDroppedText keeps the text as written with the dropped lesson", () => {
    for (const { kept } of canaryRounds) {
      expect(kept.action).toBe("drop")
      expect(kept.text).toBe("")
      expect(kept.written).toBe(canaryText)
    }
  })

  it("the filter changes nothing else: other lessons are the same with it on and off", () => {
    for (const l of lessons.filter((x) => x.off.text !== canaryText)) {
      expect(l.on.text).toBe(l.off.text)
      expect(l.on.action).toBe(l.off.action)
    }
  })
})

describe("Shard: learning", () => {
  it("a chunk delivered again is not applied again, even after later chunks", () => {
    const c = cohort(scenarioOf({ memory: "{ capacity: 2, eviction: oldest }" }))
    const shard = c.shard(5, 5)
    run(shard.learn(1, 0, [6], ["a"], [0]))
    run(shard.learn(1, 1, [6, 6], ["b", "c"], [0, 0]))
    expect(shard.memory.texts(1)).toEqual(["b", "c"])
    run(shard.learn(1, 0, [6], ["a"], [0]))
    run(shard.learn(1, 1, [6, 6], ["b", "c"], [0, 0]))
    expect(shard.memory.texts(1)).toEqual(["b", "c"])
    // The same lesson in another round is a new delivery.
    run(shard.learn(2, 0, [6], ["a"], [0]))
    expect(shard.memory.texts(1)).toEqual(["c", "a"])
  })

  it("skips empty lessons and lessons already held", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(5, 5)
    run(shard.learn(1, 0, [7, 7, 7, 8], ["x", "", "x", "y"], [0, 0, 0, 0]))
    expect(shard.memory.texts(2)).toEqual(["x"])
    expect(shard.memory.texts(3)).toEqual(["y"])
  })

  it("random eviction: a round's lessons to one full memory do not all replace the same slot", () => {
    const c = cohort(scenarioOf({ memory: "{ capacity: 2, eviction: random }" }))
    const shard = c.shard(0, 10)
    const agents = [...Array(10).keys()]
    run(
      shard.learn(
        1,
        0,
        agents.flatMap((a) => [a, a]),
        agents.flatMap((a) => [`old ${a}`, `older ${a}`]),
        [],
      ),
    )
    let bothKept = 0
    for (let round = 2; round < 12; round++) {
      const learners = agents.flatMap((a) => [a, a])
      const texts = agents.flatMap((a) => [`first ${round}/${a}`, `second ${round}/${a}`])
      run(shard.learn(round, 0, learners, texts, []))
      for (const a of agents) {
        const held = shard.memory.texts(a)
        // The second lesson is always taken (it evicts something).
        expect(held).toContain(`second ${round}/${a}`)
        if (held.includes(`first ${round}/${a}`)) bothKept++
      }
    }
    // Two independent picks of 2 slots differ half the time: 100 tries.
    expect(bothKept).toBeGreaterThan(25)
    expect(bothKept).toBeLessThan(75)
  })

  it("lowest-scored: the learner scores a lesson with its own model, whatever the writer claims", () => {
    const c = cohort(scenarioOf({ memory: "{ capacity: 1, eviction: lowest-scored }" }))
    const scored: Array<string> = []
    const model: LanguageModel = {
      ...zero,
      score: (request) => {
        scored.push(request.continuation)
        // Longer lessons are more likely here: one token per character, each at -1/length.
        const tokens = Array.from(request.continuation)
        return Effect.succeed({
          tokens,
          logprobs: tokens.map(() => -1 / tokens.length),
          usage: { promptTokens: 0, completionTokens: tokens.length },
        })
      },
    }
    const shard = c.shard(0, 10, { model })
    run(shard.learn(1, 0, [3, 3, 3], ["long lesson text", "short", "a longer lesson text"], [9, 9, -9]))
    expect(scored).toEqual(["long lesson text", "short", "a longer lesson text"])
    expect(shard.memory.texts(3)).toEqual(["a longer lesson text"])
  })
})

describe("Shard: stats, evaluation, canary scores", () => {
  it("counts lessons, seed examples and the canary per agent, in agent order", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(5, 5)
    const seedTexts = [...c.holdings.seedTexts]
    const canaryText = c.holdings.canary!.texts[0]!
    run(
      shard.learn(
        1,
        0,
        [5, 5, 5, 7, 9, 9],
        [seedTexts[0]!, seedTexts[1]!, "plain", canaryText, seedTexts[0]!, canaryText],
        [],
      ),
    )
    expect(shard.stats()).toEqual({
      memory: [3, 0, 1, 0, 2],
      seedFacts: [2, 0, 0, 0, 1],
      canary: [0, 0, 1, 0, 1],
    })
  })

  it("evaluate grades each agent's answer to every item, with what it holds in the prompt", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(0, 10, { model: sim })
    const items = c.data.test.slice(0, 3)
    const seed = c.holdings.seeds[0]!
    const other = [...Array(10).keys()].find((a) => !c.holdings.seeds.includes(a))!
    run(shard.learn(1, 0, [other], ["a lesson"], [0]))
    const answers = run(shard.evaluate([seed, other], items))
    expect(answers.map((a) => a.agent)).toEqual([seed, other])
    expect(answers[0]!.promptLessons).toBe(c.holdings.privateItems(seed).length)
    expect(answers[1]!.promptLessons).toBe(1)
    for (const a of answers) {
      expect(a.results.map((r) => r.itemId)).toEqual(items.map((i) => i.id))
      a.results.forEach((r, i) => {
        expect(r.target).toBe(items[i]!.target)
        expect(r.correct).toBe(c.data.task.grade(r.answer, items[i]!))
      })
    }
  })

  it("evaluate marks a right answer right (a model answering every target)", () => {
    const c = cohort(scenarioOf())
    const item = c.data.test[0]!
    const shard = c.shard(0, 10, { model: makeZeroModel({ name: "z", answer: item.target }) })
    const [answers] = run(shard.evaluate([1], [item, c.data.test[1]!]))
    expect(answers!.results[0]!.correct).toBe(true)
    expect(answers!.results[0]!.answer).toBe(item.target)
  })

  it("scoreCanary gives each agent a score per candidate, the canary first", () => {
    const c = cohort(scenarioOf())
    const shard = c.shard(0, 10, { model: sim })
    const scores = run(shard.scoreCanary([c.holdings.canaryHolder!, 9]))
    expect(scores).toHaveLength(2)
    for (const s of scores) {
      expect(s).toHaveLength(c.holdings.canary!.texts.length)
      for (const x of s) expect(Number.isFinite(x)).toBe(true)
    }
  })
})

describe("Shard: sharding does not change the results", () => {
  /** Plays `rounds` rounds on a ring of 10, with shards of `sizes`; learn chunks of `chunk` pairs. */
  const play = (
    scenario: PopulationScenario,
    sizes: ReadonlyArray<number>,
    chunk: number,
    model: LanguageModel,
  ) => {
    const c = cohort(scenario)
    const firsts = sizes.map((_, i) => sizes.slice(0, i).reduce((s, x) => s + x, 0))
    const shards = sizes.map((size, i) => c.shard(firsts[i]!, size, { model }))
    const shardOf = (agent: number) => firsts.findLastIndex((f) => f <= agent)
    const graph = generateGraph({ kind: "ring", degree: 4 }, 10, 3)
    const written: Array<ReadonlyArray<unknown>> = []
    for (let round = 1; round <= 4; round++) {
      const pairs = drawPairs(graph, 0.8, 2, 100 + round)
      const lessons: Array<WrittenLesson> = new Array(pairs.length)
      shards.forEach((shard, s) => {
        const ps = [...Array(pairs.length).keys()].filter((p) => shardOf(pairs.teachers[p]!) === s)
        const out = run(
          shard.teach(
            round,
            ps.map((p) => pairs.teachers[p]!),
            ps.map((p) => pairs.learners[p]!),
          ),
        )
        ps.forEach((p, i) => {
          lessons[p] = out[i]!
        })
      })
      shards.forEach((shard, s) => {
        const ps = [...Array(pairs.length).keys()].filter((p) => shardOf(pairs.learners[p]!) === s)
        for (let from = 0, n = 0; from < ps.length; from += chunk, n++) {
          const part = ps.slice(from, from + chunk).filter((p) => lessons[p]!.text.length > 0)
          run(
            shard.learn(
              round,
              n,
              part.map((p) => pairs.learners[p]!),
              part.map((p) => lessons[p]!.text),
              part.map((p) => lessons[p]!.score),
            ),
          )
        }
      })
      // A filter's audit hashes are keyed per filter (randomly): everything but them must agree.
      written.push(
        lessons.map((l) =>
          l.decision === undefined
            ? l
            : {
                ...l,
                decision: { ...l.decision, findings: l.decision.findings?.map(({ sha256: _, ...f }) => f) },
              },
        ),
      )
    }
    const stats = shards.map((s) => s.stats())
    const memories = [...Array(10).keys()].map((a) =>
      shards[shardOf(a)]!.memory.texts(a - firsts[shardOf(a)]!),
    )
    return {
      written,
      memories,
      stats: {
        memory: stats.flatMap((s) => s.memory),
        seedFacts: stats.flatMap((s) => s.seedFacts),
        canary: stats.flatMap((s) => s.canary),
      },
    }
  }

  for (const [label, fields, model] of [
    ["original-examples, random eviction", { memory: "{ capacity: 3, eviction: random }" }, zero],
    [
      "synthetic-examples on sim, oldest eviction",
      {
        memory: "{ capacity: 3, eviction: oldest }",
        methods: "[{ strategy: synthetic-examples, samples: 2 }]",
      },
      sim,
    ],
  ] as const) {
    it(`${label}: one shard of 10 = two of 5 = shards of 3, 3, 4 (chunks of any size)`, () => {
      const scenario = scenarioOf(fields)
      const one = play(scenario, [10], 1000, model)
      expect(one.written.flat().filter((l) => (l as WrittenLesson).text.length > 0).length).toBeGreaterThan(
        10,
      )
      expect(one.stats.memory.some((m) => m === 3)).toBe(true)
      expect(play(scenario, [5, 5], 1000, model)).toEqual(one)
      expect(play(scenario, [3, 3, 4], 1, model)).toEqual(one)
    })
  }
})

describe("Shard: the prompts of graded answers", () => {
  it("reports each agent's context once: its own examples as a note, unless withheld text is kept", () => {
    const c = cohort(scenarioOf())
    const seed = c.holdings.seeds[0]!
    const own = c.holdings.privateItems(seed).map(c.render)
    const items = c.data.test.slice(0, 2)
    for (const keep of [false, true]) {
      const shard = c.shard(0, 10, { keepDroppedText: keep })
      run(shard.learn(1, 0, [seed], ["a lesson"], [0]))
      const [answers] = run(shard.evaluate([seed], items))
      const sep = c.data.task.separator
      expect(answers!.context).toBe(
        keep
          ? [...own, "a lesson"].join(sep)
          : [`[${own.length} private examples withheld]`, "a lesson"].join(sep),
      )
      // One context per agent, not one prompt per item.
      expect(answers!.results).toHaveLength(2)
    }
  })

  it("fits a message of panel agents with full memories of long lessons in half of a 1 MiB max_payload", () => {
    const capacity = 64
    const items = 5
    const perMessage = evaluateAgentsPerMessage(capacity, items)
    const c = cohort(
      scenarioOf({ agents: "40", shardSize: "40", memory: `{ capacity: ${capacity}, eviction: oldest }` }),
    )
    const shard = c.shard(0, 40)
    const agents = [...Array(40).keys()].filter((a) => !c.holdings.seeds.includes(a)).slice(0, perMessage)
    expect(agents).toHaveLength(perMessage)
    const learners = agents.flatMap((a) => Array.from({ length: capacity }, () => a))
    const texts = learners.map((a, k) => `${a}/${k} ${"x".repeat(1_500)}`)
    run(
      shard.learn(
        1,
        0,
        learners,
        texts,
        texts.map(() => 0),
      ),
    )
    const reply = run(shard.evaluate(agents, c.data.test.slice(0, items)))
    const bytes = Buffer.byteLength(JSON.stringify(Schema.encodeSync(Schema.Array(AgentAnswers))(reply)))
    expect(reply.every((a) => a.promptLessons === capacity)).toBe(true)
    expect(bytes).toBeGreaterThan(perMessage * capacity * 1_500)
    expect(bytes).toBeLessThan(512 * 1024)
  })
})
