import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))
const scenarios = join(root, "scenarios")

/**
 * Words in a comment that point at a file: a path with a slash, or a Markdown or YAML file. A bare data-file name
 * (`gd_prompt_en.tsv`, a file the user downloads next to the scenario) is a name, not a pointer.
 */
const fileMentions = (comment: string): ReadonlyArray<string> =>
  (comment.match(/[\w.~-]*\/[\w./-]*[\w]|[\w-]+\.(?:md|ya?ml)\b/g) ?? []).filter(
    (word) => !/^(?:https?:|nats:)/.test(word) && !word.includes("//") && !/^path\/to\//.test(word),
  )

describe("the shipped scenario files' comments", () => {
  // Subfolders too (scenarios/servers: one file per real server).
  const files = readdirSync(scenarios, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".yaml"),
  )
  it.each(files)("%s names only files inside the repository, and they exist", (name) => {
    const text = readFileSync(join(scenarios, name), "utf8")
    const comments = text.split("\n").flatMap((line) => {
      const at = line.indexOf("#")
      return at < 0 ? [] : [line.slice(at + 1)]
    })
    for (const mention of comments.flatMap(fileMentions)) {
      const candidates = [resolve(root, mention), resolve(scenarios, dirname(name), mention)]
      const inside = candidates.filter((path) => !relative(root, path).startsWith(".."))
      expect(inside, `${name}: "${mention}" points outside the repository`).not.toEqual([])
      expect(
        inside.some((path) => existsSync(path)),
        `${name}: "${mention}" does not exist in the repository`,
      ).toBe(true)
    }
  })
})
