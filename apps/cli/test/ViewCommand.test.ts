import { readFileSync } from "node:fs"
import { findKind, parseScenario } from "@lyceum/kinds"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { kindCatalog } from "../src/ViewCommand.js"

/**
 * What `lyceum view` plans for a stored run: the scenario as `runs.config` keeps it (its decoding, as JSON), read
 * by the run's kind. A run's progress is its stored steps against these.
 */
const stored = (file: string) => {
  const loaded = Either.getOrThrow(
    parseScenario(file, readFileSync(new URL(`../../../${file}`, import.meta.url), "utf8")),
  )
  return {
    kind: loaded.scenario.kind,
    scenario: loaded.scenario,
    config: JSON.parse(JSON.stringify(loaded.scenario)),
  }
}

describe("lyceum view's kind catalog", () => {
  it.each([
    "scenarios/quickstart.yaml",
    "scenarios/paper-table1.yaml",
    "scenarios/ensemble-vote.yaml",
    "scenarios/population-diffusion.yaml",
  ])("plans %s from its stored config as the runner does", (file) => {
    const { kind, scenario, config } = stored(file)
    const k = findKind(kind)!
    expect(kindCatalog.plan(kind, config)).toEqual({
      cohorts: scenario.repeats * scenario.tasks.length * k.variants(scenario).length,
      steps: k.steps(scenario),
    })
    expect(kindCatalog.report(kind)).toBe(k.report)
  })

  it("cannot plan a kind it does not know or a config that is not a scenario", () => {
    expect(kindCatalog.plan("telepathy", stored("scenarios/quickstart.yaml").config)).toBeUndefined()
    expect(kindCatalog.plan("social-learning", null)).toBeUndefined()
    expect(kindCatalog.plan("social-learning", { repeats: 1 })).toBeUndefined()
    expect(kindCatalog.report("telepathy")).toBeUndefined()
  })
})
