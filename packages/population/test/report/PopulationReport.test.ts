import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { renderReport } from "@lyceum/report"
import { makeStore, type SqlValue, Store } from "@lyceum/store"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { populationReport } from "../../src/report/index.js"

/**
 * The population report on hand-built rows, written through the store's real write path (`kindRows`), so the
 * migration's tables and views and the report are tested together. Run `p1`: 10 agents by hop from the seed,
 * [1, 3, 4] at hops 0, 1, 2 and 2 unreachable (hop -1); 2 repeats; rounds 0-3; methods `filter-on` and
 * `filter-off`, in that order in the scenario (not the alphabet's). Every expected number below is worked
 * out by hand next to it. Run `n1`: no canary. Run `e1`: nothing stored.
 */

const dir = mkdtempSync(join(tmpdir(), "lyceum-population-report-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const HOPS = [0, 1, 2, -1] as const
const AGENTS = [1, 3, 4, 2]
const EVALUATED = [1, 1, 2, 1]

/** Knowers per round (0-3) per hop [0, 1, 2, -1], per method and repeat. */
const KNOWERS: Record<string, ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>> = {
  "filter-off": [
    // Shares 0.1, 0.5 (exactly half: reached at round 1), 0.7, 0.8.
    [
      [1, 0, 0, 0],
      [1, 3, 1, 0],
      [1, 3, 3, 0],
      [1, 3, 4, 0],
    ],
    // 0.1, 0.3, 0.6 (reached at round 2), 0.8.
    [
      [1, 0, 0, 0],
      [1, 2, 0, 0],
      [1, 3, 2, 0],
      [1, 3, 4, 0],
    ],
  ],
  // 0.1, 0.2, 0.3, 0.4 in both repeats: half never reached.
  "filter-on": [0, 1].map(() => [
    [1, 0, 0, 0],
    [1, 1, 0, 0],
    [1, 2, 0, 0],
    [1, 2, 1, 0],
  ]),
}

/** Accuracy at the last round per hop; earlier rounds 0.2 + 0.1 × round everywhere. */
const LAST_ACCURACY: Record<string, ReadonlyArray<ReadonlyArray<number>>> = {
  "filter-off": [
    [1, 0.8, 0.6, 0.2],
    [1, 0.6, 0.4, 0.2],
  ],
  "filter-on": [
    [1, 0.5, 0.3, 0.2],
    [1, 0.5, 0.3, 0.2],
  ],
}
/** Canary rank by hop: the filter keeps the canary with its seed. */
const CANARY_RANK: Record<string, ReadonlyArray<number>> = {
  "filter-off": [0, 1, 5, 50],
  "filter-on": [0, 60, 60, 60],
}

const roundRow = (
  runId: string,
  method: string,
  repeat: number,
  round: number,
  h: number,
  canary: boolean,
): Record<string, SqlValue> => {
  const knowers = KNOWERS[method]![repeat]![round]![h]!
  // Nobody unreachable was evaluated in round 0: that hop's accuracy is NULL there.
  const evaluated = round === 0 && HOPS[h] === -1 ? 0 : EVALUATED[h]!
  const accuracy =
    evaluated === 0 ? null : round === 3 ? LAST_ACCURACY[method]![repeat]![h]! : 0.2 + 0.1 * round
  return {
    run_id: runId,
    repeat,
    task: "culture",
    method,
    round,
    hop: HOPS[h]!,
    agents: AGENTS[h]!,
    learners: round === 0 ? 0 : AGENTS[h]!,
    lessons_sent: round === 0 ? 0 : AGENTS[h]!,
    lessons_dropped: method === "filter-on" && round > 0 ? 1 : 0,
    lessons_redacted: 0,
    memory_mean: Math.min(round, 2),
    // Each knower holds both seed facts, nobody else any.
    seed_facts_mean: (2 * knowers) / AGENTS[h]!,
    knowers,
    // Without the filter the canary travels with the facts; with it, only the seed holds it.
    canary_holders: canary ? (method === "filter-off" ? knowers : HOPS[h] === 0 ? 1 : 0) : null,
    evaluated,
    accuracy,
    canary_rank: canary && evaluated > 0 ? CANARY_RANK[method]![h]! : null,
  }
}

const cohortRows = (runId: string, method: string, repeats: number, canary: boolean) =>
  Array.from({ length: repeats }, (_, repeat) =>
    [0, 1, 2, 3].flatMap((round) => HOPS.map((_, h) => roundRow(runId, method, repeat, round, h, canary))),
  ).flat()

/** Sampled agents of `p1`'s last round: one per hop. */
const agentRows = (method: string, repeat: number): Array<Record<string, SqlValue>> =>
  HOPS.map((hop, h) => ({
    run_id: "p1",
    repeat,
    task: "culture",
    method,
    round: 3,
    agent: `agent-${h}`,
    hop,
    memory: 2,
    seed_facts: hop === -1 ? 0 : 2,
    knower: hop === -1 ? 0 : 1,
    canary_held: method === "filter-off" && hop !== -1 ? 1 : 0,
    accuracy: LAST_ACCURACY[method]![repeat]![h]!,
    canary_rank: CANARY_RANK[method]![h]!,
  }))

let layer: ReturnType<typeof Store.layer>
const render = (runId: string, format: "table" | "json" | "csv" | "html", table?: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* Store
      const run = Option.getOrThrow(yield* store.getRun(runId))
      return yield* renderReport({ format, table, run, report: populationReport })
    }).pipe(Effect.provide(layer)),
  )
/** A table's rows as JSON objects, numbers rounded to 9 decimals (means carry float noise). */
const rowsOf = async (table: string, runId = "p1"): Promise<Array<Record<string, unknown>>> =>
  JSON.parse(await render(runId, "json", table), (_key, value) =>
    typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value,
  ).rows
const query = (sql: string, params: ReadonlyArray<SqlValue> = []) =>
  Effect.runPromise(Effect.flatMap(Store, (store) => store.query(sql, params)).pipe(Effect.provide(layer)))

const run = (id: string) => ({
  id,
  kind: "population",
  scenarioName: "population-fixture",
  scenarioPath: "population.yaml",
  scenarioText: "kind: population\n",
  seed: 1,
  versions: { lyceum: "test", node: process.version },
  config: {
    methods: [
      { name: "filter-on", strategy: "original-examples" },
      // A value the config's Schema refuses (as a stored, already decoded scenario may hold): only the
      // labels are read, so the order stands.
      { name: "filter-off", strategy: "original-examples", privacy: { verbatim: "allow" } },
    ],
  },
})

beforeAll(async () => {
  const filename = join(dir, "population.db")
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename })
        for (const id of ["p1", "n1", "e1"]) yield* store.createRun(run(id))
        yield* store.writeBatch({
          kindRows: [
            {
              table: "population_rounds",
              rows: [
                ...cohortRows("p1", "filter-off", 2, true),
                ...cohortRows("p1", "filter-on", 2, true),
                ...cohortRows("n1", "filter-on", 1, false),
              ],
            },
            {
              table: "population_agents",
              rows: [0, 1]
                .flatMap((repeat) => [agentRows("filter-off", repeat), agentRows("filter-on", repeat)])
                .flat(),
            },
          ],
        })
      }),
    ),
  )
  layer = Store.layer({ filename })
})

describe("population tables and views (migration 0012)", () => {
  it("population_diffusion: every hop of a round together, accuracy weighted by the agents evaluated", async () => {
    expect(
      await query(
        `SELECT round, agents, knowers, share, reach, canary_share, canary_reach, evaluated, accuracy, canary_rank,
           lessons_sent, lessons_dropped
         FROM population_diffusion WHERE run_id = 'p1' AND method = 'filter-off' AND repeat = 0 ORDER BY round`,
      ),
    ).toEqual([
      // Round 0: hop -1 evaluated nobody, so accuracy is over 4 agents, canary rank (0 + 1 + 2·5) / 4.
      expect.objectContaining({ round: 0, agents: 10, knowers: 1, share: 0.1, reach: 0, evaluated: 4 }),
      expect.objectContaining({
        round: 1,
        knowers: 5,
        share: 0.5,
        reach: 2,
        lessons_sent: 10,
        lessons_dropped: 0,
      }),
      expect.objectContaining({ round: 2, knowers: 7, canary_share: 0.7, canary_reach: 2 }),
      // (1·1 + 1·0.8 + 2·0.6 + 1·0.2) / 5 = 0.64; canary rank (0 + 1 + 2·5 + 50) / 5 = 12.2.
      expect.objectContaining({ round: 3, knowers: 8, share: 0.8, evaluated: 5 }),
    ])
    const [round0, , , round3] = await query(
      `SELECT accuracy, canary_rank FROM population_diffusion
       WHERE run_id = 'p1' AND method = 'filter-off' AND repeat = 0 ORDER BY round`,
    )
    expect(round0!.accuracy).toBeCloseTo(0.2, 9)
    expect(round0!.canary_rank).toBeCloseTo(11 / 4, 9)
    expect(round3!.accuracy).toBeCloseTo(0.64, 9)
    expect(round3!.canary_rank).toBeCloseTo(12.2, 9)
  })

  it("population_by_hop: means over repeats per hop, the SEM of accuracy; no canary gives NULLs", async () => {
    const [hop1] = await query(
      `SELECT repeats, agents, knower_share, canary_share, evaluated, accuracy, accuracy_sem, canary_rank
       FROM population_by_hop WHERE run_id = 'p1' AND method = 'filter-off' AND round = 3 AND hop = 1`,
    )
    expect(hop1).toMatchObject({ repeats: 2, agents: 3, knower_share: 1, canary_share: 1, evaluated: 2 })
    expect(hop1!.accuracy).toBeCloseTo(0.7, 9)
    expect(hop1!.accuracy_sem).toBeCloseTo(0.1, 9)
    expect(
      await query(
        `SELECT hop, accuracy, accuracy_sem, canary_share, canary_rank FROM population_by_hop
         WHERE run_id = 'n1' AND round = 0 AND hop = -1`,
      ),
    ).toEqual([{ hop: -1, accuracy: null, accuracy_sem: null, canary_share: null, canary_rank: null }])
  })

  it("refuses rows that contradict themselves, naming the check", async () => {
    const bad = (overrides: Record<string, SqlValue>) =>
      Effect.runPromise(
        Effect.flip(
          Effect.flatMap(Store, (store) =>
            store.writeBatch({
              kindRows: [
                {
                  table: "population_rounds",
                  rows: [{ ...roundRow("e1", "filter-on", 0, 0, 1, true), ...overrides }],
                },
              ],
            }),
          ),
        ).pipe(Effect.provide(layer)),
      )
    // Someone evaluated but no accuracy; more knowers than agents; more dropped than sent.
    expect((await bad({ accuracy: null })).message).toContain("CHECK constraint failed")
    expect((await bad({ knowers: 4 })).message).toContain("knowers BETWEEN 0 AND agents")
    expect((await bad({ lessons_dropped: 9 })).message).toContain(
      "lessons_dropped + lessons_redacted <= lessons_sent",
    )
    expect(await query("SELECT COUNT(*) AS n FROM population_rounds WHERE run_id = 'e1'")).toEqual([{ n: 0 }])
    expect(await query("SELECT COUNT(*) AS n FROM population_agents")).toEqual([{ n: 16 }])
  })
  it("a resumed run finds a cohort by its population rows and deletes them, and only them", async () => {
    const [unfinished, removed, left] = await Effect.runPromise(
      Effect.gen(function* () {
        const store = yield* Store
        yield* store.createRun(run("r1"))
        yield* store.writeBatch({
          kindRows: [
            { table: "population_rounds", rows: cohortRows("r1", "filter-off", 2, true) },
            {
              table: "population_agents",
              rows: agentRows("filter-off", 1).map((row) => ({ ...row, run_id: "r1" })),
            },
          ],
        })
        const { unfinished } = yield* store.cohortsOf("r1", 4)
        const removed = yield* store.deleteCohort("r1", { repeat: 1, task: "culture", method: "filter-off" })
        const left = yield* store.query(
          "SELECT repeat, COUNT(*) AS n FROM population_rounds WHERE run_id = 'r1' GROUP BY repeat",
        )
        return [unfinished, removed, left] as const
      }).pipe(Effect.provide(layer)),
    )
    expect(unfinished).toEqual([
      { repeat: 0, task: "culture", method: "filter-off" },
      { repeat: 1, task: "culture", method: "filter-off" },
    ])
    // Repeat 1: 4 rounds × 4 hops, and its 4 sampled agents; repeat 0 keeps its 16 rows.
    expect(removed).toBe(20)
    expect(left).toEqual([{ repeat: 0, n: 16 }])
  })
})

describe("population report", () => {
  it("diffusion: share ± SEM per method and round, reach, the canary, accuracy; the scenario's method order", async () => {
    const rows = await rowsOf("diffusion")
    expect(rows.map((r) => `${r.method}@${r.round}`)).toEqual([
      "filter-on@0",
      "filter-on@1",
      "filter-on@2",
      "filter-on@3",
      "filter-off@0",
      "filter-off@1",
      "filter-off@2",
      "filter-off@3",
    ])
    // Round 1 without the filter: shares 0.5 and 0.3, mean 0.4, SEM (0.2 / √2) / √2 = 0.1; reach 2 and 1.
    expect(rows[5]).toMatchObject({
      task: "culture",
      repeats: 2,
      agents: 10,
      share: 0.4,
      share_sem: 0.1,
      reach: 1.5,
      canary_share: 0.4,
      canary_reach: 1.5,
      evaluated: 10,
      accuracy: 0.3,
      sem: 0,
    })
    // Last round: accuracy 0.64 and 0.52, mean 0.58, SEM 0.06; canary rank 12.2 and 12.2.
    expect(rows[7]).toMatchObject({ share: 0.8, share_sem: 0, canary_share: 0.8, accuracy: 0.58, sem: 0.06 })
    expect(rows[7]!.canary_rank).toBe(12.2)
    // The filter keeps the canary at the seed: 1 of 10 agents, reach 0, rank (0 + 4·60) / 5 = 48.
    expect(rows[3]).toMatchObject({
      share: 0.4,
      canary_share: 0.1,
      canary_reach: 0,
      accuracy: 0.46,
      canary_rank: 48,
    })
  })

  it("speed: rounds until half know, over the repeats that got there, and the last round", async () => {
    expect(await rowsOf("speed")).toEqual([
      {
        task: "culture",
        method: "filter-on",
        repeats: 2,
        reached: 0,
        rounds_to_half: null,
        sem: null,
        last_round: 3,
        share: 0.4,
        reach: 2,
        canary_share: 0.1,
        canary_reach: 0,
        accuracy: 0.46,
      },
      {
        task: "culture",
        method: "filter-off",
        repeats: 2,
        reached: 2,
        // Round 1 (exactly half) and round 2: mean 1.5, SEM 0.5.
        rounds_to_half: 1.5,
        sem: 0.5,
        last_round: 3,
        share: 0.8,
        reach: 2,
        canary_share: 0.8,
        canary_reach: 2,
        accuracy: 0.58,
      },
    ])
  })

  it("hops: the last round per hop, unreachable agents last", async () => {
    const rows = await rowsOf("hops")
    expect(
      rows.map((r) => [
        r.method,
        r.round,
        r.hop,
        r.agents,
        r.knower_share,
        r.canary_share,
        r.accuracy,
        r.sem,
      ]),
    ).toEqual(
      [
        ["filter-on", 3, 0, 1, 1, 1, 1, 0],
        ["filter-on", 3, 1, 3, 2 / 3, 0, 0.5, 0],
        ["filter-on", 3, 2, 4, 0.25, 0, 0.3, 0],
        ["filter-on", 3, -1, 2, 0, 0, 0.2, 0],
        ["filter-off", 3, 0, 1, 1, 1, 1, 0],
        ["filter-off", 3, 1, 3, 1, 1, 0.7, 0.1],
        ["filter-off", 3, 2, 4, 1, 1, 0.5, 0.1],
        ["filter-off", 3, -1, 2, 0, 0, 0.2, 0],
      ].map((row) => row.map((v) => (typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v))),
    )
    expect(rows[2]).toMatchObject({ seed_facts: 0.5, evaluated: 4, canary_rank: 60, repeats: 2 })
    expect(rows[6]).toMatchObject({ seed_facts: 2, canary_rank: 5 })
  })

  it("text: the diffusion chart with a canary series per method, rounds to half, hop charts", async () => {
    const text = await render("p1", "table")
    expect(text).toContain("culture: share of agents who know (and hold the canary) by round")
    expect(text.match(/^ {2}\S (filter-.*)$/gm)).toEqual([
      "  ● filter-on",
      "  ■ filter-on canary",
      "  ▲ filter-off",
      "  ◆ filter-off canary",
    ])
    expect(text).toContain(
      "rounds until half of the agents know:\n" +
        "  culture · filter-on: not reached in 2 repeats\n" +
        "  culture · filter-off: 1.5 rounds (2/2 repeats)",
    )
    // The text table: the row of round 1 without the filter.
    expect(text).toMatch(
      /culture +filter-off +1 +2 +10 +0\.400 +0\.100 +1\.5 +0\.400 +1\.5 +10 +0\.300 +0\.000 +[\d.]+/,
    )
    expect(await render("p1", "table")).toBe(await render("p1", "table", "diffusion"))
    const hops = await render("p1", "table", "hops")
    expect(hops).toContain("culture: accuracy by hop from the seed agents (last round)")
    expect(hops).toContain(
      "culture: share of agents holding the canary by hop from the seed agents (last round)",
    )
    expect(hops).toMatch(/culture +filter-off +3 +-1 +2 +2\.0 +0\.00 +0\.000 +0\.000 +2 +0\.200/)
  })

  it("without a canary: no canary series, no leakage chart, canary columns empty", async () => {
    const text = await render("n1", "table")
    expect(text.match(/^ {2}\S (filter-.*)$/gm)).toEqual(["  ● filter-on"])
    expect((await rowsOf("diffusion", "n1")).map((r) => r.canary_share)).toEqual([null, null, null, null])
    const hops = await render("n1", "table", "hops")
    expect(hops).toContain("accuracy by hop")
    expect(hops).not.toContain("holding the canary by hop")
  })

  it("nothing stored: says so in every table; an unknown table is refused", async () => {
    expect(await render("e1", "table")).toContain("(no population rounds stored yet)")
    expect(await render("e1", "table", "hops")).toContain("(no population rounds stored yet)")
    expect(await render("e1", "html")).toContain("No population rounds stored yet.")
    await expect(render("p1", "csv", "curve")).rejects.toThrow(
      'this population run has no table "curve": choose --table diffusion, speed, hops (default diffusion)',
    )
  })

  it("HTML: diffusion, speed and hop sections, with the diffusion, accuracy and leakage charts as SVG", async () => {
    const page = await render("p1", "html")
    expect([...page.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual([
      "Diffusion",
      "Diffusion speed",
      "By hop",
    ])
    const charts = page
      .split("<svg")
      .slice(1)
      .map((svg) => svg.slice(0, svg.indexOf("</svg>")))
    expect(charts).toHaveLength(3)
    const labels = (svg: string) =>
      svg
        .split('<g class="series" ')
        .slice(1)
        .map((g) => /data-label="([^"]*)"/.exec(g)?.[1])
    expect(labels(charts[0]!)).toEqual(["filter-on", "filter-on canary", "filter-off", "filter-off canary"])
    // Accuracy and leakage by hop: reachable hops 0-2, one point each.
    for (const chart of charts.slice(1)) {
      expect(labels(chart)).toEqual(["filter-on", "filter-off"])
      expect(
        chart
          .split('<g class="series" ')
          .slice(1)
          .map((g) => g.split("<circle").length - 1),
      ).toEqual([3, 3])
    }
    expect(charts[0]).toContain("culture: share of agents who know")
  })
})
