import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeClozeTask } from "../src/cloze/ClozeTask.js"
import { loadLambada } from "../src/cloze/Lambada.js"

const realPlain = "/work/shared/datasets/lambada/lambada_test_plain_text.txt"
const realJsonl = "/work/shared/datasets/lambada/lambada_test.jsonl"

describe("loadLambada", () => {
  let dir = ""
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lyceum-lambada-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("loads the plain-text layout: the last token of each line is the target", async () => {
    const file = join(dir, "fixture.txt")
    await writeFile(file, "he opened the door and saw his brother\r\n`` hello , '' said  maria\n")
    expect(await Effect.runPromise(loadLambada(file))).toEqual([
      { id: "lambada-1", context: "he opened the door and saw his", word: "brother" },
      { id: "lambada-2", context: "`` hello , '' said", word: "maria" },
    ])
  })

  it("loads the OpenAI JSON Lines layout", async () => {
    const file = join(dir, "fixture.jsonl")
    await writeFile(
      file,
      '{"text": "\\"Hi,\\" she said.\\n\\nThen she smiled at Harlin"}\n\n{"text": "a b"}\n',
    )
    expect(await Effect.runPromise(loadLambada(file))).toEqual([
      { id: "lambada-1", context: '"Hi," she said.\n\nThen she smiled at', word: "Harlin" },
      { id: "lambada-3", context: "a", word: "b" },
    ])
  })

  it("names the file and line of an empty or one-word passage", async () => {
    const file = join(dir, "bad.txt")
    await writeFile(file, "a fine passage\n\nanother one\n")
    const error = await Effect.runPromise(Effect.flip(loadLambada(file)))
    expect(error).toMatchObject({ _tag: "MalformedLine", file, line: 2 })
    expect(error.message).toContain(`${file}:2`)
    await writeFile(file, "a fine passage\nlonely\n")
    expect(await Effect.runPromise(Effect.flip(loadLambada(file)))).toMatchObject({
      line: 2,
      found: "lonely",
    })
  })

  it("names the line of bad JSON or a missing text field", async () => {
    const file = join(dir, "bad.jsonl")
    await writeFile(file, '{"text": "a fine passage"}\n{"text": "oops"\n')
    const error = await Effect.runPromise(Effect.flip(loadLambada(file)))
    expect(error).toMatchObject({ _tag: "MalformedLine", file, line: 2 })
    expect(error.message).toContain("invalid JSON")
    await writeFile(file, '{"passage": "no text field"}\n')
    const missing = await Effect.runPromise(Effect.flip(loadLambada(file)))
    expect(missing).toMatchObject({ _tag: "MalformedLine", line: 1 })
    expect(missing.message).toContain('no "text" field')
  })

  it("fails with DataFileUnreadable naming a missing file", async () => {
    const file = join(dir, "missing.txt")
    expect(await Effect.runPromise(Effect.flip(loadLambada(file)))).toMatchObject({
      _tag: "DataFileUnreadable",
      file,
    })
  })

  it.skipIf(!existsSync(realPlain))("loads the real plain-text test set", async () => {
    const items = await Effect.runPromise(loadLambada(realPlain))
    expect(items).toHaveLength(5153)
    expect(items[0]).toMatchObject({ id: "lambada-1", word: "signs" })
    expect(items[0]!.context.endsWith("i do n't care about")).toBe(true)
    const task = makeClozeTask({ examples: items })
    expect(task.examples().every((item) => task.parse(task.render(item)) !== undefined)).toBe(true)
    expect(task.examples().every((item) => task.grade(item.target, item))).toBe(true)
  })

  it.skipIf(!existsSync(realJsonl))("loads the real OpenAI JSON Lines test set", async () => {
    const items = await Effect.runPromise(loadLambada(realJsonl))
    expect(items).toHaveLength(5153)
    expect(items[0]).toMatchObject({ id: "lambada-1", word: "signs" })
  })
})
