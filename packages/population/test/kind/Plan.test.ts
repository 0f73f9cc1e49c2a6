import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ScenarioBase } from "@lyceum/scenario"
import { afterAll, describe, expect, it } from "vitest"
import { holdingsOf } from "../../src/agents/Holdings.js"
import { populationDataChecks } from "../../src/config/PopulationChecks.js"
import { agentRows, plan } from "../../src/kind/Plan.js"
import { populationYaml, problemsOf, scenarioOf, taskDataOf } from "../agents/support.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-population-plan-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
/** The scenario file edge lists are resolved against. */
const FILE = join(dir, "scenario.yaml")

const problems = (fields: Readonly<Record<string, string>>) => problemsOf(populationYaml(fields))

describe("populationChecks (through the scenario loader)", () => {
  it("accepts the base scenario", () => {
    expect(problems({})).toEqual([])
  })

  it("refuses more seeds than agents", () => {
    expect(problems({ seeds: "{ count: 12 }" })).toEqual([
      "seeds.count: 12 seed agents in a population of 10: lower seeds.count",
    ])
  })

  it("refuses a listed seed outside the population, naming its index", () => {
    expect(problems({ seeds: "{ count: 2, agents: [3, 10] }" })).toEqual([
      "seeds.agents[1]: agent 10 does not exist: agents are numbered 0 to 9",
    ])
  })

  it("refuses a list that disagrees with the count, or names an agent twice", () => {
    expect(problems({ seeds: "{ count: 3, agents: [3, 4] }" })).toEqual([
      "seeds.agents: lists 2 agents but seeds.count is 3: make them agree",
    ])
    expect(problems({ seeds: "{ count: 2, agents: [4, 4] }" })).toEqual([
      "seeds.agents: lists an agent twice",
    ])
  })

  it("refuses a topology the population cannot have", () => {
    const [degree] = problems({ topology: "{ kind: ring, degree: 10 }" })
    expect(degree).toMatch(/^topology: topology.degree 10 needs at least 11 agents, the population has 10/)
    const [odd] = problems({ agents: "11", topology: "{ kind: random-regular, degree: 3 }" })
    expect(odd).toMatch(/^topology: .*odd/)
    const [complete] = problems({ agents: "30000", topology: "{ kind: complete }" })
    expect(complete).toMatch(/^topology: topology complete on 30000 agents/)
    expect(problems({ agents: "11", topology: "{ kind: random-regular, degree: 4 }" })).toEqual([])
  })
})

describe("populationDataChecks", () => {
  const base = (fields: Readonly<Record<string, string>>) => scenarioOf(fields) as unknown as ScenarioBase

  it("passes a task with a share per seed and test items", () => {
    const scenario = scenarioOf()
    expect(populationDataChecks(base({}), [taskDataOf(scenario)], FILE)).toEqual([])
  })

  it("refuses seeds without a share of their own, too few training examples, no test items", () => {
    const cultural = taskDataOf(scenarioOf())
    const emptyShare = {
      ...cultural,
      partition: (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? [] : cultural.train)),
    }
    expect(
      populationDataChecks(base({}), [cultural, emptyShare], FILE).map((p) => [p.key, p.message]),
    ).toEqual([
      [["tasks", 1], `task ${cultural.task.name} has fewer shares than the 2 seeds: lower seeds.count`],
    ])
    const spamScenario = scenarioOf({ agents: "1000", seeds: "{ count: 600 }", tasks: "[{ kind: spam }]" })
    const spam = taskDataOf(spamScenario)
    expect(
      populationDataChecks(spamScenario as unknown as ScenarioBase, [spam], FILE).map((p) => p.message),
    ).toEqual([
      `task ${spam.task.name} has ${spam.train.length} training examples for 600 seeds: lower seeds.count`,
    ])
    expect(populationDataChecks(base({}), [{ ...cultural, test: [] }], FILE).map((p) => p.message)).toEqual([
      `task ${cultural.task.name} has no test items to evaluate with`,
    ])
  })
})

describe("populationDataChecks: an edge list", () => {
  const edges = (file: string) =>
    scenarioOf({ topology: `{ kind: edges, file: ${file} }` }) as unknown as ScenarioBase
  const data = () => [taskDataOf(scenarioOf())]

  it("passes a readable, well-formed file beside the scenario", () => {
    writeFileSync(join(dir, "good.txt"), "# a ring\n0 1\n1 2\n\n2 3\n3 4\n4 5\n5 6\n6 7\n7 8\n8 9\n9 0\n")
    expect(populationDataChecks(edges("good.txt"), data(), FILE)).toEqual([])
  })

  it("refuses a missing file, naming the path it looked for", () => {
    const [problem] = populationDataChecks(edges("missing.txt"), data(), FILE)
    expect(problem!.key).toEqual(["topology", "file"])
    expect(problem!.message).toContain(join(dir, "missing.txt"))
  })

  it("refuses an agent out of range, naming the line", () => {
    writeFileSync(join(dir, "bad.txt"), "0 1\n1 12\n")
    const [problem] = populationDataChecks(edges("bad.txt"), data(), FILE)
    expect(problem!.key).toEqual(["topology", "file"])
    expect(problem!.message).toMatch(/bad\.txt.*2|line 2/)
  })
})

describe("plan and agent rows", () => {
  it("counts the panel's answers every round, its canary ranks once, and nothing for verbatim lessons", () => {
    // 10 agents: a panel of all 10, 5 items, rounds 0-3, 5 canary candidates; 2 methods × 2 repeats.
    const scenario = scenarioOf()
    const data = taskDataOf(scenario)
    expect(plan(scenario, [data]).modelCalls).toBe((4 * 10 * 5 + 10 * 5) * 4)
    expect(plan(scenario, [data]).agentsPerCohort).toBe(10)
  })

  it("adds a generation and `samples` scores per lesson for synthetic ones, a score per lesson for lowest-scored", () => {
    const synthetic = scenarioOf({ repeats: "1", methods: "[{ strategy: synthetic-examples, samples: 2 }]" })
    const data = taskDataOf(synthetic)
    // 10 lessons a round × 3 rounds × (1 + 2), on top of the panel's 250.
    expect(plan(synthetic, [data]).modelCalls).toBe(250 + 3 * 10 * 3)
    const scored = scenarioOf({
      repeats: "1",
      methods: "[{ strategy: original-examples }]",
      memory: "{ capacity: 4, eviction: lowest-scored }",
      learning: "{ neighbours: 2 }",
    })
    expect(plan(scored, [data]).modelCalls).toBe(250 + 3 * 20)
  })

  it("lists every agent once, seeds with their share (the canary included)", () => {
    const scenario = scenarioOf({ private: "{ examples: 2 }" })
    const data = taskDataOf(scenario)
    const rows = agentRows(scenario, [data])
    expect(rows.map((r) => r.agentId)).toEqual(Array.from({ length: 10 }, (_, i) => `agent-${i}`))
    const h = holdingsOf({
      scenario,
      data,
      seed: scenario.seed,
      id: { repeat: 0, task: data.task.name, method: "" },
    })
    for (const [i, row] of rows.entries()) {
      if (h.seeds.includes(i)) expect(row).toMatchObject({ role: "seed", dataSize: h.privateItems(i).length })
      else expect(row).toMatchObject({ role: "agent", dataSize: 2 })
    }
    expect(rows.filter((r) => r.role === "seed")).toHaveLength(2)
    expect(rows.find((r) => r.agentId === `agent-${h.canaryHolder}`)!.dataSize).toBe(
      data.partition!(2)[0]!.length + 1,
    )
  })
})
