import { describe, expect, it } from "vitest"
import { hashOf, parseHash } from "./Router.js"
import { toTsv } from "./SortableTable.js"

// The parts of the web app that need no DOM; the pages themselves are driven in Chromium by
// test/viewer.browser.test.ts.
describe("hash routes", () => {
  it("round-trip a lesson id with slashes and a query", () => {
    const lesson = "sms-spam.attack/teacher-1/student-1/0/1/8"
    const hash = hashOf(["run", "run-1", "lesson", lesson], { action: "drop", round: "", offset: "50" })
    expect(hash).toBe(
      "#/run/run-1/lesson/sms-spam.attack%2Fteacher-1%2Fstudent-1%2F0%2F1%2F8?action=drop&offset=50",
    )
    const route = parseHash(hash)
    expect(route.path).toEqual(["run", "run-1", "lesson", lesson])
    expect(Object.fromEntries(route.query)).toEqual({ action: "drop", offset: "50" })
  })

  it("read the root, and a query with commas", () => {
    expect(parseHash("").path).toEqual([])
    expect(parseHash("#/").path).toEqual([])
    expect(parseHash("#/compare?runs=a,b").query.get("runs")).toBe("a,b")
  })
})

describe("copy as TSV", () => {
  it("writes a header and one line per row, tabs and newlines in cells flattened to spaces", () => {
    const rows = [
      { name: "a\tb", text: "line 1\nline 2", score: 0.5 },
      { name: "c", text: "", score: 1 },
    ]
    const tsv = toTsv(
      [
        { label: "Name", value: (r: (typeof rows)[number]) => r.name },
        { label: "Control" },
        { label: "Text", value: (r: (typeof rows)[number]) => r.text },
        { label: "Score", numeric: true, value: (r: (typeof rows)[number]) => r.score },
      ],
      rows,
    )
    expect(tsv).toBe("Name\tText\tScore\na b\tline 1 line 2\t0.5\nc\t\t1")
  })
})
