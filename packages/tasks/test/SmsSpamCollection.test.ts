import { existsSync } from "node:fs"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadSmsSpamCollection } from "../src/spam/SmsSpamCollection.js"

const realFile = "/work/shared/datasets/sms-spam/SMSSpamCollection"

describe("loadSmsSpamCollection", () => {
  let dir = ""
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lyceum-sms-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("loads a fixture, mapping ham to not spam", async () => {
    const file = join(dir, "fixture.txt")
    await writeFile(file, "ham\tSee you at 8, bring £5\r\nspam\tWIN a prize! Txt WIN to 80082\nham\tok\n")
    const items = await Effect.runPromise(loadSmsSpamCollection(file))
    expect(items).toEqual([
      { id: "sms-1", text: "See you at 8, bring £5", label: "not spam" },
      { id: "sms-2", text: "WIN a prize! Txt WIN to 80082", label: "spam" },
      { id: "sms-3", text: "ok", label: "not spam" },
    ])
  })

  it("names the file and line of a malformed line", async () => {
    const file = join(dir, "bad.txt")
    await writeFile(file, "ham\tfine\nspam\tfine too\neggs\tnot a label\n")
    const error = await Effect.runPromise(Effect.flip(loadSmsSpamCollection(file)))
    expect(error._tag).toBe("MalformedLine")
    if (error._tag !== "MalformedLine") return
    expect(error.file).toBe(file)
    expect(error.line).toBe(3)
    expect(error.expected).toContain("ham<TAB>")
    expect(error.message).toContain(`${file}:3`)
  })

  it("rejects a line without a tab", async () => {
    const file = join(dir, "notab.txt")
    await writeFile(file, "ham just spaces\n")
    const error = await Effect.runPromise(Effect.flip(loadSmsSpamCollection(file)))
    expect(error).toMatchObject({ _tag: "MalformedLine", line: 1, found: "ham just spaces" })
  })

  it("fails with DataFileUnreadable naming a missing file", async () => {
    const file = join(dir, "missing.txt")
    const error = await Effect.runPromise(Effect.flip(loadSmsSpamCollection(file)))
    expect(error).toMatchObject({ _tag: "DataFileUnreadable", file })
  })

  it.skipIf(!existsSync(realFile))("loads the real UCI file", async () => {
    const items = await Effect.runPromise(loadSmsSpamCollection(realFile))
    expect(items).toHaveLength(5574)
    expect(items.filter((item) => item.label === "spam")).toHaveLength(747)
    expect(items[0]!.label).toBe("not spam")
  })
})
