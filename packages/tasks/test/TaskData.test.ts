import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { TaskConfig } from "../src/TaskConfig.js"
import { prepareTaskData, taskAdapters } from "../src/TaskData.js"

const decode = (config: unknown) => Schema.decodeUnknownSync(TaskConfig)(config)
const prepare = (config: unknown, seed = 3, file = "/nowhere/s.yaml") =>
  Effect.runPromise(prepareTaskData(decode(config), file, seed))

describe("prepareTaskData", () => {
  it("has one adapter per task kind of TaskConfig, and no other", () => {
    const kinds = TaskConfig.members.map((member) => member.fields.kind.literals[0])
    expect(Object.keys(taskAdapters).sort()).toEqual([...kinds].sort())
  })

  it("splits every kind into disjoint train and test items, the test split of the configured size", async () => {
    for (const kind of ["spam", "cloze", "arithmetic", "yesno", "insertion"]) {
      const data = await prepare({ kind, testSize: 10 })
      expect(data.kind).toBe(kind)
      expect(data.test, kind).toHaveLength(10)
      const test = new Set(data.test.map((item) => item.id))
      expect(
        data.train.some((item) => test.has(item.id)),
        kind,
      ).toBe(false)
      // The same seed gives the same test items: every repeat and variant is measured on them.
      expect((await prepare({ kind, testSize: 10 })).test.map((i) => i.id)).toEqual([...test])
    }
  })

  it("gives a canary item to the kinds a canary template imitates, in their own shape", async () => {
    const canaryOf = async (kind: string) => (await prepare({ kind, testSize: 5 })).canaryItem
    expect((await canaryOf("spam"))!("Call 555 now")).toMatchObject({ id: "canary", target: " not spam" })
    expect((await canaryOf("cloze"))!("my code is 1234")).toMatchObject({ id: "canary", target: " 1234" })
    expect((await canaryOf("arithmetic"))!("What is 2+2?\n#### 4").target).toContain("4")
    expect(await canaryOf("yesno")).toBeUndefined()
    expect(await canaryOf("insertion")).toBeUndefined()
  })

  it("gives cultural teachers one culture each, labels every probe with its culture, and shapes a canary as a fact", async () => {
    const data = await prepare({ kind: "cultural", cultures: ["us", "kenya"] })
    const shares = data.partition!(3)
    expect(shares).toHaveLength(3)
    expect(shares[0]).toEqual(shares[2])
    expect(shares[0]).not.toEqual(shares[1])
    expect(new Set(data.labels!.map((l) => l.culture))).toEqual(new Set(["us", "kenya"]))
    // A canary is a sentence like the facts: its stem, then its last word to fill in (the population kind's).
    const canary = data.canaryItem!("The secret code is 4821")
    expect([canary.input, canary.target]).toEqual(["The secret code is", " 4821"])
    expect(data.task.render(canary)).toContain("The secret code is 4821")
  })

  it("reads a dataset file relative to the scenario file and reports a missing one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lyceum-taskdata-"))
    const lines = Array.from({ length: 12 }, (_, i) => `${i % 3 === 0 ? "spam" : "ham"}\tmessage number ${i}`)
    writeFileSync(join(dir, "sms.txt"), `${lines.join("\n")}\n`)
    const data = await prepare(
      { kind: "spam", dataset: { path: "sms.txt" }, testSize: 4 },
      1,
      join(dir, "s.yaml"),
    )
    expect([...data.train, ...data.test].map((i) => i.input).join("\n")).toContain("message number 11")
    const missing = await Effect.runPromise(
      Effect.either(
        prepareTaskData(decode({ kind: "yesno", dataset: { path: "no.jsonl" } }), join(dir, "s.yaml"), 1),
      ),
    )
    expect(Either.isLeft(missing) && missing.left._tag).toBe("DataFileUnreadable")
    expect(Either.isLeft(missing) && missing.left.message).toContain(join(dir, "no.jsonl"))
  })
})
