import { readdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { findKind, kindNamed, kinds, loadScenario, parseScenario } from "../src/index.js"

const scenarios = fileURLToPath(new URL("../../../scenarios", import.meta.url))

describe("the registry of coalition kinds", () => {
  it("knows each kind once, social learning first (a scenario without kind: is one)", () => {
    const names = kinds.map((k) => k.name)
    expect(names[0]).toBe("social-learning")
    expect(names).toContain("ensemble")
    expect(new Set(names).size).toBe(names.length)
    for (const kind of kinds) {
      expect(kind.roles.length, kind.name).toBeGreaterThan(0)
      expect(kind.report.tables.length, kind.name).toBeGreaterThan(0)
    }
  })

  it("loads every shipped scenario file with the kind it names", async () => {
    const files = readdirSync(scenarios).filter((f) => f.endsWith(".yaml"))
    expect(files.length).toBeGreaterThanOrEqual(9)
    const loaded = await Effect.runPromise(Effect.forEach(files, (f) => loadScenario(join(scenarios, f))))
    const kindOf = Object.fromEntries(loaded.map((l, i) => [files[i], l.scenario.kind]))
    expect(kindOf["quickstart.yaml"]).toBe("social-learning")
    expect(kindOf["ensemble-vote.yaml"]).toBe("ensemble")
    expect(kindOf["cascade.yaml"]).toBe("ensemble")
    for (const l of loaded) expect(findKind(l.scenario.kind)?.variants(l.scenario).length).toBeGreaterThan(0)
  })

  it("refuses a kind it does not know, at the kind field, naming the kinds it knows", () => {
    const result = parseScenario("x.yaml", "name: x\nkind: debate\nmodels: {}\ntasks: [{ kind: spam }]\n")
    expect(Either.isLeft(result)).toBe(true)
    const problems = Either.isLeft(result) ? result.left.problems : []
    expect(problems).toContainEqual(
      expect.objectContaining({ path: "kind", line: 2, message: expect.stringContaining("social-learning") }),
    )
    const unknown = Effect.runSync(Effect.flip(kindNamed("debate")))
    expect(unknown.message).toContain('unknown coalition kind "debate"')
    expect(unknown.message).toContain("ensemble")
  })
})
