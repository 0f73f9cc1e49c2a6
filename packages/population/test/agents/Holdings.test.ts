import { describe, expect, it } from "vitest"
import { holdingsOf } from "../../src/agents/Holdings.js"
import type { PopulationScenario } from "../../src/config/PopulationConfig.js"
import { scenarioOf, taskDataOf } from "./support.js"

const holdings = (scenario: PopulationScenario, repeat = 0, method = "filter-on", seed = scenario.seed) => {
  const data = taskDataOf(scenario)
  return { data, h: holdingsOf({ scenario, data, seed, id: { repeat, task: data.task.name, method } }) }
}

describe("holdingsOf: seeds", () => {
  it("draws `count` distinct seeds in range, ascending, the same for every method of a repeat", () => {
    const scenario = scenarioOf({
      agents: "1000",
      seeds: "{ count: 7 }",
      tasks: "[{ kind: spam }]",
      canary: "",
    })
    const on = holdings(scenario, 0, "filter-on").h
    const off = holdings(scenario, 0, "filter-off").h
    expect(on.seeds).toHaveLength(7)
    expect(new Set(on.seeds).size).toBe(7)
    for (const s of on.seeds) expect(Number.isInteger(s) && s >= 0 && s < 1000).toBe(true)
    expect([...on.seeds]).toEqual([...on.seeds].sort((a, b) => a - b))
    expect(off.seeds).toEqual(on.seeds)
    for (const s of on.seeds) expect(off.privateItems(s)).toEqual(on.privateItems(s))
    // Another repeat, another draw; the same repeat again, the same draw.
    expect(holdings(scenario, 1).h.seeds).not.toEqual(on.seeds)
    expect(holdings(scenario, 0).h.seeds).toEqual(on.seeds)
  })

  it("uses the listed seeds, sorted", () => {
    const scenario = scenarioOf({ seeds: "{ count: 2, agents: [7, 3] }" })
    const { h, data } = holdings(scenario)
    expect(h.seeds).toEqual([3, 7])
    expect(holdings(scenario, 1).h.seeds).toEqual([3, 7])
    // Seed i holds share i: culture shares follow the sorted order.
    const shares = data.partition!(2)
    expect(h.privateItems(7).slice(0, shares[1]!.length)).toEqual(shares[1])
    expect(h.canaryHolder).toBe(3)
    expect(h.privateItems(3).slice(0, -1)).toEqual(shares[0])
  })

  it("deals an IID task's training split over the seeds, disjoint", () => {
    const scenario = scenarioOf({
      agents: "50",
      seeds: "{ count: 4 }",
      tasks: "[{ kind: spam }]",
      canary: "",
    })
    const { h, data } = holdings(scenario)
    const ids = h.seeds.flatMap((s) => h.privateItems(s).map((i) => i.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(data.train.length)
    for (const s of h.seeds) expect(h.privateItems(s).length).toBeGreaterThan(0)
  })
})

describe("holdingsOf: the canary", () => {
  it("is only in the first seed's private items, and its secret is in the canary's text only", () => {
    const scenario = scenarioOf({ agents: "20", seeds: "{ count: 3 }" })
    const { h, data } = holdings(scenario)
    const canary = h.canary!
    expect(canary).toBeDefined()
    expect(h.canaryHolder).toBe(h.seeds[0])
    const withCanary = Array.from({ length: 20 }, (_, a) => a).filter((a) =>
      h.privateItems(a).some((i) => i.id === canary.item.id && i.input === canary.item.input),
    )
    expect(withCanary).toEqual([h.seeds[0]])
    expect(h.privateItems(h.seeds[0]!).at(-1)).toEqual(canary.item)
    // The canary, then its `candidates - 1` alternatives; only the canary carries the secret.
    expect(canary.texts).toHaveLength(5)
    expect(canary.texts[0]).toBe(data.task.render(canary.item))
    expect(canary.texts[0]).toContain(canary.secret)
    for (const alt of canary.texts.slice(1)) expect(alt).not.toContain(canary.secret)
    expect(new Set(canary.texts).size).toBe(5)
  })

  it("is the same for every method and differs between repeats", () => {
    const scenario = scenarioOf()
    const a = holdings(scenario, 0, "filter-on").h.canary!
    expect(holdings(scenario, 0, "filter-off").h.canary).toEqual(a)
    expect(holdings(scenario, 1).h.canary!.secret).not.toBe(a.secret)
  })

  it("is absent without a canary section, and seedTexts never hold it", () => {
    const none = holdings(scenarioOf({ canary: "" })).h
    expect(none.canary).toBeUndefined()
    expect(none.canaryHolder).toBeUndefined()
    const { h, data } = holdings(scenarioOf())
    expect(h.seedTexts.has(h.canary!.texts[0]!)).toBe(false)
    // Every seed's own examples, as taught, and nothing else.
    const expected = new Set(h.seeds.flatMap((s) => h.privateItems(s).map(data.task.render)))
    expected.delete(h.canary!.texts[0]!)
    expect(h.seedTexts).toEqual(expected)
  })
})

describe("holdingsOf: other agents' private examples", () => {
  it("draws `private.examples` distinct training items per agent, the same every time it is asked", () => {
    const scenario = scenarioOf({
      agents: "200",
      seeds: "{ count: 2 }",
      tasks: "[{ kind: spam }]",
      canary: "",
      private: "{ examples: 3 }",
    })
    const { h, data } = holdings(scenario)
    const trainIds = new Set(data.train.map((i) => i.id))
    const others = Array.from({ length: 200 }, (_, a) => a).filter((a) => !h.seeds.includes(a))
    for (const a of others) {
      const items = h.privateItems(a)
      expect(items).toHaveLength(3)
      expect(new Set(items.map((i) => i.id)).size).toBe(3)
      for (const i of items) expect(trainIds.has(i.id)).toBe(true)
    }
    // Deterministic per agent: asked again, or from another holdings of the same cohort, or another method.
    const again = holdings(scenario, 0, "filter-off").h
    for (const a of others.slice(0, 20)) {
      expect(h.privateItems(a)).toEqual(h.privateItems(a))
      expect(again.privateItems(a)).toEqual(h.privateItems(a))
    }
    // Per agent, not one draw for all.
    const distinct = new Set(
      others.map((a) =>
        h
          .privateItems(a)
          .map((i) => i.id)
          .join(","),
      ),
    )
    expect(distinct.size).toBeGreaterThan(others.length * 0.9)
    // Seeds hold their share, not `private.examples` draws.
    for (const s of h.seeds) expect(h.privateItems(s).length).toBeGreaterThan(3)
  })

  it("holds nothing by default", () => {
    const { h } = holdings(scenarioOf({ agents: "30" }))
    for (let a = 0; a < 30; a++) if (!h.seeds.includes(a)) expect(h.privateItems(a)).toEqual([])
  })
})
