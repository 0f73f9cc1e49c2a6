import { describe, expect, it } from "vitest"
import { formatRunListings, type RunListing } from "../src/RunsTable.js"

const listing = (status: string, error: string | null): RunListing => ({
  runId: `r-${status}`,
  scenario: "s",
  kind: "social-learning",
  scenarioPath: "my scenarios/it's.yaml",
  status,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: null,
  repeats: 1,
  lastRound: 0,
  lessons: 0,
  evaluations: 0,
  modelCalls: 0,
  tokens: 0,
  error,
})

describe("lyceum runs", () => {
  it("prints resume commands that can be pasted when a path holds spaces or quotes", () => {
    const lines = formatRunListings([listing("stopped", "interrupted"), listing("running", null)], "a b.db")
      .split("\n")
      .filter((line) => line.includes("lyceum run"))
    expect(lines).toEqual([
      `  continue it: lyceum run 'my scenarios/it'\\''s.yaml' --db 'a b.db' --resume r-stopped`,
      `  lyceum run 'my scenarios/it'\\''s.yaml' --db 'a b.db' --resume r-running --force`,
    ])
  })
})
