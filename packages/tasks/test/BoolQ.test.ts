import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadBoolQ } from "../src/yesno/BoolQ.js"
import { makeYesNoTask } from "../src/yesno/YesNoTask.js"

const realFile = "/work/shared/datasets/boolq/val.jsonl"

const lines = (...records: ReadonlyArray<unknown>) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`

describe("loadBoolQ", () => {
  let dir = ""
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lyceum-boolq-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("loads Google's layout (boolean answer, title before the passage)", async () => {
    const file = join(dir, "dev.jsonl")
    await writeFile(
      file,
      lines(
        { question: "is it wet", title: "Rain", answer: true, passage: "Rain is water." },
        { question: "is it dry", title: "", answer: false, passage: "Rain is water." },
      ),
    )
    expect(await Effect.runPromise(loadBoolQ(file))).toEqual([
      { id: "boolq-1", passage: "Rain -- Rain is water.", question: "is it wet", answer: "yes" },
      { id: "boolq-2", passage: "Rain is water.", question: "is it dry", answer: "no" },
    ])
  })

  it("loads SuperGLUE's layout (string or boolean label)", async () => {
    const file = join(dir, "val.jsonl")
    await writeFile(
      file,
      lines(
        { question: "q1", passage: "T -- p1", idx: 0, label: "true" },
        { question: "q2", passage: "T -- p2", idx: 1, label: false },
      ),
    )
    const items = await Effect.runPromise(loadBoolQ(file))
    expect(items.map((item) => item.answer)).toEqual(["yes", "no"])
    expect(items[0]!.passage).toBe("T -- p1")
  })

  it("names the file and line of a bad label or a missing field", async () => {
    const file = join(dir, "bad.jsonl")
    await writeFile(
      file,
      lines({ question: "q", passage: "p", answer: true }, { question: "q", passage: "p", answer: "maybe" }),
    )
    const error = await Effect.runPromise(Effect.flip(loadBoolQ(file)))
    expect(error).toMatchObject({ _tag: "MalformedLine", file, line: 2 })
    expect(error.message).toContain('"answer" is "maybe"')
    await writeFile(file, lines({ question: "q", answer: true }))
    expect((await Effect.runPromise(Effect.flip(loadBoolQ(file)))).message).toContain('no "passage" field')
    await writeFile(file, lines({ question: "q", passage: "p" }))
    expect((await Effect.runPromise(Effect.flip(loadBoolQ(file)))).message).toContain(
      'no "answer" or "label"',
    )
  })

  it("fails with DataFileUnreadable naming a missing file", async () => {
    const file = join(dir, "missing.jsonl")
    expect(await Effect.runPromise(Effect.flip(loadBoolQ(file)))).toMatchObject({
      _tag: "DataFileUnreadable",
      file,
    })
  })

  it.skipIf(!existsSync(realFile))("loads the real SuperGLUE validation split", async () => {
    const items = await Effect.runPromise(loadBoolQ(realFile))
    expect(items).toHaveLength(3270)
    expect(items.filter((item) => item.answer === "yes")).toHaveLength(2033)
    const task = makeYesNoTask({ examples: items })
    expect(task.examples().every((item) => task.parse(task.render(item)) !== undefined)).toBe(true)
  })
})
