import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeArithmeticTask } from "../src/arithmetic/ArithmeticTask.js"
import { loadGsm8k } from "../src/arithmetic/Gsm8k.js"

const realFile = "/work/shared/datasets/gsm8k/test.jsonl"

const line = (question: string, answer: string) => JSON.stringify({ question, answer })

describe("loadGsm8k", () => {
  let dir = ""
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lyceum-gsm8k-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("loads a fixture", async () => {
    const file = join(dir, "fixture.jsonl")
    await writeFile(
      file,
      `${line("What is 2 + 3?", "2 + 3 = <<2+3=5>>5\n#### 5")}\n${line("Q2?", "x\n#### 1,000")}\n`,
    )
    expect(await Effect.runPromise(loadGsm8k(file))).toEqual([
      { id: "gsm8k-1", question: "What is 2 + 3?", answer: "2 + 3 = <<2+3=5>>5\n#### 5" },
      { id: "gsm8k-2", question: "Q2?", answer: "x\n#### 1,000" },
    ])
  })

  it("names the file and line of an answer without #### or a missing field", async () => {
    const file = join(dir, "bad.jsonl")
    await writeFile(file, `${line("fine?", "#### 1")}\n${line("no final?", "it is 4")}\n`)
    const error = await Effect.runPromise(Effect.flip(loadGsm8k(file)))
    expect(error).toMatchObject({ _tag: "MalformedLine", file, line: 2 })
    expect(error.message).toContain(`${file}:2`)
    expect(error.message).toContain("####")
    await writeFile(file, `${JSON.stringify({ question: "only a question" })}\n`)
    const missing = await Effect.runPromise(Effect.flip(loadGsm8k(file)))
    expect(missing.message).toContain('no "answer" field')
    await writeFile(file, `[1, 2]\n`)
    expect((await Effect.runPromise(Effect.flip(loadGsm8k(file)))).message).toContain("an array")
  })

  it("fails with DataFileUnreadable naming a missing file", async () => {
    const file = join(dir, "missing.jsonl")
    expect(await Effect.runPromise(Effect.flip(loadGsm8k(file)))).toMatchObject({
      _tag: "DataFileUnreadable",
      file,
    })
  })

  it.skipIf(!existsSync(realFile))(
    "loads the real test split, every item a well-formed example",
    async () => {
      const items = await Effect.runPromise(loadGsm8k(realFile))
      expect(items).toHaveLength(1319)
      const task = makeArithmeticTask({ examples: items })
      const first = task.examples()[0]!
      expect(first.target.endsWith("\n#### 18")).toBe(true)
      expect(first.target).not.toContain("<<")
      expect(task.examples().every((item) => task.parse(task.render(item)) !== undefined)).toBe(true)
      expect(task.examples().every((item) => task.grade(item.target, item))).toBe(true)
    },
  )
})
