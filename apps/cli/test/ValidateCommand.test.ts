import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { validateFile } from "../src/ValidateCommand.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-validate-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

const good = `name: small
seed: 1
rounds: [2]
models: { sim: { provider: sim } }
tasks: [{ kind: spam, testSize: 10 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

const validate = (file: string) =>
  Effect.runPromise(validateFile(file).pipe(Effect.provide(NodeContext.layer)))

describe("lyceum validate's verdicts (--format json)", () => {
  it("gives a valid file's scenario, kind and plan, with whole tokens", async () => {
    const { verdict, message } = await validate(write("good.yaml", good))
    expect(message).toBeUndefined()
    expect(verdict).toMatchObject({ ok: true, scenario: "small", kind: "social-learning", errors: [] })
    expect(verdict.plan).toMatchObject({ cohorts: 1, agents: 3, rounds: 2, needsConfirmation: false })
    expect(Number.isInteger(verdict.plan?.tokens)).toBe(true)
  })

  it("lists every problem of an invalid file with its line and field", async () => {
    const file = write(
      "bad.yaml",
      good
        .replace("seed: 1\n", "seed: 1\nrepeats: 0\n")
        .replace("{ count: 2, model: sim }", "{ count: 2, model: simx }"),
    )
    const { verdict, message } = await validate(file)
    expect(verdict.ok).toBe(false)
    expect(verdict.plan).toBeNull()
    expect(verdict.errors).toEqual([
      { message: "expected a positive integer, got 0", line: 3, field: "repeats" },
      {
        message: 'unknown model "simx"; declare it under models (declared: sim)',
        line: 7,
        field: "teachers.model",
      },
    ])
    // The text output is the error's own message, as before.
    expect(message).toContain("line 3, repeats: expected a positive integer, got 0")
  })

  it("says so when the file is missing", async () => {
    const file = join(dir, "missing.yaml")
    const { verdict } = await validate(file)
    expect(verdict).toMatchObject({ file, ok: false, scenario: null, plan: null })
    expect(verdict.errors.map((e) => e.message)).toEqual([
      "cannot read the file: there is no such file (ENOENT)",
    ])
  })
})
