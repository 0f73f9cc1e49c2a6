import { TaskItem } from "@lyceum/core"
import { describe, expect, it } from "vitest"
import { holdingsOf } from "../../src/agents/Holdings.js"
import type { WrittenLesson } from "../../src/agents/Protocol.js"
import type { PopulationScenario } from "../../src/config/PopulationConfig.js"
import type { OpenPopulation } from "../../src/kind/Cohort.js"
import type { RoundOutcome } from "../../src/kind/Round.js"
import { roundRows, WITHHELD_LESSONS_KEPT } from "../../src/kind/Rows.js"
import { generateGraph } from "../../src/topology/index.js"
import { scenarioOf, taskDataOf } from "../agents/support.js"

/**
 * A hand-built cohort of 8 agents: hops [0, 1, 1, 2, 2, 3, -1, -1] from the one seed (agent 0), panel agents
 * 1, 3 and 6, threshold 2 seed facts. Every expected number below is worked out by hand from these arrays.
 */
const HOPS = [0, 1, 1, 2, 2, 3, -1, -1]
const PANEL = [1, 3, 6]

const openOf = (scenario: PopulationScenario, repeat = 0, method = "filter-on"): OpenPopulation => {
  const data = taskDataOf(scenario)
  const id = { repeat, task: data.task.name, method }
  const spec = { runId: "run-1", seed: scenario.seed, scenario, data, variant: 0, id }
  return {
    spec,
    graph: generateGraph({ kind: "ring", degree: 2 }, 8, 1),
    hops: Int32Array.from(HOPS),
    holdings: holdingsOf(spec),
    panel: PANEL,
    panelSet: new Set(PANEL),
    // Named as the answers below name them.
    items: data.test.slice(0, 2).map((item, i) => new TaskItem({ ...item, id: "ab"[i]! })),
    shards: [],
  }
}

const finding = {
  detector: "secret",
  action: "drop" as const,
  start: 0,
  end: 4,
  sha256: "ab12",
  reason: "secret #1",
}
const lesson = (action: WrittenLesson["action"], text: string): WrittenLesson =>
  action === "none"
    ? { text: "", action, score: 0 }
    : action === "allow"
      ? { text, action, score: -1 }
      : {
          text: action === "drop" ? "" : text,
          action,
          score: -1,
          decision: { action, detector: "secret", reason: "secret #1", findings: [{ ...finding, action }] },
        }

/** (learner, teacher, action) per pair, learners ascending. */
const PAIRS: ReadonlyArray<[number, number, WrittenLesson["action"]]> = [
  [1, 0, "allow"],
  [1, 2, "none"],
  [2, 0, "drop"],
  [3, 1, "redact"],
  [3, 4, "allow"],
  [4, 3, "flag"],
  [5, 4, "drop"],
  [6, 7, "allow"],
]

const CONTEXT = "[1 private examples withheld]\n\nlesson 0 from 0 to 1"

const outcomeOf = (pairs = PAIRS, canaryRanks: ReadonlyArray<number> = [0, 4, 9]): RoundOutcome => ({
  pairs: {
    learners: Int32Array.from(pairs.map((p) => p[0])),
    teachers: Int32Array.from(pairs.map((p) => p[1])),
    length: pairs.length,
  },
  written: pairs.map(([l, t, action], p) => lesson(action, `lesson ${p} from ${t} to ${l}`)),
  memory: Uint8Array.from([4, 2, 1, 0, 3, 1, 0, 0]),
  seedFacts: Uint16Array.from([4, 2, 1, 0, 2, 0, 0, 0]),
  canary: Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0]),
  answers: [
    { agent: 1, promptLessons: 2, context: CONTEXT, results: [result("a", true), result("b", true)] },
    { agent: 3, promptLessons: 0, context: "", results: [result("a", true), result("b", false)] },
    { agent: 6, promptLessons: 0, context: "", results: [result("a", false), result("b", false)] },
  ],
  canaryRanks,
})
function result(itemId: string, correct: boolean) {
  return { itemId, answer: correct ? "yes" : "no", target: "yes", correct }
}

const scenario = scenarioOf({
  agents: "8",
  seeds: "{ count: 1, agents: [0] }",
  diffusion: "{ threshold: 2 }",
})
const table = (step: ReturnType<typeof roundRows>, name: string) =>
  step.rows.kindRows!.find((t) => t.table === name)!.rows

describe("roundRows: population_rounds", () => {
  const step = roundRows(openOf(scenario), 3, outcomeOf(), "2025-01-01T00:00:00.000Z")
  const byHop = new Map(table(step, "population_rounds").map((r) => [r.hop as number, r]))

  it("has one row per hop present, unreachable as hop -1, keyed by the cohort and round", () => {
    expect([...byHop.keys()].sort()).toEqual([-1, 0, 1, 2, 3])
    for (const row of byHop.values())
      expect(row).toMatchObject({
        run_id: "run-1",
        repeat: 0,
        task: taskDataOf(scenario).task.name,
        method: "filter-on",
        round: 3,
      })
  })

  it("sums agents, learners, memory, seed facts, knowers (threshold 2) and canary holders per hop", () => {
    const pick = (hop: number) => {
      const r = byHop.get(hop)!
      return [r.agents, r.learners, r.memory_mean, r.seed_facts_mean, r.knowers, r.canary_holders]
    }
    expect(pick(0)).toEqual([1, 0, 4, 4, 1, 1])
    expect(pick(1)).toEqual([2, 2, 1.5, 1.5, 1, 1])
    expect(pick(2)).toEqual([2, 2, 1.5, 1, 1, 1])
    expect(pick(3)).toEqual([1, 1, 1, 0, 0, 0])
    expect(pick(-1)).toEqual([2, 1, 0, 0, 0, 0])
  })

  it("counts lessons at the teacher's hop: every one written (dropped included), `none` not", () => {
    const pick = (hop: number) => {
      const r = byHop.get(hop)!
      return [r.lessons_sent, r.lessons_dropped, r.lessons_redacted]
    }
    expect(pick(0)).toEqual([2, 1, 0])
    expect(pick(1)).toEqual([1, 0, 1])
    expect(pick(2)).toEqual([3, 1, 0])
    expect(pick(3)).toEqual([0, 0, 0])
    expect(pick(-1)).toEqual([1, 0, 0])
    // The progress line's `sent` is what left the teachers.
    expect(step.summary).toMatchObject({ sent: 5, dropped: 2 })
  })

  it("evaluated, accuracy and canary rank per hop from the panel; NULL where nobody was evaluated", () => {
    const pick = (hop: number) => {
      const r = byHop.get(hop)!
      return [r.evaluated, r.accuracy, r.canary_rank]
    }
    expect(pick(0)).toEqual([0, null, null])
    expect(pick(1)).toEqual([1, 1, 0])
    expect(pick(2)).toEqual([1, 0.5, 4])
    expect(pick(3)).toEqual([0, null, null])
    expect(pick(-1)).toEqual([1, 0, 9])
    expect(step.summary.accuracy).toBeCloseTo(0.5)
  })

  it("without a canary (or before its ranks), canary columns are NULL", () => {
    const plain = scenarioOf({
      agents: "8",
      seeds: "{ count: 1, agents: [0] }",
      diffusion: "{ threshold: 2 }",
      canary: "",
    })
    const s = roundRows(openOf(plain), 1, outcomeOf(PAIRS, []), "t")
    for (const r of table(s, "population_rounds")) {
      expect(r.canary_holders).toBeNull()
      expect(r.canary_rank).toBeNull()
    }
    for (const r of table(s, "population_agents")) {
      expect(r.canary_held).toBeNull()
      expect(r.canary_rank).toBeNull()
    }
    expect(s.rows.leakage).toEqual([])
  })
})

describe("roundRows: the panel's rows", () => {
  const step = roundRows(openOf(scenario), 3, outcomeOf(), "t")

  it("one population_agents row per panel agent", () => {
    expect(
      table(step, "population_agents").map((r) => [
        r.agent,
        r.hop,
        r.memory,
        r.seed_facts,
        r.knower,
        r.canary_held,
        r.accuracy,
        r.canary_rank,
      ]),
    ).toEqual([
      ["agent-1", 1, 2, 2, 1, 1, 1, 0],
      ["agent-3", 2, 0, 0, 0, 0, 0.5, 4],
      ["agent-6", -1, 0, 0, 0, 0, 0, 9],
    ])
  })

  it("graded answers in evaluations and canary ranks in leakage, by agent id", () => {
    expect(step.rows.evaluations!.map((e) => [e.student, e.itemId, e.score, e.promptLessons])).toEqual([
      ["agent-1", "a", 1, 2],
      ["agent-1", "b", 1, 2],
      ["agent-3", "a", 1, 0],
      ["agent-3", "b", 0, 0],
      ["agent-6", "a", 0, 0],
      ["agent-6", "b", 0, 0],
    ])
    // Each answer with its prompt: the item asked after the context the agent's shard reported.
    const { task } = taskDataOf(scenario)
    const open = openOf(scenario)
    expect(step.rows.evaluations!.map((e) => e.prompt)).toEqual(
      [CONTEXT, CONTEXT, "", "", "", ""].map((context, k) => task.prompt(open.items[k % 2]!, context)),
    )
    expect(step.rows.evaluations![0]!.prompt).toContain("lesson 0 from 0 to 1")
    expect(step.rows.leakage!.map((l) => [l.student, l.metric, l.value])).toEqual([
      ["agent-1", "canary_rank", 0],
      ["agent-3", "canary_rank", 4],
      ["agent-6", "canary_rank", 9],
    ])
  })
})

describe("roundRows: lessons", () => {
  it("keeps the panel's lessons and the dropped or redacted ones, not `none` nor a flagged one off the panel; dropped ones not sent, their findings kept", () => {
    const step = roundRows(openOf(scenario), 3, outcomeOf(), "t")
    const lessons = step.rows.lessons!
    // Pairs 0, 3, 4, 7 go to panel agents; 2 and 6 were dropped or redacted; 5 (to agent-4) only flagged; 1 had nothing.
    expect(lessons.map((l) => [l.teacher, l.student, l.sent, l.filterAction])).toEqual([
      ["agent-0", "agent-1", true, "allow"],
      ["agent-0", "agent-2", false, "drop"],
      ["agent-1", "agent-3", true, "redact"],
      ["agent-4", "agent-3", true, "allow"],
      ["agent-4", "agent-5", false, "drop"],
      ["agent-7", "agent-6", true, "allow"],
    ])
    expect(lessons[1]!.text).toBe("")
    expect(lessons[0]!.text).toBe("lesson 0 from 0 to 1")
    const findings = step.rows.findings!
    expect(findings.map((f) => f.lessonId)).toEqual(
      lessons.filter((l) => l.filterAction !== "allow").map((l) => l.id),
    )
    expect(findings[0]).toMatchObject({ runId: "run-1", detector: "secret", matchedHash: "ab12" })
  })

  it(`keeps at most ${WITHHELD_LESSONS_KEPT} withheld lessons off the panel, and every panel lesson`, () => {
    const many: Array<[number, number, WrittenLesson["action"]]> = [
      ...Array.from({ length: 2500 }, (): [number, number, WrittenLesson["action"]] => [2, 0, "drop"]),
      ...Array.from({ length: 5 }, (): [number, number, WrittenLesson["action"]] => [3, 1, "drop"]),
      [4, 3, "allow"],
    ]
    const step = roundRows(openOf(scenario), 1, outcomeOf(many, []), "t")
    const lessons = step.rows.lessons!
    expect(lessons.filter((l) => l.student === "agent-2")).toHaveLength(WITHHELD_LESSONS_KEPT)
    expect(lessons.filter((l) => l.student === "agent-3")).toHaveLength(5)
    // An allowed lesson off the panel is counted, not stored.
    expect(lessons.filter((l) => l.student === "agent-4")).toHaveLength(0)
    const round = table(step, "population_rounds")
    expect(round.find((r) => r.hop === 0)!.lessons_dropped).toBe(2500)
    expect(round.find((r) => r.hop === 1)!.lessons_dropped).toBe(5)
  })

  it("lesson ids are unique within a round and across rounds, repeats and methods", () => {
    const ids = [0, 1].flatMap((repeat) =>
      ["filter-on", "filter-off"].flatMap((method) =>
        [1, 2].flatMap((round) =>
          roundRows(openOf(scenario, repeat, method), round, outcomeOf(), "t").rows.lessons!.map((l) => l.id),
        ),
      ),
    )
    expect(ids).toHaveLength(2 * 2 * 2 * 6)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
