import { execFileSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { shellWord } from "../src/ShellWord.js"

describe("shellWord", () => {
  it("leaves plain paths alone and quotes the rest so a shell reads them back as one word", () => {
    expect(shellWord("scenarios/paper-table1.yaml")).toBe("scenarios/paper-table1.yaml")
    const awkward = ["my t1.yaml", "it's.db", "", "a\nb", "$HOME", "*.db", 'q"uote', "semi;colon"]
    for (const text of awkward) {
      expect(execFileSync("sh", ["-c", `printf %s ${shellWord(text)}`], { encoding: "utf8" })).toBe(text)
    }
  })
})
