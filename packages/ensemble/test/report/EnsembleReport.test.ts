import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { renderReport } from "@lyceum/report"
import { type EvaluationRow, makeStore, type SqlValue, Store } from "@lyceum/store"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ensembleReport } from "../../src/report/index.js"

/**
 * The ensemble report on a hand-built run: 3 repeats of one task, 10 items, proposers `small` (right on
 * i0-i3 and i9) and `large` (right on i0-i6), and four aggregators whose rows are written so every number the
 * report shows can be worked out by hand (below, next to each expectation). Nothing had a price, so the
 * frontier is drawn against tokens.
 */

const dir = mkdtempSync(join(tmpdir(), "lyceum-ensemble-report-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ITEMS = Array.from({ length: 10 }, (_, i) => `i${i}`)
const REPEATS = [0, 1, 2]
const right = { small: [0, 1, 2, 3, 9], large: [0, 1, 2, 3, 4, 5, 6] }
const isRight = (who: keyof typeof right, item: number) => right[who].includes(item)

/** Items each method's coalition got right, per repeat. */
const coalitionRight: Record<string, (repeat: number) => ReadonlyArray<number>> = {
  // 0.7, 0.8, 0.6: mean 0.7, SEM 0.1 / sqrt(3); against large: +1 on i9 (repeat 1), -1 on i6 (repeat 2).
  vote: (repeat) =>
    [
      [0, 1, 2, 3, 4, 5, 6],
      [0, 1, 2, 3, 4, 5, 6, 9],
      [0, 1, 2, 3, 4, 5],
    ][repeat]!,
  // 0.8 every repeat: +1 on i9 in each repeat against large.
  judge: () => [0, 1, 2, 3, 4, 5, 6, 9],
  // stage 0 (small) accepts i0-i5: right on i0-i3; stage 1 (large) answers i6-i9: right on i6. 0.5.
  "cascade@0.5": () => [0, 1, 2, 3, 6],
  // stage 0 accepts i0-i1 (both right), large answers i2-i9: right on i2-i6. 0.7.
  "cascade@0.9": () => [0, 1, 2, 3, 4, 5, 6],
  // Two layers, stored as stages too (not a cascade: no threshold); as the vote, for 800 tokens.
  moa: (repeat) => coalitionRight.vote!(repeat),
}
const accepted: Record<string, number> = { "cascade@0.5": 6, "cascade@0.9": 2 }
const METHODS = Object.keys(coalitionRight)

const evaluation = (repeat: number, method: string, student: string, item: number, score: number) =>
  ({
    runId: "e1",
    repeat,
    round: 0,
    student,
    task: "spam",
    method,
    n: 0,
    promptLessons: 0,
    metric: "accuracy",
    itemId: ITEMS[item]!,
    answer: score === 1 ? "spam" : "ham",
    target: "spam",
    score,
  }) satisfies EvaluationRow

/** Spend per item: a proposer call is 100 tokens (small) or 300 (large), the judge's 200. */
const spend = (method: string, item: number) => {
  const stop = accepted[method]
  if (stop !== undefined) return item < stop ? { calls: 1, tokens: 100 } : { calls: 2, tokens: 400 }
  return method === "judge"
    ? { calls: 3, tokens: 600 }
    : method === "moa"
      ? { calls: 4, tokens: 800 }
      : { calls: 2, tokens: 400 }
}

const itemRow = (repeat: number, method: string, item: number): Record<string, SqlValue> => {
  const { calls, tokens } = spend(method, item)
  return {
    run_id: "e1",
    repeat,
    task: "spam",
    method,
    item_id: ITEMS[item]!,
    answer: "spam",
    target: "spam",
    correct: coalitionRight[method]!(repeat).includes(item) ? 1 : 0,
    oracle: isRight("small", item) || isRight("large", item) ? 1 : 0,
    chosen: null,
    confidence: null,
    stages: 1,
    calls,
    prompt_tokens: tokens - 10 * calls,
    completion_tokens: 10 * calls,
    cost_usd: 0,
    // The judge's order flipped on i0 and i1: 2 of 10 pairs.
    flips: method === "judge" ? (item < 2 ? 1 : 0) : null,
    pairs: method === "judge" ? 1 : null,
  }
}

/** Cascade stages: 0 (small) for every item, 1 (large) for the items stage 0 passed on; moa's two layers. */
const stageRows = (repeat: number, method: string, item: number): Array<Record<string, SqlValue>> => {
  const stop = method === "moa" ? 0 : accepted[method]
  if (stop === undefined) return []
  const stage = (n: number, agent: string, ok: boolean) => ({
    run_id: "e1",
    repeat,
    task: "spam",
    method,
    item_id: ITEMS[item]!,
    stage: n,
    agent,
    answer: "spam",
    confidence: 0.5,
    accepted: ok ? 1 : 0,
  })
  return item < stop ? [stage(0, "small", true)] : [stage(0, "small", false), stage(1, "large", true)]
}

let layer: ReturnType<typeof Store.layer>
const render = (format: "table" | "json" | "csv" | "html", table?: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* Store
      const run = Option.getOrThrow(yield* store.getRun("e1"))
      return yield* renderReport({ format, table, run, report: ensembleReport })
    }).pipe(Effect.provide(layer)),
  )
/** A table's rows as JSON objects, numbers rounded to 9 decimals (the views' means carry float noise). */
const rowsOf = async (table: string): Promise<Array<Record<string, unknown>>> =>
  JSON.parse(await render("json", table), (_key, value) =>
    typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value,
  ).rows

beforeAll(async () => {
  const filename = join(dir, "ensemble.db")
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename })
        yield* store.createRun({
          id: "e1",
          kind: "ensemble",
          scenarioName: "ensemble-fixture",
          scenarioPath: "ensemble.yaml",
          scenarioText: "kind: ensemble\n",
          seed: 1,
          versions: { lyceum: "test", node: process.version },
          // The scenario's order, which the tables keep: not the alphabet's, thresholds as written.
          config: {
            proposers: [{ name: "small" }, { name: "large" }],
            aggregators: [
              { kind: "vote" },
              { kind: "judge", model: "sim-judge" },
              { kind: "moa", layers: 2 },
              { kind: "cascade", thresholds: [0.9, 0.5] },
            ],
          },
        })
        const cohorts = REPEATS.flatMap((repeat) => METHODS.map((method) => ({ repeat, method })))
        yield* store.writeBatch({
          agents: (["small", "large"] as const).map((agent) => ({
            runId: "e1",
            agentId: agent,
            role: "proposer",
            kind: "ensemble",
            model: `sim-${agent}`,
            dataSize: null,
          })),
          evaluations: cohorts.flatMap(({ repeat, method }) =>
            ITEMS.flatMap((_, item) => [
              evaluation(repeat, method, "small", item, isRight("small", item) ? 1 : 0),
              evaluation(repeat, method, "large", item, isRight("large", item) ? 1 : 0),
              evaluation(
                repeat,
                method,
                "coalition",
                item,
                coalitionRight[method]!(repeat).includes(item) ? 1 : 0,
              ),
            ]),
          ),
          kindRows: [
            {
              table: "ensemble_items",
              rows: cohorts.flatMap(({ repeat, method }) =>
                ITEMS.map((_, item) => itemRow(repeat, method, item)),
              ),
            },
            {
              table: "ensemble_stages",
              rows: cohorts.flatMap(({ repeat, method }) =>
                ITEMS.flatMap((_, item) => stageRows(repeat, method, item)),
              ),
            },
          ],
        })
      }),
    ),
  )
  layer = Store.layer({ filename })
})

describe("ensemble report", () => {
  it("ensemble: the coalition against the best single proposer, the oracle, spend and a paired test", async () => {
    const rows = await rowsOf("ensemble")
    expect(rows.map((r) => r.method)).toEqual(["vote", "judge", "moa", "cascade@0.9", "cascade@0.5"])
    const vote = rows.find((r) => r.method === "vote")!
    expect(vote).toMatchObject({
      task: "spam",
      repeats: 3,
      items: 30,
      best_single: 0.7,
      best_agent: "large",
      oracle: 0.8,
      mean_proposer: 0.6,
      calls_per_item: 2,
      tokens_per_item: 400,
      cost_per_item: 0,
      flip_rate: null,
      pairs: 30,
      mean_difference: 0,
      // Two differing pairs (+1, -1): every one of the 4 sign flips is as extreme as the observed 0.
      p_value: 1,
      significant: false,
    })
    expect(vote.accuracy).toBeCloseTo(0.7, 9)
    expect(vote.sem).toBeCloseTo(0.1 / Math.sqrt(3), 9)
    // The judge: +1 on i9 in each repeat, so 2 of the 8 sign flips reach |3|; 2 flips in 10 pairs per repeat.
    expect(rows.find((r) => r.method === "judge")).toMatchObject({
      accuracy: 0.8,
      sem: 0,
      flip_rate: 0.2,
      calls_per_item: 3,
      mean_difference: 0.1,
      p_value: 0.25,
    })
    // Cascade at 0.5: 6 items cost one call of 100 tokens, 4 items two calls (400): 1.4 calls, 220 tokens.
    expect(rows.at(-1)).toMatchObject({ accuracy: 0.5, calls_per_item: 1.4, tokens_per_item: 220 })
  })

  it("proposers: every proposer's accuracy per task with its model", async () => {
    expect(await rowsOf("proposers")).toEqual([
      {
        task: "spam",
        proposer: "small",
        model: "sim-small",
        repeats: 3,
        items: 150,
        accuracy: 0.5,
        sem: 0,
      },
      {
        task: "spam",
        proposer: "large",
        model: "sim-large",
        repeats: 3,
        items: 150,
        accuracy: 0.7,
        sem: 0,
      },
    ])
  })

  it("cascade: each stage's deferral rate per threshold, and only the cascades", async () => {
    expect(
      (await rowsOf("cascade")).map((r) => [
        r.method,
        r.threshold,
        r.stage,
        r.agent,
        r.reached,
        r.deferred,
        r.deferral_rate,
      ]),
    ).toEqual([
      ["cascade@0.9", 0.9, 0, "small", 30, 24, 0.8],
      ["cascade@0.9", 0.9, 1, "large", 24, 0, 0],
      ["cascade@0.5", 0.5, 0, "small", 30, 12, 0.4],
      ["cascade@0.5", 0.5, 1, "large", 12, 0, 0],
    ])
  })

  it("frontier: accuracy against tokens (no call had a price), the dominated vote marked, a text chart", async () => {
    const rows = await rowsOf("frontier")
    expect(rows.map((r) => [r.method, r.accuracy, r.tokens_per_item, r.on_frontier])).toEqual([
      // As accurate as the cascade at 0.9, for more tokens.
      ["vote", 0.7, 400, false],
      ["judge", 0.8, 600, true],
      ["moa", 0.7, 800, false],
      ["cascade@0.9", 0.7, 340, true],
      ["cascade@0.5", 0.5, 220, true],
    ])
    const text = await render("table", "frontier")
    expect(text).toContain("spam: accuracy by tokens per item")
    // One legend entry per series: the two thresholds are one cascade curve.
    expect(text.match(/^ {2}\S (cascade|judge|moa|vote)$/gm)).toEqual([
      "  ● vote",
      "  ■ judge",
      "  ▲ moa",
      "  ◆ cascade",
    ])
    expect(text).toContain("tokens/item")
  })

  it("defaults to the ensemble table and refuses a social-learning table", async () => {
    expect(await render("csv")).toBe(await render("csv", "ensemble"))
    await expect(render("csv", "curve")).rejects.toThrow(
      'this ensemble run has no table "curve": choose --table ensemble, proposers, cascade, frontier (default ensemble)',
    )
  })

  it("HTML: the ensemble sections, with the frontier as an SVG chart", async () => {
    const page = await render("html")
    expect([...page.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual([
      "Ensembles",
      "Proposers",
      "Accuracy and cost",
      "Cascade deferral",
    ])
    const chart = page.slice(page.indexOf("<svg"), page.indexOf("</svg>"))
    const series = chart.split('<g class="series" ').slice(1)
    expect(series.map((g) => /data-label="([^"]*)"/.exec(g)?.[1])).toEqual([
      "vote",
      "judge",
      "moa",
      "cascade",
    ])
    expect(series.map((g) => g.split("<circle").length - 1)).toEqual([1, 1, 1, 2])
  })
})
