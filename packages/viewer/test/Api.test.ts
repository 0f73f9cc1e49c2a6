import { Effect, Exit, Scope } from "effect"
import type { Hono } from "hono"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openViewerDb } from "../src/db/OpenDb.js"
import { makeApp } from "../src/server/App.js"
import { catalog, FLAGGED, PROMPT_CONTEXT, REDACTED, RUNS, SECRET, writeFixture } from "./support/Fixture.js"

// biome-ignore lint/suspicious/noExplicitAny: response bodies, checked by the assertions
type Json = any

let app: Hono
let file: string
const scope = Effect.runSync(Scope.make())

beforeAll(async () => {
  file = await writeFixture()
  const db = await Effect.runPromise(Scope.extend(openViewerDb(file), scope))
  app = makeApp({ db, catalog, version: "test" })
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const get = async (path: string) => {
  const response = await app.request(path)
  return { status: response.status, body: (await response.json()) as Json }
}

describe("GET /api/meta and /api/runs", () => {
  it("says which database, its schema version, read-only", async () => {
    const { body } = await get("/api/meta")
    expect(body).toMatchObject({ db: file, readOnly: true, version: "test" })
    expect(body.schemaVersion).toBeGreaterThanOrEqual(15)
  })

  it("lists runs newest first with tokens, cost, duration and progress", async () => {
    const { status, body } = await get("/api/runs")
    expect(status).toBe(200)
    expect(body.total).toBe(6)
    expect(body.rows.map((r: Json) => r.id)).toEqual([
      RUNS.sweep,
      RUNS.population,
      RUNS.ensemble,
      RUNS.running,
      RUNS.b,
      RUNS.a,
    ])
    const a = body.rows.find((r: Json) => r.id === RUNS.a)
    // 2 repeats × 2 methods × 3 rounds, 110 tokens and $0.01 each
    expect(a).toMatchObject({ kind: "social-learning", status: "completed", tokens: 12 * 110, sweep: false })
    expect(a.costUsd).toBeCloseTo(0.12, 10)
    expect(a.progress).toEqual({ done: 12, total: 12 })
    expect(a.durationMs).toBeGreaterThanOrEqual(0)
    const running = body.rows.find((r: Json) => r.id === RUNS.running)
    expect(running).toMatchObject({
      status: "running",
      finishedAt: null,
      durationMs: null,
      progress: { done: 4, total: 12 },
    })
    // No plan for a kind the catalog does not know
    expect(body.rows.find((r: Json) => r.id === RUNS.ensemble).progress).toBeNull()
  })

  it("filters, searches, sorts and pages", async () => {
    expect((await get("/api/runs?status=completed")).body.total).toBe(4)
    expect((await get("/api/runs?kind=ensemble")).body.rows.map((r: Json) => r.id)).toEqual([RUNS.ensemble])
    expect((await get("/api/runs?q=quick")).body.total).toBe(3)
    // LIKE wildcards in q are literal
    expect((await get("/api/runs?q=%25")).body.total).toBe(0)
    const sorted = (await get("/api/runs?sort=scenario&order=asc&limit=2&offset=1")).body
    expect(sorted.total).toBe(6)
    expect(sorted.rows.map((r: Json) => r.scenario)).toEqual(["pop", "quick"])
    const byTokens = (await get("/api/runs?sort=tokens&order=desc&limit=1")).body.rows
    expect(byTokens[0].tokens).toBe(1320)
  })

  it("answers 400 naming the parameter for a bad or unknown one", async () => {
    for (const [path, name] of [
      ["/api/runs?limit=0", "limit"],
      ["/api/runs?limit=abc", "limit"],
      ["/api/runs?offset=-1", "offset"],
      ["/api/runs?sort=bogus", "sort"],
      ["/api/runs?status=done", "status"],
      ["/api/runs?colour=red", "colour"],
      [`/api/runs/${RUNS.a}/lessons?action=delete`, "action"],
      [`/api/runs/${RUNS.a}/answers?correct=yes`, "correct"],
      [`/api/runs/${RUNS.a}/lessons?round=1.5`, "round"],
      ["/api/compare?runs=only-one", "runs"],
      ["/api/compare", "runs"],
    ] as const) {
      const { status, body } = await get(path)
      expect({ path, status }).toEqual({ path, status: 400 })
      expect(body.error).toContain(`"${name}"`)
    }
  })

  it("answers 404 for an unknown run, lesson or endpoint", async () => {
    for (const path of [
      "/api/runs/nope",
      "/api/runs/nope/curves",
      "/api/runs/nope/tables",
      "/api/runs/nope/lessons",
      "/api/runs/nope/answers",
      "/api/runs/nope/usage",
      `/api/runs/${RUNS.a}/lessons/nope`,
      `/api/compare?runs=${RUNS.a},nope`,
      "/api/nothing",
    ]) {
      const { status, body } = await get(path)
      expect({ path, status }).toEqual({ path, status: 404 })
      expect(typeof body.error).toBe("string")
    }
    expect((await get("/api/runs/nope")).body.error).toContain('no run "nope"')
  })
})

describe("GET /api/runs/:id", () => {
  it("gives the scenario, config and every cohort's steps", async () => {
    const { body } = await get(`/api/runs/${RUNS.running}`)
    expect(body.run.id).toBe(RUNS.running)
    expect(body.scenarioText).toContain("name: quick-3")
    expect(body.config).toMatchObject({ repeats: 2, rounds: 2 })
    expect(body.error).toBeNull()
    expect(body.points).toEqual([])
    expect(body.cohorts).toHaveLength(4)
    expect(body.cohorts[0]).toEqual({
      repeat: 0,
      task: "spam",
      method: "original-examples",
      point: null,
      stepsDone: 1,
      steps: 3,
    })
    expect((await get(`/api/runs/${RUNS.population}`)).body.error).toBe("budget spent")
  })
})

describe("a swept run", () => {
  it("is marked, plans every point, lists its points and facets cohorts, curves and tables by point", async () => {
    const { body } = await get(`/api/runs/${RUNS.sweep}`)
    // 1 repeat × 1 task × 1 variant × 3 steps, at each of 2 points
    expect(body.run).toMatchObject({ sweep: true, progress: { done: 6, total: 6 } })
    expect(body.points).toEqual([
      { point: 0, label: "temperature=0.3", values: { "models.sim.temperature": 0.3 } },
      { point: 1, label: "temperature=0.7", values: { "models.sim.temperature": 0.7 } },
    ])
    expect(body.cohorts.map((c: Json) => [c.method, c.point, c.stepsDone, c.steps])).toEqual([
      ["zero-shot@p0", 0, 3, 3],
      ["zero-shot@p1", 1, 3, 3],
    ])
    const curves = (await get(`/api/runs/${RUNS.sweep}/curves`)).body
    expect(curves.series.map((s: Json) => [s.point, s.points[0].mean])).toEqual([
      [0, 1 / 4],
      [1, 2 / 4],
    ])
    const curve = (await get(`/api/runs/${RUNS.sweep}/tables`)).body.tables[0]
    const keys = curve.columns.map((c: Json) => c.key)
    expect(keys.slice(keys.indexOf("method"), keys.indexOf("method") + 3)).toEqual([
      "method",
      "point",
      "point_label",
    ])
    expect(curve.rows[0]).toMatchObject({ method: "zero-shot", point: 0, point_label: "temperature=0.3" })
  })
})

describe("GET /api/runs/:id/curves", () => {
  it("social learning: score per round, mean and SEM over repeats", async () => {
    const { body } = await get(`/api/runs/${RUNS.a}/curves`)
    expect(body).toMatchObject({ kind: "social-learning", xLabel: "round" })
    const original = body.series.find((s: Json) => s.method === "original-examples")
    expect(original).toMatchObject({ task: "spam", metric: "accuracy", point: null })
    expect(original.points).toEqual([
      { x: 0, mean: 2 / 8, sem: 0, n: 2 },
      { x: 1, mean: 4 / 8, sem: 0, n: 2 },
      { x: 2, mean: 6 / 8, sem: 0, n: 2 },
    ])
  })

  it("ensemble: one frontier point per variant", async () => {
    const { body } = await get(`/api/runs/${RUNS.ensemble}/curves`)
    expect(body.xLabel).toBe("tokens per item")
    expect(body.frontier.map((p: Json) => [p.method, p.accuracy, p.tokensPerItem])).toEqual([
      ["vote", 0.5, 320],
      ["judge", 1, 520],
    ])
    expect(body.series.find((s: Json) => s.method === "judge").points).toEqual([
      { x: 520, mean: 1, sem: 0, n: 2 },
    ])
  })

  it("population: share of knowers per round", async () => {
    const { body } = await get(`/api/runs/${RUNS.population}/curves`)
    const knowers = body.series.find((s: Json) => s.metric === "knowers")
    // round 1: repeat 0 (20 + 5) / 100, repeat 1 (20 + 6) / 100
    expect(knowers.points[1].x).toBe(1)
    expect(knowers.points[1].mean).toBeCloseTo(0.255, 12)
    expect(knowers.points[1].n).toBe(2)
  })
})

describe("GET /api/runs/:id/tables", () => {
  it("gives the tables lyceum report shows for the kind, from the report's builders", async () => {
    const { body } = await get(`/api/runs/${RUNS.a}/tables`)
    expect(body.tables.map((t: Json) => t.name)).toEqual([
      "curve",
      "table1",
      "table2",
      "cultures",
      "leakage",
      "smuggling",
    ])
    const curve = body.tables[0]
    expect(curve.columns.find((c: Json) => c.key === "round")).toEqual({
      key: "round",
      label: "round",
      numeric: true,
    })
    expect(curve.rows.length).toBeGreaterThan(0)
    expect(Object.keys(curve.rows[0])).toEqual(curve.columns.map((c: Json) => c.key))
  })
})

describe("GET /api/runs/:id/lessons", () => {
  it("pages lessons in round order, filtered by decision", async () => {
    const page = (await get(`/api/runs/${RUNS.a}/lessons?limit=5`)).body
    expect(page.total).toBe(34)
    expect(page.rows).toHaveLength(5)
    expect(page.rows.every((r: Json) => r.round === 1)).toBe(true)
    const dropped = (await get(`/api/runs/${RUNS.a}/lessons?action=drop`)).body
    expect(dropped).toMatchObject({
      total: 1,
      rows: [{ id: "l-drop", action: "drop", detector: "secret", sent: false }],
    })
    expect((await get(`/api/runs/${RUNS.a}/lessons?round=2&teacher=teacher-1&limit=100`)).body.total).toBe(17)
  })

  it("never sends a secret in clear: flagged and redacted lessons are masked, list and detail", async () => {
    const flagged = (await get(`/api/runs/${RUNS.a}/lessons?action=flag`)).body.rows[0]
    expect(flagged.textPreview).not.toContain(SECRET)
    expect(flagged.textPreview).toBe(FLAGGED.replace(SECRET, "█".repeat(SECRET.length)))
    const detail = (await get(`/api/runs/${RUNS.a}/lessons/l-redact`)).body
    expect(detail.lesson.text).toBe(REDACTED.replace(SECRET, "█".repeat(SECRET.length)))
    expect(detail.lesson).toMatchObject({ id: "l-redact", filterAction: "redact", sent: true, chosen: true })
    expect(detail.findings.map((f: Json) => f.detector)).toEqual(["phone", "secret"])
    const all = JSON.stringify((await get(`/api/runs/${RUNS.a}/lessons?limit=100`)).body)
    expect(all).not.toContain(SECRET)
  })
})

describe("GET /api/runs/:id/answers and usage", () => {
  it("pages graded answers with filters", async () => {
    const all = (await get(`/api/runs/${RUNS.a}/answers?limit=3`)).body
    expect(all).toMatchObject({ total: 2 * 2 * 3 * 8, totalExact: true })
    expect(all.rows[0]).toEqual({
      repeat: 0,
      round: 0,
      task: "spam",
      method: "original-examples",
      student: "student-1",
      itemId: "item-0",
      metric: "accuracy",
      answer: "spam",
      target: "spam",
      score: 1,
      prompt: `${PROMPT_CONTEXT}Text: item-0\nClass:`,
    })
    const wrong = (await get(`/api/runs/${RUNS.a}/answers?round=2&method=original-examples&correct=0`)).body
    expect(wrong.total).toBe(2 * 2)
    expect(wrong.rows.every((r: Json) => r.score === 0)).toBe(true)
  })

  it("sums usage and pages its rows", async () => {
    const { body } = await get(`/api/runs/${RUNS.a}/usage?limit=2&offset=1`)
    expect(body.totals).toMatchObject({ calls: 96, promptTokens: 1200, completionTokens: 120 })
    expect(body.totals.costUsd).toBeCloseTo(0.12, 10)
    expect(body.total).toBe(12)
    expect(body.rows).toHaveLength(2)
    expect(body.rows[0]).toMatchObject({ agent: "student-1", model: "sim", calls: 8 })
  })
})

describe("GET /api/compare", () => {
  it("overlays curves and tests the pairs of the items both runs graded", async () => {
    const { status, body } = await get(`/api/compare?runs=${RUNS.a},${RUNS.b}`)
    expect(status).toBe(200)
    expect(body.runs.map((r: Json) => r.id)).toEqual([RUNS.a, RUNS.b])
    expect(body.series.filter((s: Json) => s.key.startsWith(`${RUNS.b} · `))).toHaveLength(2)
    const original = body.paired.find((p: Json) => p.method === "original-examples")
    // Last round: b gets item 6 right in both repeats, a does not: 16 pairs, 2 differ (exact p = 2/4 = 0.5).
    expect(original).toMatchObject({ a: RUNS.a, b: RUNS.b, task: "spam", n: 16, pValue: 0.5 })
    expect(original.meanDiff).toBeCloseTo(-1 / 8, 12)
    expect(body.paired.find((p: Json) => p.method === "zero-shot")).toMatchObject({
      meanDiff: 0,
      pValue: 1,
      n: 16,
    })
  })
})
